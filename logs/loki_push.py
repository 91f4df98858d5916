"""Push payloads: Loki's JSON push body, gzip-compressed (Loki reads Content-Encoding: gzip).

Building the body is a pure function so it can be tested and reused without a server.
"""

import gzip
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import msgspec

PushEntry = tuple[int, str] | tuple[int, str, Mapping[str, str]]


@dataclass(frozen=True)
class PushStream:
    """Lines for one label set; an entry's optional third element is its structured metadata."""

    labels: Mapping[str, str]
    entries: Sequence[PushEntry]


def push_body(streams: Iterable[PushStream]) -> dict[str, object]:
    """`{"streams": [{"stream": labels, "values": [["<ns>", line, {metadata}?], ...]}]}`."""
    return {
        "streams": [
            {
                "stream": dict(stream.labels),
                "values": [
                    [str(entry[0]), entry[1], dict(entry[2])]
                    if len(entry) == 3
                    else [str(entry[0]), entry[1]]
                    for entry in stream.entries
                ],
            }
            for stream in streams
        ]
    }


def encode_push(streams: Iterable[PushStream]) -> bytes:
    """The gzip-compressed JSON body for POST /loki/api/v1/push."""
    return gzip.compress(msgspec.json.encode(push_body(streams)), compresslevel=5)
