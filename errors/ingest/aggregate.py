"""Aggregate a whole poll window in memory, bounded by distinct fingerprints, not lines.

Per fingerprint: a count, hourly counts, the first line and the last few (occurrence pointers,
kept as Loki's entries and decoded again when written). PostgreSQL then sees one row per
fingerprint per table, whatever the number of lines. The loop is the poller's hot path: one
msgspec decode and a few dict operations per line; anything unusual takes the careful path.
"""

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from errors.ingest.fields import LineFields
from errors.ingest.lookback import KeyRecord
from errors.ingest.parse import ABSENT, MAX_LINE_BYTES, Bad, LineParser
from errors.ingest.streams import StreamInfo, StreamTable
from logs.loki_types import LogLine
from triage_logging import fingerprint_fields, fingerprint_version

HOUR_NS = 3_600_000_000_000
UNPARSEABLE = "unparseable"
_QUICK_LENGTH = MAX_LINE_BYTES // 4


@dataclass(slots=True)
class Group:
    """One fingerprint's lines in the window. Lines come in time order, so the hour is counted
    as a run (`run` lines in [run_start, run_end)) and filed in `hours` when the hour changes."""

    fingerprint: str
    version: int
    first: LogLine
    recent: deque[LogLine]
    hours: dict[int, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    run: int = 0
    run_start: int = 0
    run_end: int = 0

    @property
    def last(self) -> LogLine:
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


class Window:
    """Feed pages in time order with `add`; read `groups` and the counters afterwards."""

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
        self._message = fields.first_of("message")

    @property
    def bad_fingerprint(self) -> str:
        return f"{UNPARSEABLE}:{self.source}"

    def add(self, lines: list[LogLine], record: KeyRecord | None = None) -> None:
        """Count `lines`; with `record`, skip lines it already holds and note the others."""
        groups, keep, streams, levels = self.groups, self.keep, self.streams, self.levels
        decode, level_of = self.fields.counting_decoder.decode, self._level
        explicit = self._fingerprint
        message_of = self._message
        note = record.note if record is not None else None
        horizon = -1 if record is None or record.checking else record.horizon_ns
        page_streams: dict[int, StreamInfo] = {}  # by id(): the page keeps its label dicts alive
        self.lines_read += len(lines)
        for item in lines:
            if note is not None and item.ts >= horizon:
                stream = page_streams.get(id(item.labels))
                if stream is None:
                    stream = page_streams[id(item.labels)] = streams.info(item.labels)
                if not note(item, stream):
                    continue
            line = item.line
            try:
                parsed = decode(line) if len(line) < _QUICK_LENGTH else None
            except ValueError:
                parsed = None
            if parsed is None or (not line.isascii() and "\ufffd" in line):
                parsed = self.parse(line)
                if parsed.__class__ is Bad:
                    self._bad(item, parsed)
                    continue
            level = level_of(parsed)
            if level is not None and level not in levels and level.lower() not in levels:
                self.skipped += 1
                continue
            message = message_of(parsed)
            if message is None or (len(message) <= 4 and bytes(message) in ABSENT):
                self._bad(item, Bad.NO_MESSAGE)
                continue
            fingerprint = explicit(parsed) or item.metadata.get("fingerprint")
            group = groups.get(fingerprint) if fingerprint else None
            if group is None:
                group = self._group(fingerprint, item, keep)
            group.recent.append(item)
            if group.run_start <= item.ts < group.run_end:
                group.run += 1
            else:
                group.next_hour(item.ts)

    def _group(self, fingerprint: str | None, item: LogLine, keep: int) -> Group:
        """The line's group, created if new; without a fingerprint of its own, the kit's."""
        version = 0
        if not fingerprint or not fingerprint.strip():
            fingerprint = self._computed(self.parse(item.line))
            version = fingerprint_version(fingerprint)
        group = self.groups.get(fingerprint)
        if group is None:
            group = self.groups[fingerprint] = Group(fingerprint, version, item, deque(maxlen=keep))
        return group

    def _bad(self, item: LogLine, reason: Bad) -> None:
        self.bad_lines += 1
        group = self._group(self.bad_fingerprint, item, self.keep)
        group.recent.append(item)
        group.next_hour(item.ts)
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

    def sample(self, item: LogLine) -> tuple[StreamInfo, Any]:
        """A kept line's stream and decoded record (a `Bad` reason for an unparseable one)."""
        return self.streams.info(item.labels), self.parse(item.line)

    @property
    def lines_counted(self) -> int:
        return sum(group.count for group in self.groups.values())
