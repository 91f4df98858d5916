"""Back-off with jitter and the server's Retry-After: one implementation for every client."""

import pytest

from outbound.profile import Profile
from outbound.retry import backoff_delay, parse_retry_after

PROFILE = Profile("test", 1.0, 1.0, 2.0, attempts=3, backoff_base=0.1, backoff_max=1.0)


@pytest.mark.parametrize("attempt", [1, 2, 3, 8])
def test_backoff_grows_with_jitter_and_a_cap(attempt: int) -> None:
    ceiling = min(PROFILE.backoff_max, PROFILE.backoff_base * 2 ** (attempt - 1))
    delays = [backoff_delay(PROFILE, attempt) for _ in range(50)]
    assert all(ceiling / 2 <= d <= ceiling for d in delays) and len(set(delays)) > 1


def test_backoff_doubles_with_equal_jitter() -> None:
    profile = Profile("test", 1.0, 1.0, 2.0, attempts=3, backoff_base=0.1, backoff_max=0.3)
    low = [backoff_delay(profile, n, rand=0.0) for n in (1, 2, 3, 4)]
    assert low == pytest.approx([0.05, 0.1, 0.15, 0.15])
    assert backoff_delay(profile, 1, rand=1.0) == pytest.approx(0.1)


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("Fri, 27 Nov 2026 18:20:52 GMT", now=1795803622.0) == 30.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412500.0) == 0.0
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
