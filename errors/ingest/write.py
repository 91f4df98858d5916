"""Set-based writes of one window: one statement per table, whatever the number of lines.

Rows travel as one JSON document per statement (msgspec encodes it in C; PostgreSQL unpacks it
with json_to_recordset), which keeps round trips constant and avoids per-value adaptation.
Each kept line is decoded once for all the rows that read it. Groups are written in fingerprint
order so concurrent upserts lock rows in the same order.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from django.utils import timezone

from errors.ingest.aggregate import Group, Kept, Window, metadata_of
from errors.ingest.cursor import hour_of
from errors.ingest.parse import Bad, sample_of
from errors.ingest.sql import GROUPS_SQL, HOURLY_SQL, OCCURRENCES_SQL, PRUNE_SQL, run

MESSAGE_CHARS = 8_192
STACK_CHARS = 65_536
_json = msgspec.json.encode
_ESCAPE = re.compile(r"\\u0000|\\.")


@dataclass(frozen=True, slots=True)
class Written:
    """A group as the upsert left it: `fresh` when the console noticed the row just now.

    `earlier` counts what an application had written into a row the console had not noticed
    yet (its own SQL), last seen at `earlier_at`: the poller takes it over from the SQL watcher.
    """

    id: UUID
    status: str | None
    resolved_at: datetime | None
    fresh: bool
    count: int
    earlier: int = 0
    earlier_at: datetime | None = None


def _document(rows: Any) -> str:
    """`rows` as one JSON text for PostgreSQL, whose text and jsonb cannot hold U+0000: a log
    line may, and it would fail the poll on every retry. It becomes U+FFFD."""
    text = _json(rows).decode()
    if "\\u0000" not in text:
        return text
    return _ESCAPE.sub(lambda m: "\\ufffd" if m[0] == "\\u0000" else m[0], text)


class Records:
    """Kept lines decoded once each: a group's row and its occurrence rows share lines."""

    def __init__(self, window: Window) -> None:
        self._sample = window.sample
        self._decoded: dict[int, Any] = {}

    def __call__(self, kept: Kept) -> Any:
        key = id(kept[0])
        record = self._decoded.get(key)
        if record is None:
            record = self._decoded[key] = self._sample(kept)[1]
        return record


class _GroupRow(msgspec.Struct, gc=False, omit_defaults=True):
    fp: str
    first: int
    last: int
    n: int
    service: str
    env: str
    version: int
    msg: str
    stack: str | None
    type: str
    level: str
    trace: str
    meta: dict[str, Any] | None = None


class _OccurrenceRow(msgspec.Struct, gc=False):
    e: str
    ts: int
    s: int
    svc: str
    env: str
    tr: str
    sp: str
    te: str
    us: str
    op: str


class _HourRow(msgspec.Struct, gc=False):
    e: str
    h: int
    n: int


def upsert_groups(window: Window, records: Records | None = None) -> dict[str, Written]:
    if records is None:
        records = Records(window)
    rows = [_group_row(window, group, records) for _, group in sorted(window.groups.items())]
    mark = timezone.now()
    found = run(GROUPS_SQL, source=window.source, rows=_document(rows), mark=mark)
    groups = window.groups
    written = {}
    for i, fp, status, at, fresh, n, seen_before in found:
        earlier = n - groups[fp].count if fresh else 0
        before = seen_before if earlier else None
        written[fp] = Written(i, status, at, fresh, n, earlier, before)
    return written


