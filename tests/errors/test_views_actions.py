"""Status, assignee, notes, bulk and delete: allowed for the right role only, history written."""

from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client

from errors.models import Activity, ActivityKind, ErrorGroup, HourlyCount, Note, Occurrence, Status
from tests.factories import ErrorGroupFactory, HourlyCountFactory, OccurrenceFactory
from tests.web import client_for

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def refreshed(error: Any) -> Any:
    return ErrorGroup.objects.get(pk=error.pk)


@pytest.fixture
def error() -> Any:
    return ErrorGroupFactory()


def action_urls(error: Any) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"/errors/{error.id}/status/", {"status": "resolved"}),
        (f"/errors/{error.id}/assign/", {"assignee": ""}),
        (f"/errors/{error.id}/notes/", {"body": "hi"}),
        ("/errors/bulk/", {"action": "resolved", "ids": [str(error.id)]}),
        (f"/errors/{error.id}/delete/", {}),
    ]


def test_anonymous_posts_go_to_login(client: Client, error: Any) -> None:
    for url, data in action_urls(error):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/")
    assert refreshed(error).status == Status.NEW


def test_viewer_is_refused_every_change(bob: Any, error: Any) -> None:
    client = client_for(bob)
    for url, data in action_urls(error):
        assert client.post(url, data).status_code == 403, url
        assert client.post(url, data, headers=HTMX).status_code == 403, url
    assert refreshed(error).status == Status.NEW
    assert not Activity.objects.exists()
    assert not Note.objects.exists()


def test_a_user_without_a_role_is_refused(error: Any) -> None:
    client = client_for(User.objects.create_user("nobody", password="pw"))
    for url, data in action_urls(error):
        assert client.post(url, data).status_code == 403, url


def test_triager_cannot_delete(alice: Any, error: Any) -> None:
    client = client_for(alice)
    assert client.get(f"/errors/{error.id}/delete/").status_code == 403
    assert client.post(f"/errors/{error.id}/delete/").status_code == 403
    assert ErrorGroup.objects.filter(pk=error.pk).exists()


def test_actions_are_post_only(alice: Any, error: Any) -> None:
    client = client_for(alice)
    for url in (f"/errors/{error.id}/status/", f"/errors/{error.id}/assign/", "/errors/bulk/"):
        assert client.get(url).status_code == 405


def test_resolve_from_a_plain_form(alice: Any, error: Any) -> None:
    response = client_for(alice).post(f"/errors/{error.id}/status/", {"status": "resolved"})
    assert response.status_code == 302
    assert response["Location"] == f"/errors/{error.id}/"
    changed = refreshed(error)
    assert (changed.status, changed.resolved_by) == (Status.RESOLVED, alice)
    activity = Activity.objects.get(error=error)
    assert (activity.kind, activity.actor, activity.data) == (
        ActivityKind.STATUS_CHANGED,
        alice,
        {"from": "new", "to": "resolved"},
    )


