"""Secrets are named, read at each request, never shown, and fail as the client's own error."""

from pathlib import Path

import httpx
import pytest

from outbound.secrets import BasicAuth, BearerToken, SecretAuth
from tests.outbound.toy import Misconfigured, ToySecret


def sent_authorization(auth: BasicAuth | BearerToken, requests: int = 1) -> list[str]:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(204)

    with httpx.Client(transport=httpx.MockTransport(answer), auth=SecretAuth(auth)) as client:
        for _ in range(requests):
            client.get("http://toy.test/")
    return seen


@pytest.mark.parametrize("kwargs", [{}, {"env": "A", "file": Path("b")}])
def test_a_secret_names_exactly_one_place(kwargs: dict[str, object]) -> None:
    with pytest.raises(Misconfigured, match="exactly one"):
        ToySecret(**kwargs)  # type: ignore[arg-type]


def test_missing_or_empty_secrets_are_the_clients_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOY_UNSET", raising=False)
    with pytest.raises(Misconfigured, match="environment variable TOY_UNSET is empty or unset"):
        ToySecret(env="TOY_UNSET").reveal()
    with pytest.raises(Misconfigured, match="cannot read secret file"):
        ToySecret(file=tmp_path / "absent").reveal()
    (tmp_path / "blank").write_text(" \n")
    with pytest.raises(Misconfigured, match="is empty or unset"):
        ToySecret(file=tmp_path / "blank").reveal()


def test_the_token_is_read_at_each_request_and_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOY_TOKEN", "first\n")
    auth = BearerToken(ToySecret(env="TOY_TOKEN"))
    assert sent_authorization(auth) == ["Bearer first"]
    monkeypatch.setenv("TOY_TOKEN", "rotated")
    assert sent_authorization(auth) == ["Bearer rotated"]
    assert "first" not in repr(SecretAuth(auth)) and "rotated" not in repr(SecretAuth(auth))


def test_basic_auth_from_a_file(tmp_path: Path) -> None:
    password = tmp_path / "password"
    password.write_text("hunter2\n")
    auth = BasicAuth("grafana", ToySecret(file=password))
    assert sent_authorization(auth, requests=2) == ["Basic Z3JhZmFuYTpodW50ZXIy"] * 2
    assert "hunter2" not in repr(auth)
