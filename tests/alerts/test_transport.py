"""One HTTP client, real sockets: each answer of the receiver lands in the right class."""

import socket

import pytest

from alerts import transport
from alerts.transport import PermanentFailure, TransientFailure
from tests.alerts.conftest import Receiver
from tests.stubs.server import Reply


def post(receiver: Receiver) -> transport.Sent:
    return transport.post(receiver.url, b"{}", {"Content-Type": "application/json"})


def test_200_is_sent(receiver: Receiver) -> None:
    assert post(receiver) == transport.Sent(200, "ok")


def test_429_is_transient_with_retry_after(receiver: Receiver) -> None:
    receiver.answer(Reply(429, "rate_limited", {"Retry-After": "7"}))
    with pytest.raises(TransientFailure) as caught:
        post(receiver)
    assert caught.value.status == 429 and caught.value.retry_after == 7.0


def test_500_is_transient(receiver: Receiver) -> None:
    receiver.answer(Reply(500, "rollup_error"))
    with pytest.raises(TransientFailure) as caught:
        post(receiver)
    assert caught.value.excerpt == "rollup_error" and caught.value.retry_after is None


@pytest.mark.parametrize(
    ("status", "body"),
    [(404, "no_service"), (410, "channel_is_archived"), (403, "invalid_token"),
     (404, "channel_not_found"), (400, "invalid_payload"), (404, ""), (401, "nope")],
)  # fmt: skip
def test_dead_webhooks_and_4xx_are_permanent(receiver: Receiver, status: int, body: str) -> None:
    receiver.answer(Reply(status, body))
    with pytest.raises(PermanentFailure) as caught:
        post(receiver)
    assert caught.value.status == status


def test_slack_permanent_words_win_over_a_5xx_status(receiver: Receiver) -> None:
    receiver.answer(Reply(500, "invalid_token"))
    with pytest.raises(PermanentFailure):
        post(receiver)


def test_timeout_is_transient(receiver: Receiver) -> None:
    receiver.answer(Reply(200, "ok", delay=2.0))
    with pytest.raises(TransientFailure, match="timed out"):
        post(receiver)


def test_refused_connection_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TransientFailure, match="connection failed"):
        transport.post(f"http://127.0.0.1:{port}/hook", b"{}", {})


def test_redirects_are_not_followed(receiver: Receiver) -> None:
    receiver.answer(Reply(302, "", {"Location": "http://169.254.169.254/"}))
    with pytest.raises(PermanentFailure):
        post(receiver)


def test_bad_url_is_permanent() -> None:
    with pytest.raises(PermanentFailure):
        transport.post("ftp://example.com/hook", b"{}", {})
