"""Fetching traces and searching through the stub Tempo (real sockets, recorded replies)."""

from dataclasses import replace

import pytest

from tests.stubs.server import Reply
from tests.stubs.tempo import (
    ERROR_TRACE_ID,
    GRAPHQL_TRACE_ID,
    INVALID_ID,
    MISSING_TRACE_ID,
    TempoStub,
)
from traces.tempo import BuildInfo, TempoClient
from traces.tempo_config import Profile, TempoSource
from traces.tempo_errors import InvalidTraceId, TempoQueryError, TraceNotFound


def test_trace_by_id_uses_v2_asking_for_json(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    trace = tempo.get_trace(ERROR_TRACE_ID.upper())
    assert trace.trace_id == ERROR_TRACE_ID
    assert len(trace.spans) == 5
    (request,) = tempo_stub.requests
    assert request.path == f"/api/v2/traces/{ERROR_TRACE_ID}"
    assert request.headers["accept"] == "application/json"
    assert "gzip" in request.headers["accept-encoding"]  # and the stub answers gzipped


def test_time_range_is_sent_in_whole_seconds(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    """The recorded Loki query window (ns), widened outwards to Tempo's whole seconds."""
    tempo.get_trace(ERROR_TRACE_ID, start_ns=1795800022604069870, end_ns=1795803622604069870)
    assert tempo_stub.requests[0].params == {"start": ["1795800022"], "end": ["1795803623"]}


def test_unknown_id_on_v2_is_not_found(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    with pytest.raises(TraceNotFound) as caught:
        tempo.get_trace(MISSING_TRACE_ID)
    assert (caught.value.trace_id, caught.value.api) == (MISSING_TRACE_ID, "v2")
    assert not caught.value.transient
    assert tempo_stub.paths() == [f"/api/v2/traces/{MISSING_TRACE_ID}"]


def test_older_tempo_falls_back_to_v1(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    tempo_stub.v2_available = False
    trace = tempo.get_trace(ERROR_TRACE_ID)
    assert len(trace.spans) == 5
    assert tempo_stub.paths() == [
        f"/api/v2/traces/{ERROR_TRACE_ID}",
        f"/api/traces/{ERROR_TRACE_ID}",
    ]


def test_unknown_id_on_v1_404_is_not_found(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    tempo_stub.v2_available = False
    with pytest.raises(TraceNotFound) as caught:
        tempo.get_trace(MISSING_TRACE_ID)
    assert caught.value.api == "v1"
    assert caught.value.message == f"trace {MISSING_TRACE_ID} is not in Tempo"


def test_64_bit_id_is_padded_before_asking(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    with pytest.raises(TraceNotFound):
        tempo.get_trace(ERROR_TRACE_ID[16:])  # the low half of a real id: Tempo does not match
    assert tempo_stub.paths() == [f"/api/v2/traces/{'0' * 16}{ERROR_TRACE_ID[16:]}"]


def test_invalid_id_is_refused_without_a_request(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    with pytest.raises(InvalidTraceId):
        tempo.get_trace("not-a-trace-id")
    assert tempo_stub.requests == []


def test_tempo_400_is_a_query_error_with_tempos_text(
    tempo: TempoClient, tempo_stub: TempoStub
) -> None:
    tempo_stub.answer_next(Reply.from_fixture(INVALID_ID))
    with pytest.raises(TempoQueryError) as caught:
        tempo.get_trace(ERROR_TRACE_ID)
    assert caught.value.status == 400
    assert caught.value.message == (
        "trace IDs can only contain hex characters: invalid character 'n' at position 1"
    )
    assert len(tempo_stub.requests) == 1  # permanent: not retried, no v1 fallback


def test_base_url_path_prefix_is_kept(
    tempo_stub: TempoStub, tempo_source: TempoSource, tempo_profile: Profile
) -> None:
    reply = Reply.from_fixture("tempo/trace_by_id_v2_graphql_error_trace.json")
    tempo_stub.server.route("GET", "/tempo/api/v2/traces/*", reply)
    prefixed = replace(tempo_source, base_url=f"{tempo_stub.url}/tempo/")
    with TempoClient(prefixed, tempo_profile) as client:
        assert client.get_trace(GRAPHQL_TRACE_ID).spans[1].is_error


def test_search_by_traceql(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    hits = tempo.search(traceql="{ status = error }", limit=20, spans_per_set=3)
    assert [hit.trace_id for hit in hits] == [GRAPHQL_TRACE_ID, ERROR_TRACE_ID]
    assert hits[1].root_service == "fraiseql-app"
    assert hits[1].root_name == "POST /graphql"
    assert hits[1].start_ns == 1795803564255029086
    assert hits[1].duration_ms == 5120
    assert "e8c4bf144d333495" in hits[1].span_ids
    assert tempo_stub.requests[0].params == {
        "q": ["{ status = error }"],
        "limit": ["20"],
        "spss": ["3"],
    }


def test_search_by_tags_in_logfmt(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    hits = tempo.search(
        tags={"service.name": "fraiseql-app", "http.response.status_code": "500"},
        start_ns=1795800022_000000000,
        end_ns=1795803622_000000000,
    )
    assert [hit.trace_id for hit in hits] == [ERROR_TRACE_ID]
    assert tempo_stub.requests[0].params == {
        "tags": ["service.name=fraiseql-app http.response.status_code=500"],
        "start": ["1795800022"],
        "end": ["1795803622"],
        "limit": ["20"],
    }


def test_tag_values_with_spaces_are_quoted(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    assert tempo.search(tags={"name": 'POST "/graphql"'}) == []
    assert tempo_stub.requests[0].params["tags"] == ['name="POST \\"/graphql\\""']


def test_search_with_no_match_is_empty(tempo: TempoClient) -> None:
    assert tempo.search(traceql='{ resource.service.name = "does-not-exist" }') == []


def test_traceql_syntax_error_shows_tempos_message(tempo: TempoClient) -> None:
    with pytest.raises(TempoQueryError) as caught:
        tempo.search(traceql="{ status = }")
    assert caught.value.message == (
        "invalid TraceQL query: parse error at line 1, col 12: syntax error: unexpected }"
    )


def test_ready_and_buildinfo(tempo: TempoClient) -> None:
    assert tempo.ready()
    assert tempo.buildinfo() == BuildInfo("v3.1.0-dev", "ad33aa8faf", "main", "go1.27.3")


def test_not_ready_while_starting(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    tempo_stub.fail(503, times=3, body="live-store not ready")
    assert not tempo.ready()
