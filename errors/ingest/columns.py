"""The poller's fast path: a stream's entries read a column at a time, the loops in C.

A stream of a page takes it when every line is a JSON object under the size limit, valid
UTF-8, at an error level, with a message and a fingerprint of its own: the usual case once Loki
has filtered the stream. msgspec's typed decoder enforces the level and the message itself, so
a line it accepts needs no check in Python. For anything else `read` answers None and the
caller counts that stream line by line (the careful path), which judges bad lines; nothing is
decided twice and nothing is lost.
"""

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, pairwise, repeat
from operator import attrgetter, itemgetter
from typing import Any

from errors.ingest.fields import LineFields
from errors.ingest.lookback import KeyRecord
from errors.ingest.parse import MAX_LINE_BYTES
from errors.ingest.streams import StreamInfo
from logs.loki_types import Entry

QUICK_LENGTH = MAX_LINE_BYTES // 4
"""Longer lines take the careful path, which measures their UTF-8 size against the limit."""
_LINE = attrgetter("line")
_TS = attrgetter("ts")
_REPLACEMENT = repeat("\ufffd")


@dataclass(slots=True)
class Chunk:
    """One stream's lines of one page, ascending in time, all countable as they are."""

    fingerprints: list[str]
    stamps: list[int]
    kept: list[tuple[Entry, StreamInfo]]
    lines: list[str]
    stream: StreamInfo

    def kept_entries(self) -> list[Entry]:
        return [entry for entry, _ in self.kept]


SEEN = Chunk([], [], [], [], StreamInfo(-1, {}, "", "", 0))
"""A sweep's stream whose lines were all counted before: nothing to add."""


class ColumnReader:
    """`read(entries, stream, record)`: a Chunk, SEEN, or None for the careful path."""

    def __init__(self, fields: LineFields, levels: frozenset[str]) -> None:
        decoder = fields.fast_decoder(levels)
        self._decode = decoder.decode if decoder is not None else None
        self._fingerprint = fields.primary("fingerprint")
        several = len(fields.getters["fingerprint"]) > 1
        self._any_fingerprint = fields.first_of("fingerprint") if several else None

    def read(
        self, entries: list[Entry], stream: StreamInfo, record: KeyRecord | None
    ) -> Chunk | None:
        decode = self._decode
        if decode is None:
            return None
        lines = list(map(_LINE, entries))
        stamps = list(map(_TS, entries))
        try:
            if record is not None and record.checking:  # late lines are told one by one
                return SEEN if _seen(record, stamps, lines, stream) else None
            if max(map(len, lines)) >= QUICK_LENGTH or _replaced(lines):
                return None
            records = list(map(decode, lines))
        except ValueError:  # msgspec's errors, and lone surrogates
            return None
        fingerprints = self._fingerprints(records)
        if fingerprints is None:
            return None
        return Chunk(fingerprints, stamps, list(zip(entries, repeat(stream))), lines, stream)

    def _fingerprints(self, records: list[Any]) -> list[str] | None:
        """Each line's own fingerprint (first non-empty path), or None if one has none."""
        found = list(map(self._fingerprint, records))
        if None not in found and "" not in found:
            return found
        if self._any_fingerprint is None:
            return None
        found = list(map(self._any_fingerprint, records))
        return None if None in found else found


def _seen(record: KeyRecord, stamps: list[int], lines: list[str], stream: StreamInfo) -> bool:
    """While sweeping: every line is behind the horizon or already recorded."""
    start = bisect_left(stamps, record.horizon_ns)
    return record.known.issuperset(record.keys_of(stamps[start:], lines[start:], stream))


def _replaced(lines: list[str]) -> bool:
    """Loki turned bytes that were not UTF-8 into U+FFFD somewhere in these lines."""
    if all(map(str.isascii, lines)):
        return False
    return any(map(str.__contains__, lines, _REPLACEMENT))


def in_time_order(
    chunks: Sequence[Chunk],
) -> tuple[Sequence[str], Sequence[tuple[Entry, StreamInfo]]]:
    """One page's chunks as one ascending sequence: fingerprints and kept lines."""
    if len(chunks) == 1:
        return chunks[0].fingerprints, chunks[0].kept
    fingerprints = list(chain.from_iterable(chunk.fingerprints for chunk in chunks))
    kept = list(chain.from_iterable(chunk.kept for chunk in chunks))
    if all(a.stamps[-1] <= b.stamps[0] for a, b in pairwise(chunks)):
        return fingerprints, kept
    stamps = list(chain.from_iterable(chunk.stamps for chunk in chunks))
    pick = itemgetter(*sorted(range(len(stamps)), key=stamps.__getitem__))
    return pick(fingerprints), pick(kept)
