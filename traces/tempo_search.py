"""Tempo search (`/api/search`): request parameters and the hits it answers with.

Search answers hex ids (unlike trace JSON) and leaves out the newest ~30 s of traces
(`query_end_cutoff`): a trace just linked from a log line can be fetched by id before
search finds it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import msgspec

from traces.tempo_errors import TempoProtocolError

NS_PER_S = 1_000_000_000


@dataclass(frozen=True, slots=True)
class TraceHit:
    trace_id: str
    root_service: str
    root_name: str
    start_ns: int
    duration_ms: int
    span_ids: tuple[str, ...] = ()


class _Span(msgspec.Struct, rename={"span_id": "spanID"}):
    span_id: str = ""


class _SpanSet(msgspec.Struct):
    spans: list[_Span] = []


class _Hit(msgspec.Struct, rename="camel"):
    trace_id: str = msgspec.field(default="", name="traceID")
    root_service_name: str = ""
    root_trace_name: str = ""
    start_time_unix_nano: int = 0
    duration_ms: int = 0
    span_set: _SpanSet | None = None
    span_sets: list[_SpanSet] = []


class _Reply(msgspec.Struct):
    traces: list[_Hit] = []


_DECODER = msgspec.json.Decoder(_Reply, strict=False)


def search_params(
    *,
    traceql: str = "",
    tags: Mapping[str, str] | None = None,
    start_ns: int | None = None,
    end_ns: int | None = None,
    limit: int = 20,
    spans_per_set: int | None = None,
) -> dict[str, str]:
    """Query string for `/api/search`: TraceQL in `q`, or logfmt `tags`; times in Unix seconds."""
    params = {"limit": str(limit), **time_params(start_ns, end_ns)}
    if traceql:
        params["q"] = traceql
    if tags:
        params["tags"] = " ".join(f"{key}={_logfmt(value)}" for key, value in tags.items())
    if spans_per_set is not None:
        params["spss"] = str(spans_per_set)
    return params


def time_params(start_ns: int | None, end_ns: int | None) -> dict[str, str]:
    """Tempo takes whole Unix seconds: round the window outwards so its edges stay inside."""
    params = {}
    if start_ns is not None:
        params["start"] = str(start_ns // NS_PER_S)
    if end_ns is not None:
        params["end"] = str(-(-end_ns // NS_PER_S))
    return params


def parse_search(body: bytes) -> list[TraceHit]:
    try:
        reply = _DECODER.decode(body)
    except msgspec.DecodeError as exc:
        raise TempoProtocolError(f"unreadable search reply from Tempo: {exc}") from exc
    return [
        TraceHit(
            # Tempo drops leading zeros from search ids; pad so they match trace JSON and Loki.
            trace_id=hit.trace_id.lower().zfill(32),
            root_service=hit.root_service_name,
            root_name=hit.root_trace_name,
            start_ns=hit.start_time_unix_nano,
            duration_ms=hit.duration_ms,
            span_ids=_span_ids(hit),
        )
        for hit in reply.traces
    ]


def _span_ids(hit: _Hit) -> tuple[str, ...]:
    """Matched spans, once each; `spanSet` alone is what Tempo before `spanSets` sent."""
    sets = hit.span_sets or ([hit.span_set] if hit.span_set else [])
    return tuple(dict.fromkeys(s.span_id.lower().zfill(16) for ss in sets for s in ss.spans))


def _logfmt(value: str) -> str:
    """Tempo parses `tags` as logfmt: quote values with spaces, `=` or quotes."""
    if value and not any(c in value for c in ' ="\\'):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