def _group_row(window: Window, group: Group, records: Records) -> _GroupRow:
    """Where and when from the kept lines; what from the first and last records, or, for the
    unparseable-lines group, a sample and the reasons in its metadata."""
    first, last = group.first, group.last
    meta: dict[str, Any] | None = None
    stack: str | None
    if group.fingerprint == window.bad_fingerprint:
        sample = sample_of(last[0].line)
        reasons = {str(reason): count for reason, count in group.reasons.items()}
        msg, stack = f"Unparseable log lines from Loki source {window.source}", sample
        kind, level, trace = "UnparseableLogLine", "error", ""
        meta = {"sample": sample, "reasons_last_poll": reasons}
    else:
        fields = window.fields
        head, tail = records(first), records(last)
        msg = (fields.raw_text(head, "message") or "")[:MESSAGE_CHARS]
        stack = (fields.raw_text(head, "stack_trace") or "")[:STACK_CHARS] or None
        kind = fields.text(tail, "exception_type")
        level = (fields.text(tail, "level") or "error").lower()
        trace = fields.text(tail, "trace_id") or metadata_of(last[0]).get("trace_id", "")
    stream = last[1]
    return _GroupRow(
        fp=group.fingerprint,
        first=first[0].ts // 1000,
        last=last[0].ts // 1000,
        n=group.count,
        service=stream.service,
        env=stream.environment,
        version=group.version,
        msg=msg,
        stack=stack,
        type=kind,
        level=level,
        trace=trace,
        meta=meta,
    )


def insert_occurrences(
    window: Window, written: dict[str, Written], records: Records | None = None
) -> None:
    """The first line of a group new to the console, and the last few lines of every group."""
    pointer = _Pointers(window, Records(window) if records is None else records)
    rows: list[_OccurrenceRow] = []
    add = rows.append
    bad_fingerprint = window.bad_fingerprint
    for fingerprint, group in window.groups.items():
        done = written[fingerprint]
        error_id = str(done.id)
        row = pointer.blank if fingerprint == bad_fingerprint else pointer
        if done.fresh and group.first is not group.recent[0]:
            add(row(error_id, group.first))
        for kept in group.recent:
            add(row(error_id, kept))
    labels = [stream.labels for stream in window.streams.streams]
    run(OCCURRENCES_SQL, window.source, _document(labels), _document(rows))


class _Pointers:
    """Occurrence rows: where a kept line is in Loki, and the fields a pointer shows."""

    def __init__(self, window: Window, records: Records) -> None:
        self.records = records
        first_of = window.fields.first_of
        self.trace, self.span = first_of("trace_id"), first_of("span_id")
        self.tenant, self.user = first_of("tenant"), first_of("user")
        self.operation = first_of("operation")

    def __call__(self, error_id: str, kept: Kept) -> _OccurrenceRow:
        record = self.records(kept)
        if record.__class__ is Bad:
            return self.blank(error_id, kept)
        entry, stream = kept
        trace, span = self.trace(record) or "", self.span(record) or ""
        if not (trace and span):
            metadata = metadata_of(entry)
            trace = trace or metadata.get("trace_id", "")
            span = span or metadata.get("span_id", "")
        return _OccurrenceRow(
            error_id,
            entry.ts,
            stream.index,
            stream.service,
            stream.environment,
            trace,
            span,
            self.tenant(record) or "",
            self.user(record) or "",
            self.operation(record) or "",
        )

    def blank(self, error_id: str, kept: Kept) -> _OccurrenceRow:
        """An unparseable line: only where it is."""
        entry, stream = kept
        return _OccurrenceRow(
            error_id, entry.ts, stream.index, stream.service, stream.environment, "", "", "", "", ""
        )


def upsert_hourly(window: Window, written: dict[str, Written]) -> None:
    """The window's lines by hour, and what an application counted before the console noticed
    its row, filed under the hour of its `last_seen_at` as the SQL watcher does."""
    rows: list[_HourRow] = []
    add = rows.append
    for fp, group in window.groups.items():
        done = written[fp]
        error_id = str(done.id)
        hours = group.hour_counts()
        if done.earlier and done.earlier_at is not None:
            hour = hour_of(done.earlier_at)
            hours = dict(hours)
            hours[hour] = hours.get(hour, 0) + done.earlier
        for hour, count in hours.items():
            add(_HourRow(error_id, hour, count))
    run(HOURLY_SQL, _json(rows).decode())


def prune_occurrences(ids: Sequence[UUID], keep_first: int, keep_recent: int) -> None:
    """Keep the first and the most recent occurrences of each error in `ids`."""
    run(PRUNE_SQL, keep_first, keep_recent, ",".join(map(str, ids)))
