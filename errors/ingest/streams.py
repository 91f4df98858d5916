"""What the poller needs to know about a Loki stream, worked out once per stream, not per line."""

import zlib
from collections.abc import Sequence

import msgspec

Labels = dict[str, str]
_BY_ID_LIMIT = 10_000


class StreamInfo(msgspec.Struct, frozen=True, gc=False):
    """A stream's facts. Not tracked by the garbage collector, so neither are the (entry,
    stream) pairs the poller makes for every line: a full collection never walks them."""

    index: int
    labels: Labels
    service: str
    environment: str
    crc: int
    """CRC-32 of the label set, the seed of its lines' keys in the lookback record."""


class StreamTable:
    """Streams seen in one poll, numbered for the occurrence rows that point at them."""

    def __init__(self, service_labels: Sequence[str], environment_labels: Sequence[str]) -> None:
        self.service_labels = tuple(service_labels)
        self.environment_labels = tuple(environment_labels)
        self.streams: list[StreamInfo] = []
        self._by_key: dict[tuple[tuple[str, str], ...], StreamInfo] = {}
        self._by_id: dict[int, tuple[Labels, StreamInfo]] = {}

    def info(self, labels: Labels) -> StreamInfo:
        """Each page decodes its own label dicts; identity is tried first, content second."""
        known = self._by_id.get(id(labels))
        if known is not None and known[0] is labels:
            return known[1]
        key = tuple(sorted(labels.items()))
        stream = self._by_key.get(key)
        if stream is None:
            stream = StreamInfo(
                index=len(self.streams),
                labels=dict(key),
                service=_first(labels, self.service_labels),
                environment=_first(labels, self.environment_labels),
                crc=zlib.crc32(repr(key).encode("utf-8", "surrogatepass")),
            )
            self.streams.append(stream)
            self._by_key[key] = stream
        if len(self._by_id) >= _BY_ID_LIMIT:
            self._by_id.clear()
        self._by_id[id(labels)] = (labels, stream)
        return stream


def _first(labels: Labels, names: Sequence[str]) -> str:
    for name in names:
        value = labels.get(name)
        if value:
            return value
    return ""
