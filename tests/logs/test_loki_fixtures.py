"""Every recorded Loki answer in ../shared/fixtures/loki goes through the client over a real socket.

Each fixture is replayed by the stub on its path; the client calls the matching method with the
recorded parameters and must return the typed result or raise the LokiError the status means.
"""

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from logs.loki import (
    LokiAuthError,
    LokiClient,
    LokiError,
    LokiQueryError,
    LokiServerError,
    LokiSource,
    Profile,
    PushStream,
)
from logs.loki_transport import LokiTransport
from logs.loki_types import MatrixResult, StreamsResult, VectorResult
from tests.stubs.server import FIXTURES

if TYPE_CHECKING:
    from tests.stubs.loki import LokiStub


LOKI = FIXTURES / "loki"
NOTES = {"query_range_pagination_summary.json"}
FAST = Profile("test", 1.0, 5.0, 10.0, attempts=1, backoff_base=0.001, backoff_max=0.01)
ERRORS: dict[int, type[LokiError]] = {400: LokiQueryError, 401: LokiAuthError, 500: LokiServerError}


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LOKI / name).read_text())
    return data


def ns(params: dict[str, str], key: str, default: int = 1_795_800_000_000_000_000) -> int:
    value = params.get(key, "")
    return int(value) if value.isdigit() else default


def call_for(client: LokiClient, request: dict[str, Any]) -> Callable[[], Any]:
    """The client method (with the recorded parameters) that would have asked this request."""
    path: str = request["path"].removeprefix("/loki/api/v1/")
    p: dict[str, str] = request["params"]
    window = {"start_ns": ns(p, "start"), "end_ns": ns(p, "end", 1_795_900_000_000_000_000)}
    calls: dict[str, Callable[[], Any]] = {
        "/ready": client.ready,
        "push": lambda: client.push(PushStream({"job": "x"}, [(1, "line")])),
        "query_range": lambda: client.query_range(
            p["query"],
            limit=int(p.get("limit", 100)),
            direction=p.get("direction", "backward"),  # type: ignore[arg-type]
            step=p.get("step"),
            categorize_labels="X-Loki-Response-Encoding-Flags" in request["headers"],
            **window,
        ),
        "query": lambda: client.query(p["query"], time_ns=ns(p, "time")),
        "labels": lambda: client.labels(**window),
        "series": lambda: client.series(*[m for m in [p.get("match[]")] if m], **window),
        "index/stats": lambda: client.index_stats(p["query"], **window),
        "index/volume": lambda: client.index_volume(p["query"], **window),
        "index/volume_range": lambda: client.index_volume(p["query"], step=p["step"], **window),
        "detected_fields": lambda: client.detected_fields(p["query"], **window),
        "detected_labels": lambda: client.detected_labels(p["query"], **window),
        "format_query": lambda: client.format_query(p["query"]),
        "status/buildinfo": client.build_info,
    }
    if path.startswith("label/"):
        name = path.split("/")[1]
        return lambda: client.label_values(name, query=p.get("query"), **window)
    if path.startswith("detected_field/"):
        name = path.split("/")[1]
        return lambda: client.detected_field_values(name, p["query"], **window)
    if path in calls:
        return calls[path]
    return lambda: LokiTransport(client.source, FAST).request("GET", request["path"])


def expected_value(name: str, body: Any) -> Any:
    """What the typed result must equal, derived from the recorded body independently."""
    if name.startswith("push") or name.startswith("auth_push"):
        return None
    if "ready" in name:
        return True
    if isinstance(body, dict) and set(body) == {"streams", "chunks", "bytes", "entries"}:
        return body
    if isinstance(body, dict) and isinstance(body.get("data"), str):
        return body["data"]
    if (
        isinstance(body, dict)
        and body.get("status") == "success"
        and not isinstance(body.get("data"), dict)
    ):
        return body.get("data", [])
    return body


