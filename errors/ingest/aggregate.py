"""Aggregate a whole poll window in memory, bounded by distinct fingerprints, not lines.

Per fingerprint: a count, hourly counts, the first line and the last few (occurrence pointers,
kept as Loki's entries and decoded again when written). PostgreSQL then sees one row per
fingerprint per table, whatever the number of lines. The loop is the poller's hot path: one
msgspec decode and a few dict operations per line; anything unusual takes the careful path.
"""

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from errors.ingest.cursor import HOUR_NS
from errors.ingest.fields import LineFields
from errors.ingest.lookback import KeyRecord
from errors.ingest.parse import ABSENT, MAX_LINE_BYTES, Bad, LineParser
from errors.ingest.streams import StreamInfo, StreamTable
from logs.loki_types import Entry, EntryCategories, LogLine, Stream
from triage_logging import fingerprint_fields, fingerprint_version

UNPARSEABLE = "unparseable"
_QUICK_LENGTH = MAX_LINE_BYTES // 4


Kept = tuple[Entry, StreamInfo]
"""A line a group holds on to (first, last few): Loki's entry and its stream."""
_NO_LABELS: Mapping[str, str] = MappingProxyType({})


def metadata_of(entry: Entry) -> Mapping[str, str]:
    """The entry's structured metadata (empty without `categorize-labels`)."""
    categories = entry.categories
    return _NO_LABELS if categories is None else categories.metadata


