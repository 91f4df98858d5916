"""Set-based writes of one window: one statement per table, whatever the number of lines.

Rows travel as one JSON document per statement (msgspec encodes it in C; PostgreSQL unpacks it
with json_to_recordset), which keeps round trips constant and avoids per-value adaptation.
Groups are written in fingerprint order so concurrent upserts lock rows in the same order.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from django.utils import timezone

from errors.ingest.aggregate import Group, Kept, Window, metadata_of
from errors.ingest.parse import Bad, sample_of
from errors.ingest.sql import GROUPS_SQL, HOURLY_SQL, OCCURRENCES_SQL, PRUNE_SQL, run

MESSAGE_CHARS = 8_192
STACK_CHARS = 65_536
_json = msgspec.json.encode


@dataclass(frozen=True, slots=True)
class Written:
    """A group as the upsert left it: `fresh` when the console noticed the row just now."""

    id: UUID
    status: str | None
    resolved_at: datetime | None
    fresh: bool
    count: int


def upsert_groups(window: Window) -> dict[str, Written]:
    rows = [_group_row(window, group) for _, group in sorted(window.groups.items())]
    mark = timezone.now()
    found = run(GROUPS_SQL, source=window.source, rows=_json(rows).decode(), mark=mark)
    return {fp: Written(i, status, at, fresh, n) for i, fp, status, at, fresh, n in found}


def _group_row(window: Window, group: Group) -> dict[str, Any]:
    _, first = window.sample(group.first)
    last_stream, last = window.sample(group.last)
    row = {
        "fp": group.fingerprint,
        "first": group.first[0].ts // 1000,
        "last": group.last[0].ts // 1000,
        "n": group.count,
        "service": last_stream.service,
        "env": last_stream.environment,
        "version": group.version,
        "meta": None,
    }
    if group.fingerprint == window.bad_fingerprint:
        sample = sample_of(group.last[0].line)
        reasons = {str(reason): count for reason, count in group.reasons.items()}
        title = f"Unparseable log lines from Loki source {window.source}"
        meta = {"sample": sample, "reasons_last_poll": reasons}
        extra = {"msg": title, "stack": sample, "type": "UnparseableLogLine", "level": "error"}
        return row | extra | {"meta": meta, "trace": ""}
    fields = window.fields
    return row | {
        "msg": (fields.raw_text(first, "message") or "")[:MESSAGE_CHARS],
        "stack": (fields.raw_text(first, "stack_trace") or "")[:STACK_CHARS] or None,
        "type": fields.text(last, "exception_type"),
        "level": (fields.text(last, "level") or "error").lower(),
        "trace": fields.text(last, "trace_id") or metadata_of(group.last[0]).get("trace_id", ""),
    }


def insert_occurrences(window: Window, written: dict[str, Written], source: str) -> None:
    """The first line of a group new to the console, and the last few lines of every group."""
    rows: list[dict[str, Any]] = []
    for fingerprint, group in window.groups.items():
        kept = list(group.recent)
        if written[fingerprint].fresh and group.first is not kept[0]:
            kept.insert(0, group.first)
        error_id = str(written[fingerprint].id)
        bad = fingerprint == window.bad_fingerprint
        rows.extend(_occurrence_row(window, error_id, item, bad) for item in kept)
    labels = [stream.labels for stream in window.streams.streams]
    run(OCCURRENCES_SQL, source, _json(labels).decode(), _json(rows).decode())


def _occurrence_row(window: Window, error_id: str, kept: Kept, bad: bool) -> dict[str, Any]:
    stream, record = window.sample(kept)
    row = {"e": error_id, "ts": kept[0].ts, "s": stream.index}
    row |= {"svc": stream.service, "env": stream.environment}
    if bad or record.__class__ is Bad:
        return row | {"tr": "", "sp": "", "te": "", "us": "", "op": ""}
    text, metadata = window.fields.text, metadata_of(kept[0])
    return row | {
        "tr": text(record, "trace_id") or metadata.get("trace_id", ""),
        "sp": text(record, "span_id") or metadata.get("span_id", ""),
        "te": text(record, "tenant"),
        "us": text(record, "user"),
        "op": text(record, "operation"),
    }


def upsert_hourly(window: Window, written: dict[str, Written]) -> None:
    rows = [
        {"e": str(written[fp].id), "h": hour, "n": count}
        for fp, group in window.groups.items()
        for hour, count in group.hour_counts().items()
    ]
    run(HOURLY_SQL, _json(rows).decode())


def prune_occurrences(ids: Sequence[UUID], keep_first: int, keep_recent: int) -> None:
    """Keep the first and the most recent occurrences of each error in `ids`."""
    run(PRUNE_SQL, keep_first, keep_recent, ",".join(map(str, ids)))
