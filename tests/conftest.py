"""The small named world every test speaks of, and the real services it runs against.

alice triages, bob only views, carol administers.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.stubs.loki import loki_stub  # noqa: F401  (fixture)
from tests.stubs.server import StubServer, running
from tests.stubs.tempo import tempo_stub  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _empty_errors_table(request: pytest.FixtureRequest) -> Iterator[None]:
    """Django's flush between transactional tests skips the unmanaged monitoring.errors."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if transactional or "live_server" in request.fixturenames:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE monitoring.errors CASCADE")


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    with running() as server:
        yield server


@pytest.fixture
def alice(db: None) -> Any:
    from tests.factories import UserFactory

    return UserFactory(username="alice", role="triager")


@pytest.fixture
def bob(db: None) -> Any:
    from tests.factories import UserFactory

    return UserFactory(username="bob", role="viewer")


@pytest.fixture
def carol(db: None) -> Any:
    from tests.factories import UserFactory

    return UserFactory(username="carol", role="admin", is_staff=True, is_superuser=True)
