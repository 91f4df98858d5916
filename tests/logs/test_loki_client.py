"""The client against the store-backed stub: push, read back, metadata, discovery, tail, auth."""

import base64
import gzip
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from logs.loki import (
    BasicAuth,
    BearerToken,
    LokiAuthError,
    LokiClient,
    LokiConfigError,
    LokiQueryError,
    LokiSource,
    Profile,
    PushStream,
    Secret,
    TlsConfig,
)
from logs.loki_auth import ssl_verify
from logs.loki_types import StreamsResult

if TYPE_CHECKING:
    from tests.stubs.loki import LokiStub


FAST = Profile("test", 1.0, 5.0, 10.0, attempts=2, backoff_base=0.001, backoff_max=0.01)
NOW = time.time_ns()
LINE = '{"level":"error","message":"Database connection failed","trace_id":"abc123"}'


@pytest.fixture
def client(loki_stub: "LokiStub") -> Iterator[LokiClient]:
    with LokiClient(LokiSource(loki_stub.url), FAST) as client:
        yield client


def test_push_is_gzipped_json_and_reads_back(loki_stub: "LokiStub", client: LokiClient) -> None:
    client.push(
        PushStream({"job": "app", "level": "error"}, [(NOW - 2_000, LINE), (NOW - 1_000, LINE)]),
        PushStream({"job": "worker"}, [(NOW - 1_500, "plain", {"trace_id": "abc123"})]),
    )
    sent = loki_stub.requests_to("/loki/api/v1/push")[-1]
    assert sent.headers["content-encoding"] == "gzip"
    body = json.loads(gzip.decompress(sent.body))
    assert body["streams"][1]["values"] == [[str(NOW - 1_500), "plain", {"trace_id": "abc123"}]]
    result = client.query_range('{job=~"app|worker"}', start_ns=NOW - 10_000, end_ns=NOW)
    assert isinstance(result, StreamsResult)
    assert [(line.ts, line.line) for line in result.lines()] == [
        (NOW - 1_000, LINE), (NOW - 1_500, "plain"), (NOW - 2_000, LINE)
    ]  # fmt: skip
    worker = result.lines()[1]
    assert worker.labels["trace_id"] == "abc123" and worker.labels["service_name"] == "worker"


