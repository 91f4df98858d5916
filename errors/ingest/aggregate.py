"""Aggregate a whole poll window in memory, bounded by distinct fingerprints, not lines.

Per fingerprint: a count, hourly counts, the first line and the last few (occurrence pointers,
kept as Loki's entries and decoded again when written). PostgreSQL then sees one row per
fingerprint per table, whatever the number of lines. A page's streams of ordinary lines take
the fast path (`errors.ingest.columns`: whole columns at a time, the loops in C); a stream
holding anything unusual is counted line by line here, the careful path.
"""

from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain, filterfalse
from types import MappingProxyType
from typing import Any

from errors.ingest.buckets import runs
from errors.ingest.columns import QUICK_LENGTH, SEEN, Chunk, ColumnReader, in_time_order
from errors.ingest.fields import LineFields
from errors.ingest.lookback import KeyRecord
from errors.ingest.parse import ABSENT, Bad, LineParser
from errors.ingest.streams import StreamInfo, StreamTable
from logs.loki_types import Entry, EntryCategories, LogLine, Stream
from triage_logging import fingerprint_fields, fingerprint_version

HOUR_NS = 3_600_000_000_000
UNPARSEABLE = "unparseable"


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
    (from another stream of the same page) takes the careful path in `earlier`. The fast path
    appends to `recent` and counts in its window's `pending` hours, added here when read."""

    fingerprint: str
    version: int
    first: Kept
    recent: deque[Kept]
    hours: dict[int, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    run: int = 0
    run_start: int = 0
    run_end: int = 0

    @property
    def last(self) -> Kept:
        return self.recent[-1]

    @property
    def last_ts(self) -> int:
        recent = self.recent
        return recent[-1][0].ts if recent else -1

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
        self.columns = ColumnReader(fields, self.levels)
        self._groups: dict[str, Group] = {}
        self._recent: dict[str, deque[Kept]] = {}
        self._pending: dict[int, Counter[str]] = {}
        self._newest = -1
        self.lines_read = 0
        self.skipped = 0
        self.bad_lines = 0
        self._level = fields.first_of("level")
        self._fingerprint = fields.first_of("fingerprint")
        self._primary_fingerprint = fields.primary("fingerprint")
        self._message = fields.first_of("message")

    @property
    def groups(self) -> dict[str, Group]:
        """Every group of the window, its counts complete (the fast path's added in)."""
        groups = self._groups
        for hour, counts in self._pending.items():
            for fingerprint, count in counts.items():
                hours = groups[fingerprint].hours
                hours[hour] = hours.get(hour, 0) + count
        self._pending.clear()
        return groups

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
        chunks: list[Chunk] = []
        for stream in page:
            entries = stream.entries
            if not entries:
                continue
            self.lines_read += len(entries)
            info = self.streams.info(stream.labels)
            chunk = self.columns.read(entries, info, record)
            if chunk is None:
                self._add(entries, info, record)
            elif chunk is not SEEN:
                chunks.append(chunk)
        if chunks:
            self._merge(chunks, record)

    def _merge(self, chunks: list[Chunk], record: KeyRecord | None) -> None:
        """Count the page's fast chunks. Lines newer than all counted so far (pages come in
        time order) are appended in C; otherwise (a careful stream of the same page held newer
        lines, or a caller split a page) each is filed by time (`Group.keep`), one by one."""
        oldest = min(chunk.stamps[0] for chunk in chunks)
        in_order = oldest >= self._newest
        self._newest = max(self._newest, *(chunk.stamps[-1] for chunk in chunks))
        groups = self._groups
        unknown = (filterfalse(groups.__contains__, chunk.fingerprints) for chunk in chunks)
        new = set(chain.from_iterable(unknown))
        if new and any(not fingerprint.strip() for fingerprint in new):
            for chunk in chunks:  # blank fingerprints: the careful path computes the kit's
                self._add(chunk.kept_entries(), chunk.stream, record)
            return
        fingerprints, kept = in_time_order(chunks)
        if new:
            first = dict(zip(reversed(fingerprints), reversed(kept), strict=True))
            for fingerprint in new:
                group = Group(fingerprint, 0, first[fingerprint], deque(maxlen=self.keep))
                groups[fingerprint] = group
                self._recent[fingerprint] = group.recent
        if not in_order:
            for fingerprint, item in zip(fingerprints, kept, strict=True):
                groups[fingerprint].keep(item, item[0].ts)
        else:
            recent = map(self._recent.__getitem__, fingerprints)
            deque(map(deque.append, recent, kept), maxlen=0)
        pending = self._pending
        for chunk in chunks:
            for hour, start, stop in runs(chunk.stamps, HOUR_NS):
                counts = pending.get(hour)
                if counts is None:
                    counts = pending[hour] = Counter()
                counts.update(chunk.fingerprints[start:stop])
            if record is not None:
                tail = bisect_left(chunk.stamps, record.horizon_ns)
                stamps, lines = chunk.stamps[tail:], chunk.lines[tail:]
                record.file(stamps, record.keys_of(stamps, lines, chunk.stream))

    def _add(self, entries: list[Entry], stream: StreamInfo, record: KeyRecord | None) -> None:
        groups, keep, levels = self._groups, self.keep, self.levels
        decode, level_of = self.fields.counting_decoder.decode, self._level
        primary, explicit = self._primary_fingerprint, self._fingerprint
        message_of = self._message
        note = record.note if record is not None else None
        horizon = -1 if record is None or record.checking else record.horizon_ns
        self._newest = max(self._newest, entries[-1].ts)
        for entry in entries:
            ts = entry.ts
            if note is not None and ts >= horizon and not note(entry, stream):
                continue
            line = entry.line
            try:
                parsed = decode(line) if len(line) < QUICK_LENGTH else None
            except ValueError:
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
        group = self._groups.get(fingerprint)
        if group is None:
            group = self._groups[fingerprint] = Group(
                fingerprint, version, kept, deque(maxlen=keep)
            )
            self._recent[fingerprint] = group.recent
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
