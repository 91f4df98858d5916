"""Tempo clients aimed at the stub Tempo, with retries fast enough for the test suite."""

from collections.abc import Iterator

import pytest

from tests.stubs.tempo import TempoStub
from traces.tempo import TempoClient
from traces.tempo_config import Profile, TempoSource


@pytest.fixture
def tempo_profile() -> Profile:
    """Half-second timeouts, three attempts milliseconds apart."""
    return Profile(
        name="test",
        connect_timeout=0.5,
        read_timeout=0.5,
        total_timeout=2.0,
        attempts=3,
        backoff_base=0.001,
        backoff_max=0.005,
    )


@pytest.fixture
def tempo_source(tempo_stub: TempoStub) -> TempoSource:
    return TempoSource(base_url=tempo_stub.url)


@pytest.fixture
def tempo(tempo_source: TempoSource, tempo_profile: Profile) -> Iterator[TempoClient]:
    with TempoClient(tempo_source, tempo_profile) as client:
        yield client