@dataclass(slots=True)
class Group:
    """One fingerprint's lines in the window. Pages come in time order and each stream within a
    page too, but streams are not merged: the hour is counted as a run (`run` lines in
    [run_start, run_end)) filed in `hours` when the hour changes, and a line older than `last`
    (from another stream of the same page) takes the careful path in `earlier`."""

    fingerprint: str
    version: int
    first: Kept
    recent: deque[Kept]
    hours: dict[int, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    run: int = 0
    run_start: int = 0
    run_end: int = 0
    last_ts: int = -1

    @property
    def last(self) -> Kept:
        return self.recent[-1]

    @property
    def count(self) -> int:
        return sum(self.hours.values()) + self.run

    def hour_counts(self) -> dict[int, int]:
        counts = dict(self.hours)
        if self.run:
            hour = self.run_start // HOUR_NS
            counts[hour] = counts.get(hour, 0) + self.run
        return counts

    def next_hour(self, ts: int) -> None:
        """File the current run and start one for the hour of `ts`."""
        if self.run:
            hour = self.run_start // HOUR_NS
            self.hours[hour] = self.hours.get(hour, 0) + self.run
        self.run_start = ts - ts % HOUR_NS
        self.run_end = self.run_start + HOUR_NS
        self.run = 1

    def keep(self, kept: Kept, ts: int) -> None:
        """Hold `kept` as the newest line, or file it by time when it is older than that
        (the counting loop inlines this)."""
        if ts >= self.last_ts:
            self.recent.append(kept)
            self.last_ts = ts
        else:
            self.earlier(kept, ts)

    def earlier(self, kept: Kept, ts: int) -> None:
        """A line older than the newest held: maybe the first, maybe among the last few."""
        if ts < self.first[0].ts:
            self.first = kept
        recent = self.recent
        at = len(recent)
        while at and recent[at - 1][0].ts > ts:
            at -= 1
        if len(recent) == recent.maxlen:
            if at == 0:
                return
            recent.popleft()
            at -= 1
        recent.insert(at, kept)


class Window:
    """Feed pages in time order with `add_streams`; read `groups` and the counters afterwards."""

    def __init__(
        self,
        source: str,
        fields: LineFields,
        streams: StreamTable,
        *,
        levels: Iterable[str],
        keep: int,
    ) -> None:
        self.source = source
        self.fields = fields
        self.parse = LineParser(fields)
        lowered = {level.lower() for level in levels}
        self.levels = frozenset(
            lowered | {v.upper() for v in lowered} | {v.title() for v in lowered}
        )
        self.keep = max(1, keep)
        self.streams = streams
        self.groups: dict[str, Group] = {}
        self.lines_read = 0
        self.skipped = 0
        self.bad_lines = 0
        self._level = fields.first_of("level")
        self._fingerprint = fields.first_of("fingerprint")
        self._primary_fingerprint = fields.primary("fingerprint")
        self._message = fields.first_of("message")

    @property
    def bad_fingerprint(self) -> str:
        return f"{UNPARSEABLE}:{self.source}"

    def add(self, lines: list[LogLine], record: KeyRecord | None = None) -> None:
        """Count `lines` (one line at a time: tests and small callers)."""
        self.add_streams(
            [
                Stream(item.labels, [Entry(item.ts, item.line, EntryCategories(item.metadata))])
                for item in lines
            ],
            record,
        )

    def add_streams(self, page: list[Stream], record: KeyRecord | None = None) -> None:
        """Count a page's streams; with `record`, skip lines it already holds and note the
        others. Streams may come in any order; the entries of each, in time order."""
        for stream in page:
            self._add(stream.entries, self.streams.info(stream.labels), record)

    def _add(self, entries: list[Entry], stream: StreamInfo, record: KeyRecord | None) -> None:
        groups, keep, levels = self.groups, self.keep, self.levels
        decode, level_of = self.fields.counting_decoder.decode, self._level
        primary, explicit = self._primary_fingerprint, self._fingerprint
        message_of = self._message
        note = record.note if record is not None else None
        horizon = -1 if record is None or record.checking else record.horizon_ns
        self.lines_read += len(entries)
        for entry in entries:
            ts = entry.ts
            if note is not None and ts >= horizon and not note(entry, stream):
                continue
            line = entry.line
            try:
                parsed = decode(line) if len(line) < _QUICK_LENGTH else None
            except (ValueError, RecursionError):
                parsed = None
            if parsed is None or (not line.isascii() and "\ufffd" in line):
                parsed = self.parse(line)
                if parsed.__class__ is Bad:
                    self._bad((entry, stream), parsed)
                    continue
            level = level_of(parsed)
            if level is not None and level not in levels and level.lower() not in levels:
                self.skipped += 1
                continue
            message = message_of(parsed)
            if message is None or (len(message) <= 4 and bytes(message) in ABSENT):
                self._bad((entry, stream), Bad.NO_MESSAGE)
                continue
            fingerprint = (
                primary(parsed) or explicit(parsed) or metadata_of(entry).get("fingerprint")
            )
            group = groups.get(fingerprint) if fingerprint else None
            kept = (entry, stream)
            if group is None:
                group = self._group(fingerprint, kept, keep)
            if ts >= group.last_ts:
                group.recent.append(kept)
                group.last_ts = ts
            else:
                group.earlier(kept, ts)
            if group.run_start <= ts < group.run_end:
                group.run += 1
            else:
                group.next_hour(ts)

    def _group(self, fingerprint: str | None, kept: Kept, keep: int) -> Group:
        """The line's group, created if new; without a fingerprint of its own, the kit's."""
        version = 0
        if not fingerprint or not fingerprint.strip():
            fingerprint = self._computed(self.parse(kept[0].line))
            version = fingerprint_version(fingerprint)
        elif "\x00" in fingerprint:
            fingerprint = fingerprint.replace("\x00", "\ufffd")  # as the rows store it
        group = self.groups.get(fingerprint)
        if group is None:
            group = self.groups[fingerprint] = Group(fingerprint, version, kept, deque(maxlen=keep))
        return group

    def _bad(self, kept: Kept, reason: Bad) -> None:
        self.bad_lines += 1
        group = self._group(self.bad_fingerprint, kept, self.keep)
        ts = kept[0].ts
        group.keep(kept, ts)
        if group.run_start <= ts < group.run_end:
            group.run += 1
        else:
            group.next_hour(ts)
        group.reasons[reason] = group.reasons.get(reason, 0) + 1

    def _computed(self, record: Any) -> str:
        fields = self.fields
        return fingerprint_fields(
            {
                "exception_type": fields.text(record, "exception_type"),
                "message": fields.raw_text(record, "message") or "",
                "stack_trace": fields.raw_text(record, "stack_trace") or "",
            }
        )

    def sample(self, kept: Kept) -> tuple[StreamInfo, Any]:
        """A kept line's stream and decoded record (a `Bad` reason for an unparseable one)."""
        return kept[1], self.parse(kept[0].line)

    @property
    def lines_counted(self) -> int:
        return sum(group.count for group in self.groups.values())
