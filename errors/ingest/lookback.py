"""Late lines, counted exactly once: a compact record of the lines already counted.

Every line counted with a timestamp inside the lookback horizon leaves an 8-byte key: the low
32 bits of its nanosecond timestamp and a CRC-32 of its stream and text, filed by minute. A
sweep re-reads [horizon, cursor) and counts only lines whose key is missing. Loki keeps a
(timestamp, stream, line) triple unique, so two lines share a key only if both the timestamp
bits and the CRC collide. The record commits with the counts; minutes behind the horizon are
deleted, so it holds at most `lookback` worth of keys.
"""

import sys
from array import array
from collections.abc import Iterable
from typing import Protocol
from zlib import crc32

import msgspec

from errors.ingest.sql import RECORD_LOAD_SQL, RECORD_PRUNE_SQL, RECORD_SQL, run
from errors.ingest.streams import StreamInfo

MINUTE_NS = 60_000_000_000
_LOW32 = 0xFFFFFFFF


class Timed(Protocol):
    """A Loki entry or line: its nanosecond timestamp and text."""

    @property
    def ts(self) -> int: ...

    @property
    def line(self) -> str: ...


def line_key(ts: int, line: str, stream: StreamInfo) -> int:
    """The key `KeyRecord.note` computes inline (the poller's hot path)."""
    return ((ts & _LOW32) << 32) | crc32(line.encode("utf-8", "surrogatepass"), stream.crc)


class KeyRecord:
    """Keys of the lines counted in this poll, by minute; while `checking`, known keys skip."""

    def __init__(self, horizon_ns: int, known: Iterable[bytes] = ()) -> None:
        self.horizon_ns = horizon_ns
        self.known: set[int] = set()
        for blob in known:
            self.known.update(_unpack(blob))
        self.fresh: dict[int, array[int]] = {}
        self.checking = False
        self.late = 0
        self._minute = -1
        self._keys = array("Q")

    def note(self, item: Timed, stream: StreamInfo) -> bool:
        """False for a line counted before; otherwise remember it (if inside the horizon)."""
        ts = item.ts
        if ts < self.horizon_ns:
            return not self.checking
        key = ((ts & _LOW32) << 32) | crc32(item.line.encode("utf-8", "surrogatepass"), stream.crc)
        if self.checking:
            if key in self.known:
                return False
            self.known.add(key)
            self.late += 1
        minute = ts // MINUTE_NS
        if minute != self._minute:
            self._minute = minute
            self._keys = self.fresh.setdefault(minute, array("Q"))
        self._keys.append(key)
        return True

    @property
    def horizon_minute(self) -> int:
        return self.horizon_ns // MINUTE_NS

    def rows(self) -> list[dict[str, int | str]]:
        """Minute and hex of its little-endian keys, for the upsert that appends them."""
        return [{"m": m, "k": _pack(keys).hex()} for m, keys in sorted(self.fresh.items())]


def load(source_id: int, horizon_ns: int) -> list[bytes]:
    """The keys recorded for minutes the sweep will re-read."""
    return [bytes(blob) for (blob,) in run(RECORD_LOAD_SQL, source_id, horizon_ns // MINUTE_NS)]


def save(source_id: int, record: KeyRecord) -> None:
    """Append this poll's keys and forget minutes behind the horizon (two statements)."""
    if record.fresh:
        run(RECORD_SQL, source_id, msgspec.json.encode(record.rows()).decode())
    run(RECORD_PRUNE_SQL, source_id, record.horizon_minute)


def _pack(keys: array[int]) -> bytes:
    if sys.byteorder != "little":
        keys = array("Q", keys)
        keys.byteswap()
    return keys.tobytes()


def _unpack(blob: bytes) -> array[int]:
    keys = array("Q")
    keys.frombytes(bytes(blob))
    if sys.byteorder != "little":
        keys.byteswap()
    return keys
