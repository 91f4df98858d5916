"""The moment a context panel is about: a chosen occurrence, or the error's last sighting.

Occurrences point into Loki (timestamp, stream labels, source); an error the application wrote
with SQL has none, so its context is read around `last_seen_at` from the source's streams.
"""

from dataclasses import dataclass, field

from errors.correlation.scope import Scope
from errors.correlation.sources import LokiTarget
from errors.models import ErrorGroup, Occurrence
from logs.context import context_query
from logs.logql import LogQuery

RECENT = 20
NS_PER_US = 1_000


@dataclass(frozen=True)
class Anchor:
    ts_ns: int
    source: str
    labels: dict[str, str] = field(default_factory=dict)
    trace_id: str = ""
    user: str = ""
    tenant: str = ""
    occurrence: Occurrence | None = None


def recent_occurrences(error: ErrorGroup) -> list[Occurrence]:
    return list(error.occurrences.order_by("-timestamp_ns")[:RECENT])


def anchor_for(error: ErrorGroup, occurrences: list[Occurrence], chosen: int | None) -> Anchor:
    """The chosen occurrence (it must be this error's), else the newest, else the last sighting."""
    occurrence = next((o for o in occurrences if o.pk == chosen), None)
    if occurrence is None and chosen is not None:
        occurrence = error.occurrences.filter(pk=chosen).first()
    occurrence = occurrence or (occurrences[0] if occurrences else None)
    if occurrence is None:
        at = int(error.last_seen_at.timestamp() * 1_000_000) * NS_PER_US
        return Anchor(at, error.source, trace_id=error.last_trace_id)
    return Anchor(
        ts_ns=occurrence.timestamp_ns,
        source=occurrence.source or error.source,
        labels=dict(occurrence.stream_labels or {}),
        trace_id=occurrence.trace_id,
        user=occurrence.user,
        tenant=occurrence.tenant,
        occurrence=occurrence,
    )


def query_for(anchor: Anchor, target: LokiTarget, scope: Scope) -> LogQuery:
    """The scope's query in Loki's fast order; the source's streams when no stream is known."""
    wanted = ((scope.user, anchor.user), (scope.tenant, anchor.tenant))
    texts = [text for on, text in wanted if on and text]
    trace_id = anchor.trace_id if scope.trace else ""
    if anchor.labels or trace_id:
        try:
            return context_query(anchor.labels, base=target.base, trace_id=trace_id, texts=texts)
        except ValueError:
            pass  # labels that were only levels: fall back to the source's streams
    query = LogQuery(target.base)
    for text in texts:
        query = query.contains(text)
    return query
