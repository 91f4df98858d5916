"""The error page: everything a person needs to triage one error, in a fixed number of queries."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from errors.models import Status
from errors.triage import add_note, assign, change_status
from tests.factories import ErrorGroupFactory, HourlyCountFactory, OccurrenceFactory
from tests.web import client_for

pytestmark = pytest.mark.django_db

STACK = """Traceback (most recent call last):
  File "/app/api/views.py", line 42, in handle
    return service.run(request)
  File "/usr/lib/python3/site-packages/psycopg/connection.py", line 77, in connect
    raise OperationalError(msg)
psycopg.OperationalError: connection failed"""


@pytest.fixture
def error(alice: Any) -> Any:
    error = ErrorGroupFactory(
        exception_type="OperationalError",
        message="connection failed",
        fingerprint="db_connection_failed",
        stack_trace=STACK,
        metadata={"request": {"path": "/graphql", "method": "POST"}, "region": "eu-1"},
        regression_count=2,
    )
    for n in range(6):
        OccurrenceFactory(error=error, tenant="acme" if n < 4 else "globex", operation="login")
    HourlyCountFactory(error=error, count=5)
    errors = type(error).objects.filter(pk=error.pk)
    change_status(errors, Status.INVESTIGATING, actor=alice)
    assign(errors, alice, actor=alice)
    add_note(error, "Pool exhausted at 09:00", actor=alice)
    return error


def page(user: Any, error: Any, **params: Any) -> Any:
    return client_for(user).get(f"/errors/{error.id}/", params)


def test_anonymous_is_sent_to_login(client: Client, error: Any) -> None:
    assert client.get(f"/errors/{error.id}/").status_code == 302


def test_a_user_without_a_role_is_refused(error: Any) -> None:
    nobody = User.objects.create_user("nobody", password="pw")
    assert page(nobody, error).status_code == 403


def test_unknown_error_is_404(bob: Any) -> None:
    assert client_for(bob).get("/errors/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_everything_about_the_error_is_on_the_page(bob: Any, error: Any) -> None:
    response = page(bob, error)
    html = response.content.decode()
    for text in [
        "OperationalError",
        "connection failed",
        "db_connection_failed",
        "Regressed \u00d72",
        "Investigating",
        "/app/api/views.py",
        "return service.run(request)",
        "psycopg.OperationalError: connection failed",
        "request.path",
        "/graphql",
        "Pool exhausted at 09:00",
        "assigned to <b>alice</b>",
        "acme",
        "67%",
    ]:
        assert text in html, text
    frames = response.context["trace"].frames
    assert [f.in_app for f in frames] == [True, False]
    assert len(response.context["recent"]) == 6
    assert f'hx-get="/errors/{error.id}/context/"' in html
    assert f'hx-get="/errors/{error.id}/trace-panel/"' in html
    assert 'hx-trigger="revealed"' in html


def test_breakdowns_have_shares(bob: Any, error: Any) -> None:
    breakdowns = {b.field: b.shares for b in page(bob, error).context["breakdowns"]}
    assert [(s.value, s.count, s.percent) for s in breakdowns["tenant"]] == [
        ("acme", 4, 66.7),
        ("globex", 2, 33.3),
    ]
    assert breakdowns["operation"][0].percent == 100.0


def test_viewer_sees_no_controls(bob: Any, error: Any) -> None:
    html = page(bob, error).content.decode()
    assert f"/errors/{error.id}/status/" not in html
    assert f"/errors/{error.id}/assign/" not in html
    assert f"/errors/{error.id}/notes/" not in html
    assert f"/errors/{error.id}/delete/" not in html


def test_triager_gets_controls_but_not_delete(alice: Any, error: Any) -> None:
    html = page(alice, error).content.decode()
    assert f"/errors/{error.id}/status/" in html
    assert f"/errors/{error.id}/notes/" in html
    assert f"/errors/{error.id}/delete/" not in html


def test_admin_gets_delete(carol: Any, error: Any) -> None:
    assert f"/errors/{error.id}/delete/" in page(carol, error).content.decode()


def test_chart_in_hours_or_days_and_as_a_fragment(bob: Any, error: Any) -> None:
    hours = page(bob, error)
    assert hours.context["chart"] == "hours"
    assert hours.context["chart_total"] == 5
    HourlyCountFactory(error=error, hour=timezone.now() - timedelta(days=10), count=4)
    days = client_for(bob).get(
        f"/errors/{error.id}/",
        {"chart": "days"},
        headers={"HX-Request": "true", "HX-Target": "chart"},
    )
    assert days.context["chart_total"] == 9
    assert b"<html" not in days.content
    assert b'id="chart"' in days.content


def test_log_lines_and_trace_are_reachable_without_javascript(bob: Any, error: Any) -> None:
    """The two panels load when revealed (HTMX); without it their pages are plain links."""
    html = page(bob, error).content.decode()
    client = client_for(bob)
    for url in (f"/errors/{error.id}/context/", f"/errors/{error.id}/trace-panel/"):
        assert f'href="{url}"' in html
        assert b"<html" in client.get(url).content


def test_error_without_occurrences_or_trace(bob: Any) -> None:
    bare = ErrorGroupFactory(stack_trace=None, metadata=None)
    html = page(bob, bare).content.decode()
    assert "No stack trace was logged" in html
    assert "No occurrences stored yet" in html


@pytest.mark.parametrize("extra", [0, 20])
def test_error_page_queries_are_fixed(
    alice: Any, error: Any, extra: int, django_assert_num_queries: Any
) -> None:
    for _ in range(extra):
        OccurrenceFactory(error=error)
        add_note(error, "again", actor=alice)
    client = client_for(alice)
    client.get(f"/errors/{error.id}/")
    with django_assert_num_queries(9):
        client.get(f"/errors/{error.id}/")


def test_a_stack_trace_with_a_huge_line_number_still_renders(bob: Any) -> None:
    hostile = ErrorGroupFactory(stack_trace='  File "app.py", line ' + "9" * 5000 + ", in main\n")
    assert page(bob, hostile).status_code == 200
