"""The small named world every test speaks of, and the real services it runs against."""

from collections.abc import Iterator

import pytest

from tests.stubs.server import StubServer, running


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    with running() as server:
        yield server
