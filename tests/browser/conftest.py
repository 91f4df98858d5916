"""A real Chromium (Debian's) driven by Playwright against pytest-django's live server.

Live-server tests are transactional: Django's flush empties the tables between tests but
leaves the roles' groups gone and the unmanaged monitoring.errors table as it was, so the
fixtures put the roles back and delete error rows on both sides of each test.
"""

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
ROLES = importlib.import_module("errors.migrations.0003_roles").ROLES


def _ensure_roles() -> None:
    from django.contrib.auth.models import Group, Permission

    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        errors_perms = Permission.objects.filter(content_type__app_label="errors")
        group.permissions.set(errors_perms.filter(codename__in=codenames))
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.set(Permission.objects.all())


@pytest.fixture(autouse=True)
def browser_world(browser: Any, transactional_db: None) -> Iterator[None]:
    """Roles present and no error rows left over from other transactional tests."""
    from errors.models import ErrorGroup

    _ensure_roles()
    ErrorGroup.objects.all().delete()
    yield
    ErrorGroup.objects.all().delete()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    scheme = getattr(request, "param", "light")
    context = browser.new_context(viewport={"width": 1360, "height": 900}, color_scheme=scheme)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def log_in(page: Any, base_url: str, username: str, *, shot: str | None = None) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    if shot:
        screenshot(page, shot)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base_url}/")