def test_categorize_labels_keeps_metadata_apart(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.push({"job": "worker"}, [(NOW - 5, "plain", {"trace_id": "abc123"})])
    result = client.query_range(
        '{job="worker"}', start_ns=NOW - 10, end_ns=NOW, categorize_labels=True
    )
    assert isinstance(result, StreamsResult) and result.encoding_flags == ["categorize-labels"]
    line = result.lines()[0]
    assert "trace_id" not in line.labels
    assert line.metadata == {"trace_id": "abc123", "detected_level": "unknown"}


def test_line_filters_and_discovery(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.push({"job": "app", "env": "dev"}, [(NOW - 3, LINE), (NOW - 2, "GET /health 200")])
    loki_stub.push({"job": "app", "env": "prod"}, [(NOW - 1, LINE)])
    window = {"start_ns": NOW - 10, "end_ns": NOW}
    found = client.query_range('{job="app"} |= "connection failed" != "health"', **window)
    assert isinstance(found, StreamsResult) and found.entry_count == 2
    assert client.labels(**window) == ["env", "job", "service_name"]
    assert client.label_values("env", **window) == ["dev", "prod"]
    assert client.label_values("env", query='{env="prod"}', **window) == ["prod"]
    assert len(client.series('{job="app"}', **window)) == 2
    stats = client.index_stats('{env="dev"}', **window)
    assert (stats.streams, stats.entries) == (1, 2)


def test_instant_query_of_a_log_selector_is_refused(client: LokiClient) -> None:
    with pytest.raises(LokiQueryError, match="not supported as an instant query"):
        client.query('{job="app"}')


def test_ready(loki_stub: "LokiStub", client: LokiClient) -> None:
    assert client.ready() is True
    loki_stub.fail_next(503, "Ingester not ready: waiting for 15s after being ready", times=5)
    assert client.ready() is False


def test_tail_sends_history_then_live_lines(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.push({"job": "app"}, [(NOW - 3_000, "old"), (NOW - 2_000, "older? no, newer")])
    with client.tail('{job="app"}', start_ns=NOW - 10_000, limit=10) as tail:
        history = tail.receive(timeout=2.0)
        assert history is not None
        assert [line.line for line in history.lines()] == ["old", "older? no, newer"]
        client.push(PushStream({"job": "app"}, [(time.time_ns(), "live")]))
        client.push(PushStream({"job": "other"}, [(time.time_ns(), "not for us")]))
        live = tail.receive(timeout=2.0)
        assert live is not None and [line.line for line in live.lines()] == ["live"]
        assert tail.receive(timeout=0.2) is None


def test_tail_refused_is_mapped(loki_stub: "LokiStub", client: LokiClient) -> None:
    loki_stub.fail_next(401, "no org id\n", path="/loki/api/v1/tail")
    with pytest.raises(LokiAuthError, match="no org id"), client.tail('{job="app"}'):
        pass


def test_tenant_and_bearer_token_are_sent(
    loki_stub: "LokiStub", monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOKI_TEST_TOKEN", "s3cret-1")
    source = LokiSource(
        loki_stub.url, tenant="team-a", auth=BearerToken(Secret(env="LOKI_TEST_TOKEN"))
    )
    assert "s3cret" not in repr(source)
    with LokiClient(source, FAST) as client:
        client.labels()
        monkeypatch.setenv("LOKI_TEST_TOKEN", "s3cret-2")
        client.labels()
    first, second = loki_stub.requests_to("/loki/api/v1/labels")
    assert first.headers["x-scope-orgid"] == "team-a"
    assert first.headers["authorization"] == "Bearer s3cret-1"
    assert second.headers["authorization"] == "Bearer s3cret-2"


def test_basic_auth_from_a_file(loki_stub: "LokiStub", tmp_path: Path) -> None:
    secret_file = tmp_path / "loki-password"
    secret_file.write_text("hunter2\n")
    loki_stub.required_authorization = "Basic " + base64.b64encode(b"grafana:hunter2").decode()
    source = LokiSource(loki_stub.url, auth=BasicAuth("grafana", Secret(file=secret_file)))
    assert "hunter2" not in repr(source)
    with LokiClient(source, FAST) as client:
        assert client.labels() == []
    with LokiClient(LokiSource(loki_stub.url), FAST) as anonymous, pytest.raises(LokiAuthError):
        anonymous.labels()


def test_missing_secret_fails_before_any_request(loki_stub: "LokiStub", tmp_path: Path) -> None:
    for secret in (Secret(env="LOKI_TEST_UNSET_TOKEN"), Secret(file=tmp_path / "absent")):
        client = LokiClient(LokiSource(loki_stub.url, auth=BearerToken(secret)), FAST)
        with pytest.raises(LokiConfigError, match="secret"):
            client.labels()
    assert loki_stub.requests == []
    with pytest.raises(LokiConfigError):
        Secret()


def test_tls_settings(tmp_path: Path) -> None:
    assert ssl_verify(TlsConfig()).verify_mode.name == "CERT_REQUIRED"
    assert ssl_verify(TlsConfig(verify=False)).check_hostname is False
    with pytest.raises(LokiConfigError, match="bad TLS files"):
        ssl_verify(TlsConfig(ca_bundle=tmp_path / "no-such-ca.pem"))
    with pytest.raises(LokiConfigError, match="bad TLS files"):
        ssl_verify(TlsConfig(client_cert=tmp_path / "no-cert.pem", client_key=tmp_path / "no.key"))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls_with_private_ca_and_client_certificate(tmp_path: Path) -> None:
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=triage", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl_verify(TlsConfig(ca_bundle=cert, client_cert=cert, client_key=key))
    assert context.verify_mode.name == "CERT_REQUIRED" and context.check_hostname
    assert [c["subject"] for c in context.get_ca_certs()] == [((("commonName", "triage"),),)]
