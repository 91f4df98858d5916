"""Who may do what: everyone signed in with a role reads; triagers save; admins run raw LogQL."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from errors.models import SavedContext
from tests.correlation.conftest import htmx, login
from tests.correlation.world import T0, S, occurrence_for, push_app
from tests.factories import ErrorGroupFactory
from tests.stubs.loki import LokiStub
from tests.stubs.tempo import ERROR_TRACE_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def error(source: Any, loki_stub: LokiStub) -> Any:
    push_app(loki_stub, count=3)
    error = ErrorGroupFactory(source="app")
    occurrence_for(error)
    return error


def urls(error: Any) -> list[str]:
    return [
        f"/errors/{error.id}/context/",
        f"/errors/{error.id}/context/more/?side=before&cursor=1",
        f"/errors/{error.id}/trace-panel/",
        f"/traces/{ERROR_TRACE_ID}/",
        f"/traces/{ERROR_TRACE_ID}/spans/e8c4bf144d333495/logs/?start=1&end=2",
        "/logs/",
        "/logs/tail/",
        "/fingerprints/?fingerprint=x",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, error: Any) -> None:
    for url in urls(error):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert client.post(f"/errors/{error.id}/context/save/").status_code == 302


def test_a_user_without_a_role_may_not_read(error: Any) -> None:
    nobody = login(User.objects.create_user("nobody", password="pw"))
    for url in urls(error):
        assert nobody.get(url).status_code == 403, url


def test_a_viewer_reads_everything_but_may_not_save(bob: Any, error: Any) -> None:
    viewer = login(bob)
    for url in urls(error):
        assert viewer.get(url).status_code in (200, 286, 400, 404), url
    panel = htmx(viewer, f"/errors/{error.id}/context/").content.decode()
    assert "Save these lines" not in panel
    assert viewer.post(f"/errors/{error.id}/context/save/").status_code == 403
    assert not SavedContext.objects.exists()


def test_a_triager_saves_with_a_csrf_token_only(alice: Any, error: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(f"/errors/{error.id}/context/save/").status_code == 403
    page = strict.get(f"/errors/{error.id}/context/")
    token = page.cookies["csrftoken"].value
    response = strict.post(f"/errors/{error.id}/context/save/", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and SavedContext.objects.count() == 1


def test_saving_needs_post(alice: Any, error: Any) -> None:
    assert login(alice).get(f"/errors/{error.id}/context/save/").status_code == 405


def test_only_admins_run_raw_logql(alice: Any, bob: Any, carol: Any, error: Any) -> None:
    raw = {"source": "app", "logql": '{job="fraiseql-app"} |= "request"'}
    raw |= {"start": str(T0 - 60 * S), "end": str(T0 + 60 * S)}
    for user in (alice, bob):
        assert login(user).get("/logs/", raw).status_code == 403
        assert login(user).get("/logs/tail/", raw).status_code == 403
        assert "Raw LogQL" not in login(user).get("/logs/").content.decode()
    page = login(carol).get("/logs/", raw)
    assert page.status_code == 200 and "Raw LogQL" in page.content.decode()
    assert page.content.decode().count('class="ll ') == 7
