"""Sources, secrets and TLS: secrets are read at use time and never shown."""

from pathlib import Path

import pytest

from tests.stubs.tempo import ERROR_TRACE_ID, TempoStub
from traces.tempo import TempoClient
from traces.tempo_auth import ssl_verify
from traces.tempo_config import (
    BasicAuth,
    BearerToken,
    Profile,
    Secret,
    TempoSource,
    TlsConfig,
)
from traces.tempo_errors import TempoAuthError, TempoConfigError


def test_tenant_and_bearer_token_read_at_each_request(
    tempo_stub: TempoStub, tempo_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPO_TOKEN", "first")
    source = TempoSource(
        base_url=tempo_stub.url,
        tenant="team-a",
        auth=BearerToken(Secret(env="TEMPO_TOKEN")),
    )
    tempo_stub.required_headers = {"X-Scope-OrgID": "team-a", "Authorization": "Bearer first"}
    with TempoClient(source, tempo_profile) as client:
        client.get_trace(ERROR_TRACE_ID)
        monkeypatch.setenv("TEMPO_TOKEN", "rotated")
        with pytest.raises(TempoAuthError, match="Unauthorized"):
            client.get_trace(ERROR_TRACE_ID)
    assert tempo_stub.requests[-1].headers["authorization"] == "Bearer rotated"
    assert "first" not in repr(source) and "rotated" not in repr(source)


def test_missing_tenant_is_an_auth_error(tempo: TempoClient, tempo_stub: TempoStub) -> None:
    tempo_stub.required_headers = {"X-Scope-OrgID": "team-a"}
    with pytest.raises(TempoAuthError, match="no org id"):
        tempo.search(traceql="{ status = error }")


def test_basic_auth_from_a_file(
    tempo_stub: TempoStub, tempo_profile: Profile, tmp_path: Path
) -> None:
    secret = tmp_path / "tempo-password"
    secret.write_text("s3cret\n")
    source = TempoSource(base_url=tempo_stub.url, auth=BasicAuth("grafana", Secret(file=secret)))
    with TempoClient(source, tempo_profile) as client:
        client.ready()
    assert tempo_stub.requests[0].headers["authorization"] == "Basic Z3JhZmFuYTpzM2NyZXQ="
    assert "s3cret" not in repr(source)


def test_unreadable_secret_is_a_config_error_before_any_request(
    tempo_stub: TempoStub, tempo_profile: Profile, tmp_path: Path
) -> None:
    source = TempoSource(
        base_url=tempo_stub.url, auth=BearerToken(Secret(file=tmp_path / "missing"))
    )
    with TempoClient(source, tempo_profile) as client, pytest.raises(TempoConfigError):
        client.get_trace(ERROR_TRACE_ID)
    assert tempo_stub.requests == []


@pytest.mark.parametrize("kwargs", [{}, {"env": "A", "file": Path("b")}])
def test_a_secret_names_exactly_one_place(kwargs: dict[str, object]) -> None:
    with pytest.raises(TempoConfigError):
        Secret(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("url", ["tempo:3200", "ftp://tempo", "http://"])
def test_base_url_must_be_http(url: str) -> None:
    with pytest.raises(TempoConfigError):
        TempoSource(base_url=url)


def test_tls_options(tmp_path: Path) -> None:
    assert ssl_verify(TlsConfig()) is True
    assert ssl_verify(TlsConfig(verify=False)) is False
    with pytest.raises(TempoConfigError, match="bad TLS files"):
        ssl_verify(TlsConfig(ca_bundle=tmp_path / "none.pem"))
