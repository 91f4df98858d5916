"""`manage.py seed_demo`: the first admin and its password, as .env.example describes."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_an_empty_password_variable_gets_a_generated_password_printed_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "")
    out = StringIO()

    call_command("seed_demo", stdout=out)

    shown = re.search(r"admin user: admin  password: (\S+)  \(shown once\)", out.getvalue())
    assert shown, out.getvalue()
    assert authenticate(username="admin", password=shown.group(1)) is not None


def test_a_given_password_is_used_and_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct-horse-battery")
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert "correct-horse-battery" not in out.getvalue()
    assert authenticate(username="admin", password="correct-horse-battery") is not None
