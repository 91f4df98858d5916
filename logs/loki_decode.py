"""Bytes → typed results for each Loki endpoint; a body we cannot read is a LokiProtocolError.

Decoders are built once (msgspec caches the type plan) and run in lax mode, which turns Loki's
quoted nanosecond timestamps into ints during the same pass.
"""

from typing import Any

import msgspec

from logs.loki_errors import LokiProtocolError, LokiQueryError
from logs.loki_types import (
    BuildInfo,
    DetectedField,
    DetectedLabel,
    IndexStats,
    Labels,
    QueryResult,
    StreamsResult,
    TailFrame,
)


class _Envelope[T](msgspec.Struct, frozen=True, gc=False, rename={"error_type": "errorType"}):
    """`{"status": ..., "data": ...}`; Loki omits `data` when there is nothing (e.g. no values)."""

    status: str = "success"
    data: T | None = None
    error: str = ""
    error_type: str = ""


class _DetectedFields(msgspec.Struct, frozen=True, gc=False):
    fields: list[DetectedField] | None = None


class _DetectedLabels(msgspec.Struct, frozen=True, gc=False, rename="camel"):
    detected_labels: list[DetectedLabel] | None = None


class _Values(msgspec.Struct, frozen=True, gc=False):
    values: list[str] | None = None


_QUERY = msgspec.json.Decoder(_Envelope[QueryResult], strict=False)
_STRINGS = msgspec.json.Decoder(_Envelope[list[str]])
_SERIES = msgspec.json.Decoder(_Envelope[list[Labels]])
_TEXT = msgspec.json.Decoder(_Envelope[str])
_TAIL = msgspec.json.Decoder(TailFrame, strict=False)
_INDEX_STATS = msgspec.json.Decoder(IndexStats)
_BUILD_INFO = msgspec.json.Decoder(BuildInfo)
_DETECTED_FIELDS = msgspec.json.Decoder(_DetectedFields)
_DETECTED_LABELS = msgspec.json.Decoder(_DetectedLabels)
_VALUES = msgspec.json.Decoder(_Values)


def _decode[T](decoder: msgspec.json.Decoder[T], body: bytes | str) -> T:
    try:
        return decoder.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise LokiProtocolError(f"unreadable Loki response: {exc}") from None


def _data[T](envelope: _Envelope[T]) -> T | None:
    if envelope.status != "success":
        raise LokiQueryError(envelope.error or f"Loki answered status {envelope.status!r}")
    return envelope.data


def decode_query(body: bytes) -> QueryResult:
    """A `/query` or `/query_range` body; no `data` reads as an empty streams result."""
    return _data(_decode(_QUERY, body)) or StreamsResult()


def decode_strings(body: bytes) -> list[str]:
    """`/labels` and `/label/<name>/values`."""
    return _data(_decode(_STRINGS, body)) or []


def decode_series(body: bytes) -> list[Labels]:
    return _data(_decode(_SERIES, body)) or []


def decode_text(body: bytes) -> str:
    """`/format_query`: the query re-printed in Loki's canonical form."""
    return _data(_decode(_TEXT, body)) or ""


def decode_tail_frame(message: str | bytes) -> TailFrame:
    return _decode(_TAIL, message)


def decode_index_stats(body: bytes) -> IndexStats:
    return _decode(_INDEX_STATS, body)


def decode_build_info(body: bytes) -> BuildInfo:
    return _decode(_BUILD_INFO, body)


def decode_detected_fields(body: bytes) -> list[DetectedField]:
    return _decode(_DETECTED_FIELDS, body).fields or []


def decode_detected_labels(body: bytes) -> list[DetectedLabel]:
    return _decode(_DETECTED_LABELS, body).detected_labels or []


def decode_values(body: bytes) -> list[str]:
    """`/detected_field/<name>/values`."""
    return _decode(_VALUES, body).values or []


def encode(value: Any) -> bytes:
    return msgspec.json.encode(value)
