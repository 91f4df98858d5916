"""The small named world every test speaks of, and the real services it runs against.

alice triages, bob only views, carol administers.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.stubs.loki import loki_stub  # noqa: F401  (fixture)
from tests.stubs.server import StubServer, running
from tests.stubs.tempo import tempo_stub  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _private_cache(settings: Any, request: pytest.FixtureRequest) -> None:
    """Each test its own empty cache, so cached counts never leak between tests.

    Not `cache.clear()` on the Redis cache: that flushes the whole Redis database, the
    Celery broker's queues included.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


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


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one per module.

    Playwright's sync API runs an event loop in this thread while it is open, so it is closed at
    the end of each module (asyncio.run elsewhere in the suite must find no loop running) and,
    meanwhile, the ORM is told that running beside that loop is safe: nothing else uses it.
    """
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: scripts/system-deps should have installed it")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