def test_resolve_with_htmx_returns_summary_and_activity(alice: Any, error: Any) -> None:
    response = client_for(alice).post(
        f"/errors/{error.id}/status/", {"status": "resolved"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<section id="summary"' in html
    assert 'id="discussion" class="card" hx-swap-oob="true"' in html
    assert "Resolved" in html
    assert "<html" not in html


def test_ignore_with_a_condition(alice: Any, error: Any) -> None:
    client_for(alice).post(
        f"/errors/{error.id}/status/", {"status": "ignored", "ignore_for": "100x"}
    )
    changed = refreshed(error)
    assert changed.status == Status.IGNORED
    assert changed.ignored_until_count == changed.occurrence_count + 100
    client_for(alice).post(f"/errors/{error.id}/status/", {"status": "new", "ignore_for": "24h"})
    assert refreshed(error).status == Status.NEW


def test_invalid_status_is_shown_inline(alice: Any, error: Any) -> None:
    response = client_for(alice).post(
        f"/errors/{error.id}/status/", {"status": "closed"}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    plain = client_for(alice).post(f"/errors/{error.id}/status/", {"status": "closed"}, follow=True)
    assert "Select a valid choice" in plain.content.decode()
    assert refreshed(error).status == Status.NEW


def test_assign_and_unassign(alice: Any, carol: Any, error: Any) -> None:
    client = client_for(alice)
    client.post(f"/errors/{error.id}/assign/", {"assignee": "carol"}, headers=HTMX)
    assert refreshed(error).assignee == carol
    client.post(f"/errors/{error.id}/assign/", {"assignee": ""})
    assert refreshed(error).assignee is None
    kinds = list(Activity.objects.filter(error=error).values_list("data", flat=True))
    assert {"from": None, "to": "carol"} in kinds


def test_viewers_cannot_be_assigned(alice: Any, bob: Any, error: Any) -> None:
    response = client_for(alice).post(
        f"/errors/{error.id}/assign/", {"assignee": "bob"}, headers=HTMX
    )
    assert response.status_code == 422
    assert refreshed(error).assignee is None


def test_add_a_note(alice: Any, error: Any) -> None:
    response = client_for(alice).post(
        f"/errors/{error.id}/notes/", {"body": "  Restarted the pool  "}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Restarted the pool" in response.content.decode()
    note = Note.objects.get(error=error)
    assert (note.body, note.author) == ("Restarted the pool", alice)
    assert Activity.objects.filter(error=error, kind=ActivityKind.NOTE_ADDED).exists()


def test_empty_note_is_refused_inline(alice: Any, error: Any) -> None:
    response = client_for(alice).post(f"/errors/{error.id}/notes/", {"body": "   "}, headers=HTMX)
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert not Note.objects.exists()


def test_bulk_resolve_goes_through_triage(alice: Any) -> None:
    chosen = [ErrorGroupFactory(message=f"chosen {n}") for n in range(3)]
    ErrorGroupFactory(message="left alone")
    response = client_for(alice).post(
        "/errors/bulk/",
        {"action": "resolved", "ids": [str(e.id) for e in chosen], "next": "status=unresolved"},
        headers={**HTMX, "HX-Target": "results"},
    )
    assert response.status_code == 200
    assert [row.error.message for row in response.context["rows"]] == ["left alone"]
    assert "Resolved: 3 errors." in response.content.decode()
    assert ErrorGroup.objects.filter(status=Status.RESOLVED).count() == 3
    assert Activity.objects.filter(kind=ActivityKind.STATUS_CHANGED, actor=alice).count() == 3


def test_bulk_assign_with_a_plain_form_redirects_back(alice: Any) -> None:
    chosen = [ErrorGroupFactory() for _ in range(2)]
    response = client_for(alice).post(
        "/errors/bulk/",
        {"action": "assign", "assignee": "alice", "ids": [str(e.id) for e in chosen]}
        | {"next": "service=api&sort=count"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/?service=api&sort=count"
    assert all(refreshed(e).assignee == alice for e in chosen)


def test_bulk_keeps_working_under_the_longest_search(alice: Any) -> None:
    chosen = ErrorGroupFactory()
    search = urlencode({"q": "é" * 500, "service": "ü" * 200})
    response = client_for(alice).post(
        "/errors/bulk/", {"action": "resolved", "ids": [str(chosen.id)], "next": search}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/?{search}"
    assert refreshed(chosen).status == Status.RESOLVED


def test_bulk_without_a_selection_is_refused_inline(alice: Any) -> None:
    response = client_for(alice).post("/errors/bulk/", {"action": "resolved"}, headers=HTMX)
    assert response.status_code == 422
    assert "Select at least one error." in response.content.decode()


def test_admin_deletes_after_confirmation(carol: Any, error: Any) -> None:
    OccurrenceFactory(error=error)
    HourlyCountFactory(error=error)
    client = client_for(carol)
    confirm = client.get(f"/errors/{error.id}/delete/")
    assert confirm.status_code == 200
    assert "1 stored occurrence" in confirm.content.decode()
    assert ErrorGroup.objects.filter(pk=error.pk).exists()
    response = client.post(f"/errors/{error.id}/delete/")
    assert response.status_code == 302
    assert not ErrorGroup.objects.filter(pk=error.pk).exists()
    assert not Occurrence.objects.exists()
    assert not HourlyCount.objects.exists()