def check(name: str, result: Any, body: Any) -> None:
    want = expected_value(name, body)
    if isinstance(result, StreamsResult):
        raw = body["data"]["result"]
        assert [s.labels for s in result.streams] == [s["stream"] for s in raw]
        assert [[(e.ts, e.line) for e in s.entries] for s in result.streams] == [
            [(int(v[0]), v[1]) for v in s["values"]] for s in raw
        ]
        summary = body["data"]["stats"]["summary"]
        assert result.stats.summary.bytes_processed == summary["totalBytesProcessed"]
        assert result.stats.summary.lines_processed == summary["totalLinesProcessed"]
        assert result.stats.summary.exec_time == summary["execTime"]
    elif isinstance(result, VectorResult):
        raw = body["data"]["result"]
        assert [(s.labels, s.sample.value) for s in result.samples] == [
            (r["metric"], float(r["value"][1])) for r in raw
        ]
    elif isinstance(result, MatrixResult):
        raw = body["data"]["result"]
        assert [[x.value for x in s.samples] for s in result.series] == [
            [float(v[1]) for v in r["values"]] for r in raw
        ]
    elif isinstance(result, list) and result and hasattr(result[0], "label"):
        key = "fields" if "fields" in body else "detectedLabels"
        assert [f.label for f in result] == [f["label"] for f in body[key]]
    elif isinstance(result, list) and isinstance(body, dict) and "values" in body:
        assert result == body["values"]
    elif hasattr(result, "version"):
        assert (result.version, result.go_version) == (body["version"], body["goVersion"])
    elif hasattr(result, "entries"):
        assert result.entries == want["entries"] and result.bytes == want["bytes"]
    else:
        assert result == want


@pytest.fixture
def client(loki_stub: "LokiStub") -> Iterator[LokiClient]:
    with LokiClient(LokiSource(loki_stub.url, tenant="fake"), FAST) as client:
        yield client


ANSWERS = sorted(p.name for p in LOKI.glob("*.json") if p.name not in NOTES)


def test_every_fixture_is_covered() -> None:
    """A new fixture in the shared directory is picked up here, or named as notes."""
    assert {p.name for p in LOKI.glob("*.json")} == set(ANSWERS) | NOTES
    assert len(ANSWERS) >= 67


@pytest.mark.parametrize("name", [n for n in ANSWERS if recorded(n)["status"] != 101])
def test_recorded_answer_parses(name: str, loki_stub: "LokiStub", client: LokiClient) -> None:
    data = recorded(name)
    loki_stub.replay(name)
    call = call_for(client, data["request"])
    if data["status"] >= 400:
        with pytest.raises(LokiError) as caught:
            call()
        assert caught.value.status == data["status"]
        assert type(caught.value) is ERRORS.get(data["status"], LokiError)
        assert caught.value.message == (
            data["body"].strip() or f"HTTP {data['status']} with an empty body"
        )
        assert caught.value.transient is False
        return
    check(name, call(), data["body"])


@pytest.mark.parametrize(
    "name", [n for n in ANSWERS if "query" in n and recorded(n)["status"] == 200]
)
def test_client_sends_what_loki_was_sent(
    name: str, loki_stub: "LokiStub", client: LokiClient
) -> None:
    """The recorded parameters (all of them) go out exactly so from the typed methods."""
    data = recorded(name)
    loki_stub.replay(name)
    call_for(client, data["request"])()
    sent = {k: v[0] for k, v in loki_stub.requests_to(data["request"]["path"])[-1].params.items()}
    assert data["request"]["params"].items() <= sent.items()


