"""Reading Tempo's trace JSON (v1 and v2) exactly as a real Tempo wrote it."""

import json

import pytest

from tests.stubs.tempo import ERROR_TRACE_ID, GRAPHQL_TRACE_ID, OK_TRACE_ID
from tests.traces.recorded import recorded_body, recorded_trace
from traces.otlp import parse_trace
from traces.tempo_errors import TempoError
from traces.trace_model import SpanKind, StatusCode


def test_v1_and_v2_replies_give_the_same_spans() -> None:
    v1 = recorded_trace("tempo/trace_by_id_v1_error_trace.json", ERROR_TRACE_ID)
    v2 = recorded_trace("tempo/trace_by_id_v2_error_trace.json", ERROR_TRACE_ID)
    assert v1 == v2
    assert len(v1.spans) == 5


def test_base64_ids_become_lower_case_hex() -> None:
    trace = recorded_trace("tempo/trace_by_id_v1_error_trace.json", ERROR_TRACE_ID)
    root = trace.spans[0]
    assert root.trace_id == ERROR_TRACE_ID
    assert root.span_id == "b2e6e1b465e55130"
    assert root.parent_span_id is None
    assert {span.trace_id for span in trace.spans} == {ERROR_TRACE_ID}
    assert trace.spans[1].parent_span_id == "b2e6e1b465e55130"


def test_kind_status_and_typed_attributes() -> None:
    trace = recorded_trace("tempo/trace_by_id_v1_error_trace.json", ERROR_TRACE_ID)
    root, _, select, connect, pg = trace.spans
    assert (root.kind, root.status) == (SpanKind.SERVER, StatusCode.ERROR)
    assert root.status_message == "DatabaseConnectionError: Database connection failed"
    assert root.attributes["http.response.status_code"] == 500  # intValue "500" in the JSON
    assert (select.kind, select.status, select.status_message) == (
        SpanKind.CLIENT,
        StatusCode.UNSET,
        "",
    )
    assert connect.events[0].attributes["exception.escaped"] is True
    assert pg.service == "postgres"
    assert pg.resource["db.system"] == "postgresql"
    assert pg.scope == "pg_tracing"


def test_exception_events_are_read_with_their_semantic_keys() -> None:
    trace = recorded_trace("tempo/trace_by_id_v2_graphql_error_trace.json", GRAPHQL_TRACE_ID)
    (exception,) = trace.spans[1].exceptions
    assert exception.type == "GraphQLError"
    assert exception.message == "Cannot query field 'authorName' on type 'Post'"
    assert exception.stacktrace.startswith("Traceback (most recent call last):")
    assert exception.time_ns == 1795803569258029086
    assert not exception.escaped


@pytest.mark.parametrize(
    "name",
    ["tempo/trace_by_id_v1_success_trace.json", "tempo/trace_by_id_v1_no_accept_header.json"],
)
def test_successful_trace_has_no_error(name: str) -> None:
    trace = recorded_trace(name, OK_TRACE_ID)
    assert len(trace.spans) == 4
    assert not any(span.is_error for span in trace.spans)
    assert {span.service for span in trace.spans} == {"fraiseql-app", "postgres"}


def test_empty_v2_reply_holds_no_trace() -> None:
    body = recorded_body("tempo/trace_by_id_v2_missing_200_empty.json")
    assert parse_trace(body, MISSING := "00000000000000000000000000abcdef") is None
    assert parse_trace(b'{"batches":[]}', MISSING) is None


def test_every_otlp_value_type() -> None:
    values = {
        "s": {"stringValue": "x"},
        "i": {"intValue": "-9007199254740993"},
        "i_number": {"intValue": 7},
        "d": {"doubleValue": 0.5},
        "nan": {"doubleValue": "NaN"},
        "b": {"boolValue": False},
        "bytes": {"bytesValue": "AQI="},
        "a": {"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": "1"}]}},
        "kv": {"kvlistValue": {"values": [{"key": "k", "value": {"boolValue": True}}]}},
        "empty": {},
    }
    span = {
        "spanId": "AAAAAAAAAAE=",
        "kind": 3,
        "status": {"code": 2},
        "attributes": [{"key": key, "value": value} for key, value in values.items()],
    }
    body = {"batches": [{"scopeSpans": [{"spans": [span]}]}]}
    trace = parse_trace(json.dumps(body).encode(), "ab" * 16)
    assert trace is not None
    (parsed,) = trace.spans
    attrs = parsed.attributes
    assert attrs["s"] == "x"
    assert attrs["i"] == -9007199254740993  # beyond float precision: kept exact
    assert attrs["i_number"] == 7
    assert attrs["d"] == 0.5
    assert attrs["nan"] != attrs["nan"]
    assert attrs["b"] is False
    assert attrs["bytes"] == b"\x01\x02"
    assert attrs["a"] == ["a", 1]
    assert attrs["kv"] == {"k": True}
    assert attrs["empty"] is None
    assert (parsed.kind, parsed.status) == (SpanKind.CLIENT, StatusCode.ERROR)
    assert parsed.trace_id == "ab" * 16  # no traceId on the span: the requested one
    assert parsed.span_id == "0000000000000001"
    assert parsed.service == "unknown_service"


def test_hex_ids_in_otlp_json_are_kept() -> None:
    span = {"traceId": "CC" * 16, "spanId": "E8C4BF144D333495", "kind": "SPAN_KIND_BOGUS"}
    body = {"trace": {"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}}
    trace = parse_trace(json.dumps(body).encode(), "cc" * 16)
    assert trace is not None
    assert (trace.spans[0].trace_id, trace.spans[0].span_id) == ("cc" * 16, "e8c4bf144d333495")
    assert trace.spans[0].kind is SpanKind.UNSPECIFIED


@pytest.mark.parametrize("body", [b"<binary protobuf>", b'{"batches": "no"}', b""])
def test_unreadable_body_is_a_tempo_error(body: bytes) -> None:
    with pytest.raises(TempoError, match="unreadable trace JSON"):
        parse_trace(body, "ab" * 16)
