"""An HTTP error status becomes the error class the client's own family has for it."""

import pytest

from outbound.status import MAX_MESSAGE, body_message, error_for_status
from tests.outbound.toy import (
    TOY,
    BadQuery,
    Broken,
    Forbidden,
    RateLimited,
    ToyError,
    Unavailable,
)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadQuery),
        (401, Forbidden),
        (403, Forbidden),
        (429, RateLimited),
        (502, Unavailable),
        (503, Unavailable),
        (504, Unavailable),
        (500, Broken),
        (501, Broken),
        (404, ToyError),
        (409, ToyError),
    ],
)
def test_each_status_to_its_class(status: int, kind: type[ToyError]) -> None:
    error = error_for_status(TOY, status, "Toy says no", {}, "/api/x")
    assert type(error) is kind
    assert (str(error), error.status, error.path) == ("Toy says no", status, "/api/x")


def test_rate_limited_keeps_the_servers_retry_after() -> None:
    error = error_for_status(TOY, 429, "slow down", {"retry-after": "7"}, "/api/x")
    assert isinstance(error, RateLimited) and error.retry_after == 7.0
    error = error_for_status(TOY, 429, "slow down", {}, "/api/x")
    assert isinstance(error, RateLimited) and error.retry_after is None


def test_the_message_is_the_back_ends_own_words() -> None:
    assert body_message(400, b"parse error at line 1\n") == "parse error at line 1"
    assert body_message(502, b"  \n") == "HTTP 502 with an empty body"
    assert body_message(500, b"\xff oops") == "\ufffd oops"
    assert len(body_message(500, b"x" * (MAX_MESSAGE + 10))) == MAX_MESSAGE
