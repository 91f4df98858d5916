"""The JSON API: token auth, the stream's filters, changes through triage with history."""

import json
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from errors.models import Activity, ApiKey, ErrorGroup, Status
from errors.tokens import make_token, user_for
from tests.factories import ErrorGroupFactory

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {make_token(user)}"})


def patch(user: Any, error: Any, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return api(user).patch(f"/api/errors/{error.id}/", data, content_type="application/json")


def test_no_token_no_data(client: Client) -> None:
    ErrorGroupFactory()
    response = client.get("/api/errors/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    forged = Client(headers={"Authorization": "Bearer forged:token"})
    assert forged.get("/api/errors/").status_code == 401


def test_a_session_is_not_enough(bob: Any) -> None:
    client = Client()
    client.force_login(bob)
    assert client.get("/api/errors/").status_code == 401


def test_changing_the_password_revokes_the_token(bob: Any) -> None:
    client = api(bob)
    assert client.get("/api/errors/").status_code == 200
    bob.set_password("new password")
    bob.save()
    assert client.get("/api/errors/").status_code == 401
    assert api(bob).get("/api/errors/").status_code == 200  # a new token works


def test_inactive_users_and_users_without_a_role(bob: Any) -> None:
    nobody = User.objects.create_user("nobody", password="pw")
    assert api(nobody).get("/api/errors/").status_code == 403
    client = api(bob)
    bob.is_active = False
    bob.save()
    assert client.get("/api/errors/").status_code == 401


def test_list_uses_the_stream_filters_and_search(bob: Any) -> None:
    ErrorGroupFactory(message="api timeout", service="api", occurrence_count=200)
    ErrorGroupFactory(message="worker timeout", service="worker")
    ErrorGroupFactory(message="api resolved", service="api", status=Status.RESOLVED)
    client = api(bob)
    body = client.get("/api/errors/", {"q": "service:api times:>100"}).json()
    assert [e["message"] for e in body["results"]] == ["api timeout"]
    assert body["problems"] == []
    everything = client.get("/api/errors/", {"status": "all", "service": "api"}).json()
    assert sorted(e["message"] for e in everything["results"]) == ["api resolved", "api timeout"]
    odd = client.get("/api/errors/", {"q": "colour:red"}).json()
    assert odd["problems"] == ["colour: is not a search key, searched as text"]


def test_list_pages_with_links(bob: Any) -> None:
    for n in range(55):
        ErrorGroupFactory(message=f"e{n}", occurrence_count=n)
    client = api(bob)
    first = client.get("/api/errors/", {"sort": "count"}).json()
    assert len(first["results"]) == 50
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert [e["message"] for e in second["results"]] == ["e4", "e3", "e2", "e1", "e0"]
    assert second["next"] is None


def test_detail(bob: Any) -> None:
    error = ErrorGroupFactory(metadata={"a": 1})
    body = api(bob).get(f"/api/errors/{error.id}/").json()
    assert body["id"] == str(error.id)
    assert body["metadata"] == {"a": 1}
    assert body["status"] == "new"
    missing = api(bob).get("/api/errors/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404


def test_viewer_cannot_change(bob: Any) -> None:
    error = ErrorGroupFactory()
    assert patch(bob, error, {"status": "resolved"}).status_code == 403
    assert ErrorGroup.objects.get(pk=error.pk).status == Status.NEW


def test_triager_resolves_and_assigns(alice: Any) -> None:
    error = ErrorGroupFactory()
    response = patch(alice, error, {"status": "resolved", "assignee": "alice"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["assignee"]) == ("resolved", "alice")
    labels = set(Activity.objects.filter(error=error).values_list("actor_label", "actor__username"))
    assert labels == {("api", "alice")}
    assert patch(alice, error, {"assignee": None}).json()["assignee"] is None


def test_bad_requests(alice: Any) -> None:
    error = ErrorGroupFactory()
    assert patch(alice, error, "{not json").status_code == 400
    assert patch(alice, error, {"colour": "red"}).status_code == 400
    invalid = patch(alice, error, {"status": "closed"})
    assert invalid.status_code == 422
    assert "status" in invalid.json()["error"]


def test_changes_are_all_or_nothing(alice: Any) -> None:
    error = ErrorGroupFactory()
    response = patch(alice, error, {"status": "resolved", "assignee": "nobody-such"})
    assert response.status_code == 422
    assert ErrorGroup.objects.get(pk=error.pk).status == Status.NEW
    assert not Activity.objects.exists()


def test_token_page_shows_a_working_token(bob: Any) -> None:
    client = Client()
    client.force_login(bob)
    response = client.get("/account/api-token/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    token = response.context["token"]
    assert (
        Client(headers={"Authorization": f"Bearer {token}"}).get("/api/errors/").status_code == 200
    )


def test_unknown_fields_are_refused_not_dropped(alice: Any) -> None:
    error = ErrorGroupFactory()
    response = patch(alice, error, {"status": "ignored", "ignore_for": "1h"})
    assert response.status_code == 400
    assert "ignore_for" in response.json()["error"]
    assert ErrorGroup.objects.get(pk=error.pk).status == Status.NEW
    assert not Activity.objects.exists()


def test_only_null_or_a_name_unassigns(alice: Any) -> None:
    error = ErrorGroupFactory(assignee=alice)
    for odd in (False, 0, [], {}):
        response = patch(alice, error, {"assignee": odd})
        assert response.status_code == 422, odd
    assert ErrorGroup.objects.get(pk=error.pk).assignee == alice


def test_a_login_that_upgrades_the_password_hash_keeps_tokens(alice: Any) -> None:
    """Django re-hashes at login when its hasher got stronger (each release raises PBKDF2's
    iterations); that is not a password change and must not revoke anything."""
    hasher = PBKDF2PasswordHasher()
    alice.password = hasher.encode("correct horse battery", hasher.salt(), iterations=1000)
    alice.save()
    token = make_token(alice)
    assert Client().login(username="alice", password="correct horse battery")
    alice.refresh_from_db()
    assert "$1000$" not in alice.password  # upgraded
    assert user_for(token) == alice


def test_the_admin_lists_keys_without_them_and_deleting_one_revokes(alice: Any, carol: Any) -> None:
    token = make_token(alice)
    key = ApiKey.objects.get(user=alice)
    admin = Client()
    admin.force_login(carol)
    page = admin.get(reverse("admin:errors_apikey_change", args=[alice.pk])).content.decode()
    assert "alice" in page and key.key not in page
    delete = reverse("admin:errors_apikey_delete", args=[alice.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    assert user_for(token) is None