def test_structured_metadata_both_encodings(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.replay("query_range_structured_metadata_categorize_labels.json")
    result = call_for(
        client, recorded("query_range_structured_metadata_categorize_labels.json")["request"]
    )()
    line = result.lines()[0]
    assert "trace_id" not in line.labels
    assert line.metadata["trace_id"] == "946d4ef9c0893db252b9c5b8e20c4738"
    assert line.parsed["fingerprint_extracted"] == "db_connection_timeout"
    assert result.encoding_flags == ["categorize-labels"]
    loki_stub.replay("query_range_structured_metadata_default.json")
    merged = call_for(client, recorded("query_range_structured_metadata_default.json")["request"])()
    assert merged.lines()[0].labels["trace_id"] == "946d4ef9c0893db252b9c5b8e20c4738"
    assert merged.lines()[0].metadata == {}


def test_tail_frames_fixture(loki_stub: "LokiStub", client: LokiClient) -> None:
    data = recorded("tail_websocket_frames.json")
    loki_stub.replay("tail_websocket_frames.json")
    with client.tail('{job="fraiseql-app", env="dev"}', limit=3) as tail:
        frames = list(tail.frames(idle_timeout=0.5))
    assert len(frames) == len(data["body"]["frames"]) == 4
    assert [len(f.lines()) for f in frames] == [3, 1, 1, 1]
    first = frames[0].lines()
    assert [line.ts for line in first] == sorted(line.ts for line in first)
    assert first[-1].labels["fingerprint"] == "none_attribute_tenant_id"


@pytest.fixture
def seeded(loki_stub: "LokiStub") -> "LokiStub":
    """The stub's store holding exactly what the real Loki held when the fixtures were taken."""
    for name in ("push_seed_batch_204.json", "push_json_204.json",
                 "push_structured_metadata_204.json", "push_empty_labels_204.json"):  # fmt: skip
        for stream in recorded(name)["request"]["body"]["streams"]:
            loki_stub.push(stream["stream"], [(int(v[0]), *v[1:]) for v in stream["values"]])
    return loki_stub


SUPPORTED = [
    n
    for n in ANSWERS
    if n.startswith("query_range_") and recorded(n)["status"] == 200
    and "|" not in recorded(n)["request"]["params"]["query"].replace("|=", "")
    and "(" not in recorded(n)["request"]["params"]["query"]
]  # fmt: skip


@pytest.mark.parametrize("name", SUPPORTED)
def test_stub_store_answers_like_real_loki(
    name: str, seeded: "LokiStub", client: LokiClient
) -> None:
    """Same data, same query: the store-backed stub returns the recorded result exactly."""
    data = recorded(name)
    result = call_for(client, data["request"])()
    assert isinstance(result, StreamsResult)
    assert [s.labels for s in result.streams] == [
        s["stream"] for s in data["body"]["data"]["result"]
    ]
    check(name, result, {**data["body"], "data": {**data["body"]["data"], "stats": _stats(result)}})


def _stats(result: StreamsResult) -> dict[str, Any]:
    s = result.stats.summary
    summary = {"totalBytesProcessed": s.bytes_processed, "totalLinesProcessed": s.lines_processed}
    return {"summary": {**summary, "execTime": s.exec_time}}


def test_pagination_summary_holds_for_the_iterator(seeded: "LokiStub", client: LokiClient) -> None:
    """The notes' 456 entries, both ways, with the safe boundary rule and small pages."""
    notes = recorded("query_range_pagination_summary.json")
    window = {"start_ns": int(notes["start"]), "end_ns": int(notes["initial_end"])}
    for direction in ("backward", "forward"):
        lines = list(
            client.iterate(notes["query"], direction=direction, page_limit=notes["limit"], **window)
        )  # type: ignore[arg-type]
        keys = {(line.ts, tuple(sorted(line.labels.items())), line.line) for line in lines}
        assert len(lines) == len(keys) == notes["expected_total_from_count_over_time"]


def test_stub_labels_and_series_like_real_loki(seeded: "LokiStub", client: LokiClient) -> None:
    window = {"start_ns": 1_795_799_828_517_828_563, "end_ns": 1_795_803_549_517_828_563}
    assert client.labels(**window) == recorded("labels.json")["body"]["data"]
    assert client.label_values("job", **window) == recorded("label_job_values.json")["body"]["data"]
    series = client.series('{job="fraiseql-app"}', **window)
    want = recorded("series.json")["body"]["data"]
    assert sorted(map(sorted, (s.items() for s in series))) == sorted(
        map(sorted, (w.items() for w in want))
    )
    assert client.label_values("nonexistent_label", **window) == []


def test_stub_tenants_like_real_loki(loki_stub: "LokiStub") -> None:
    """Auth enabled: no tenant is refused, and each tenant sees only its own pushes."""
    loki_stub.auth_enabled = True
    pushes = {"tenant-a": "auth_push_tenant_a_204.json", "tenant-b": "auth_push_tenant_b_204.json"}
    for tenant, name in pushes.items():
        for stream in recorded(name)["request"]["body"]["streams"]:
            entries = [(int(v[0]), v[1]) for v in stream["values"]]
            loki_stub.push(stream["stream"], entries, tenant=tenant)
    for tenant in pushes:
        data = recorded(f"auth_{tenant.replace('-', '_')}_query_range.json")
        with LokiClient(LokiSource(loki_stub.url, tenant=tenant), FAST) as client:
            result = call_for(client, data["request"])()
        want = [s["stream"] for s in data["body"]["data"]["result"]]
        assert [s.labels for s in result.streams] == want
    anonymous = LokiClient(LokiSource(loki_stub.url), FAST)
    with pytest.raises(LokiAuthError, match="no org id"):
        anonymous.labels()
