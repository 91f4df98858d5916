"""The way back: a log line's fingerprint leads to its error, a trace to the errors seen in it."""

import re
from typing import Any

import pytest

from tests.correlation.conftest import htmx, login
from tests.correlation.world import TRACE, occurrence_for, push_app
from tests.factories import ErrorGroupFactory
from tests.stubs.loki import LokiStub

pytestmark = pytest.mark.django_db


def test_a_line_with_a_fingerprint_links_to_its_error(
    bob: Any, source: Any, loki_stub: LokiStub
) -> None:
    push_app(loki_stub, count=2)
    error = ErrorGroupFactory(fingerprint="db_connection_timeout", source="app")
    occurrence_for(error)
    client = login(bob)
    html = htmx(client, f"/errors/{error.id}/logs/").content.decode()
    link = re.search(r'href="(/fingerprints/\?fingerprint=[^"]+)"', html)
    assert link is not None
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 302 and response["Location"] == f"/errors/{error.id}/"
    assert f'href="/traces/{TRACE}/"' in html


def test_an_unknown_fingerprint_says_there_is_no_such_error_yet(bob: Any) -> None:
    response = login(bob).get("/fingerprints/", {"fingerprint": "<b>never seen</b>"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "&lt;b&gt;never seen&lt;/b&gt;" in html and "<b>never" not in html


def test_a_fingerprint_postgresql_cannot_hold_is_unknown_not_a_server_error(bob: Any) -> None:
    ErrorGroupFactory(fingerprint="db_timeout")
    response = login(bob).get("/fingerprints/", {"fingerprint": "db_timeout\x00"})
    assert response.status_code == 404
