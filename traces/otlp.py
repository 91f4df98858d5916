"""Read Tempo's trace-by-id JSON (v1 `batches`, v2 `trace.resourceSpans`) into `Trace`.

Tempo writes protobuf-as-JSON: ids in base64, 64-bit integers as strings, enums by name.
msgspec's lax mode turns the numeric strings into ints; the rest is converted here once.
"""

import base64
import binascii

import msgspec

from traces.tempo_errors import TempoProtocolError
from traces.trace_ids import wire_id_to_hex
from traces.trace_model import Attributes, AttrValue, Span, SpanEvent, SpanKind, StatusCode, Trace


class _Struct(msgspec.Struct, rename="camel"):
    pass


class _ArrayValue(_Struct):
    values: "list[_AnyValue]" = []


class _KvList(_Struct):
    values: "list[_KeyValue]" = []


class _AnyValue(_Struct):
    string_value: str | None = None
    bool_value: bool | None = None
    int_value: int | None = None
    double_value: float | None = None
    bytes_value: str | None = None
    array_value: _ArrayValue | None = None
    kvlist_value: _KvList | None = None


class _KeyValue(_Struct):
    key: str
    value: _AnyValue = msgspec.field(default_factory=_AnyValue)


class _Status(_Struct):
    code: str | int = 0
    message: str = ""


class _Event(_Struct):
    time_unix_nano: int = 0
    name: str = ""
    attributes: list[_KeyValue] = []


class _Span(_Struct):
    trace_id: str = ""
    span_id: str = ""
    parent_span_id: str = ""
    name: str = ""
    kind: str | int = 0
    start_time_unix_nano: int = 0
    end_time_unix_nano: int = 0
    attributes: list[_KeyValue] = []
    events: list[_Event] = []
    status: _Status = msgspec.field(default_factory=_Status)


class _Scope(_Struct):
    name: str = ""


class _ScopeSpans(_Struct):
    scope: _Scope = msgspec.field(default_factory=_Scope)
    spans: list[_Span] = []


class _Resource(_Struct):
    attributes: list[_KeyValue] = []


class _ResourceSpans(_Struct):
    resource: _Resource = msgspec.field(default_factory=_Resource)
    scope_spans: list[_ScopeSpans] = []


class _TraceBody(_Struct):
    resource_spans: list[_ResourceSpans] = []


class _Reply(_Struct):
    """Both versions in one shape: v1 fills `batches`, v2 fills `trace`."""

    batches: list[_ResourceSpans] = []
    trace: _TraceBody = msgspec.field(default_factory=_TraceBody)


_DECODER = msgspec.json.Decoder(_Reply, strict=False)
_KINDS = list(SpanKind)
_STATUSES = list(StatusCode)


def parse_trace(body: bytes, trace_id: str) -> Trace | None:
    """The trace in a v1 or v2 reply; None when it holds no span (v2's answer for unknown ids)."""
    try:
        reply = _DECODER.decode(body)
    except msgspec.DecodeError as exc:
        raise TempoProtocolError(f"unreadable trace JSON from Tempo: {exc}") from exc
    spans: list[Span] = []
    for batch in reply.batches or reply.trace.resource_spans:
        resource = _attributes(batch.resource.attributes)
        service = str(resource.get("service.name") or "unknown_service")
        for scope_spans in batch.scope_spans:
            scope = scope_spans.scope.name
            spans.extend(_span(s, service, resource, scope, trace_id) for s in scope_spans.spans)
    return Trace(trace_id=trace_id, spans=tuple(spans)) if spans else None


def _span(span: _Span, service: str, resource: Attributes, scope: str, trace_id: str) -> Span:
    return Span(
        trace_id=wire_id_to_hex(span.trace_id) or trace_id,
        span_id=wire_id_to_hex(span.span_id),
        parent_span_id=wire_id_to_hex(span.parent_span_id) or None,
        name=span.name,
        kind=_enum(span.kind, "SPAN_KIND_", _KINDS, SpanKind.UNSPECIFIED),
        start_ns=span.start_time_unix_nano,
        end_ns=span.end_time_unix_nano,
        service=service,
        status=_enum(span.status.code, "STATUS_CODE_", _STATUSES, StatusCode.UNSET),
        status_message=span.status.message,
        attributes=_attributes(span.attributes),
        resource=resource,
        events=tuple(
            SpanEvent(e.name, e.time_unix_nano, _attributes(e.attributes)) for e in span.events
        ),
        scope=scope,
    )


def _enum[E: (SpanKind, StatusCode)](
    raw: str | int, prefix: str, members: list[E], default: E
) -> E:
    """`SPAN_KIND_SERVER` or its protobuf number 2; anything unknown is the default."""
    if isinstance(raw, int):
        return members[raw] if 0 <= raw < len(members) else default
    name = raw.removeprefix(prefix).lower()
    return next((member for member in members if member.value == name), default)


def _attributes(pairs: list[_KeyValue]) -> Attributes:
    return {pair.key: _value(pair.value) for pair in pairs}


def _value(value: _AnyValue) -> AttrValue:
    if value.string_value is not None:
        return value.string_value
    if value.bool_value is not None:
        return value.bool_value
    if value.int_value is not None:
        return value.int_value
    if value.double_value is not None:
        return value.double_value
    if value.array_value is not None:
        return [_value(item) for item in value.array_value.values]
    if value.kvlist_value is not None:
        return _attributes(value.kvlist_value.values)
    if value.bytes_value is not None:
        try:
            return base64.b64decode(value.bytes_value)
        except (binascii.Error, ValueError):
            return value.bytes_value
    return None
