"""Every way Loki or Tempo can fail gives a plain panel message and a retry; the page still works.

One test per failure, each through the stub servers (or a port nobody listens on).
"""

import re
import socket
from typing import Any

import pytest
from django.utils import timezone

from tests.correlation.conftest import htmx, login
from tests.correlation.world import TRACE, occurrence_for, push_app
from tests.factories import ErrorGroupFactory
from tests.stubs.loki import LokiStub
from tests.stubs.server import Reply
from tests.stubs.tempo import MISSING_TRACE_ID, TempoStub

pytestmark = pytest.mark.django_db


@pytest.fixture
def error(source: Any) -> Any:
    error = ErrorGroupFactory(fingerprint="db_connection_timeout", source="app")
    occurrence_for(error)
    return error


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def log_panel(who: Any, error: Any) -> str:
    response = htmx(login(who), f"/errors/{error.id}/logs/")
    assert response.status_code == 200
    return str(response.content.decode())


def trace_panel(who: Any, error: Any) -> str:
    response = htmx(login(who), f"/errors/{error.id}/trace/")
    assert response.status_code == 200
    return str(response.content.decode())


def assert_plain_failure(html: str, title: str, target: str = "#log-context") -> None:
    assert 'class="problem" role="alert"' in html
    assert title in html
    assert re.search(rf'hx-target="{target}"[^>]*>Retry</button>', html), "a retry button"
    assert "Traceback" not in html


def test_loki_down(bob: Any, error: Any, source: Any) -> None:
    source.url = closed_port()
    source.save()
    html = log_panel(bob, error)
    assert_plain_failure(html, "Loki cannot be reached right now.")
    assert login(bob).get(f"/errors/{error.id}/").status_code == 200, "the rest of the page"


def test_loki_slow_past_the_timeout(bob: Any, error: Any, loki_stub: LokiStub) -> None:
    loki_stub.delay = 2.5
    html = log_panel(bob, error)
    assert_plain_failure(html, "Loki did not answer in time.")


def test_loki_answers_5xx(bob: Any, error: Any, loki_stub: LokiStub) -> None:
    loki_stub.fail_next(500, "rpc error: code = Internal desc = chunk not found", times=20)
    html = log_panel(bob, error)
    assert_plain_failure(html, "Loki failed while answering.")
    assert "HTTP 500: rpc error: code = Internal desc = chunk not found" in html


def test_loki_answers_4xx(bob: Any, error: Any, loki_stub: LokiStub) -> None:
    loki_stub.fail_next(401, "no org id\n", times=4)
    html = log_panel(bob, error)
    assert_plain_failure(html, "Loki refused the console&#x27;s credentials or tenant.")
    assert "HTTP 401: no org id" in html


def test_loki_rejects_the_query_with_its_own_message(
    bob: Any, error: Any, loki_stub: LokiStub
) -> None:
    message = "parse error at line 1, col 21: syntax error: unexpected |, expecting } or ,"
    loki_stub.fail_next(400, message, times=2)
    html = log_panel(bob, error)
    assert_plain_failure(html, "Loki rejected the query.")
    assert "parse error at line 1, col 21: syntax error: unexpected |, expecting } or ," in html


def test_loki_answer_that_is_not_utf8(bob: Any, error: Any, loki_stub: LokiStub) -> None:
    body = b'{"status":"success","data":{"resultType":"streams","result":[{"stream":{"job":"x"},'
    body += b'"values":[["1795803564260029086","bad \xff\xfe bytes"]]}]}}'
    loki_stub.route("GET", "/loki/api/v1/query_range", Reply(200, body))
    html = log_panel(bob, error)
    assert_plain_failure(html, "Loki answered something the console cannot read.")
    assert "utf-8" in html


def test_retry_after_a_failure_shows_the_lines(bob: Any, error: Any, loki_stub: LokiStub) -> None:
    push_app(loki_stub, count=3)
    loki_stub.delay = 2.5
    html = log_panel(bob, error)
    retry = re.search(r'hx-get="([^"]+)" hx-target="#log-context"[^>]*>Retry', html)
    assert retry is not None
    loki_stub.delay = 0
    again = htmx(login(bob), retry.group(1).replace("&amp;", "&"), "log-context")
    assert again.content.decode().count('class="ll ') == 9


def test_loki_not_configured_says_how_to_connect(bob: Any, db: None) -> None:
    error = ErrorGroupFactory(source="")
    html = log_panel(bob, error)
    assert "Loki is not connected." in html and "LOKI_URL" in html
    assert 'class="problem"' not in html
    assert login(bob).get(f"/errors/{error.id}/").status_code == 200


def test_sql_error_without_a_stream_says_so(bob: Any, source: Any) -> None:
    html = log_panel(bob, ErrorGroupFactory(source=""))
    assert "No Loki stream is known for this error." in html and "wrote it with SQL" in html


def test_tempo_not_configured_says_how_to_connect(bob: Any, error: Any) -> None:
    html = trace_panel(bob, error)
    assert "Tempo is not connected." in html and "TEMPO_URL" in html


def test_tempo_down(bob: Any, error: Any, settings: Any) -> None:
    settings.TEMPO_URL = closed_port()
    html = trace_panel(bob, error)
    assert_plain_failure(html, "Tempo cannot be reached right now.", "#trace-panel")


def test_tempo_slow_past_the_timeout(bob: Any, error: Any, tempo: TempoStub) -> None:
    tempo.delay = 2.0
    html = trace_panel(bob, error)
    assert_plain_failure(html, "Tempo did not answer in time.", "#trace-panel")


def test_tempo_answers_5xx(bob: Any, error: Any, tempo: TempoStub) -> None:
    tempo.fail(500, times=4, body="failed to get trace: block not found")
    html = trace_panel(bob, error)
    assert_plain_failure(html, "Tempo failed while answering.", "#trace-panel")
    assert "block not found" in html


def test_tempo_answers_4xx(bob: Any, error: Any, tempo: TempoStub) -> None:
    tempo.required_headers = {"X-Scope-OrgID": "team-a"}
    html = trace_panel(bob, error)
    assert_plain_failure(
        html, "Tempo refused the console&#x27;s credentials or tenant.", "#trace-panel"
    )
    assert "no org id" in html


@pytest.mark.parametrize("v2", [True, False], ids=["v2-200-empty", "v1-404"])
def test_trace_not_found_says_not_yet_or_no_longer(
    v2: bool, bob: Any, source: Any, tempo: TempoStub
) -> None:
    tempo.v2_available = v2
    error = ErrorGroupFactory(source="app")
    occurrence_for(error, trace_id=MISSING_TRACE_ID)
    html = trace_panel(bob, error)
    assert "This trace is not in Tempo any longer." in html, "seen long ago"
    assert "Retry</button>" in html and "Open in Grafana" not in html
    fresh = ErrorGroupFactory(source="app")
    occurrence_for(fresh, trace_id=MISSING_TRACE_ID, timestamp=timezone.now())
    assert "This trace is not in Tempo yet." in trace_panel(bob, fresh)


def test_a_trace_id_that_is_not_one(bob: Any, source: Any, tempo: TempoStub) -> None:
    error = ErrorGroupFactory(source="app")
    occurrence_for(error, trace_id="not-a-trace")
    html = trace_panel(bob, error)
    assert_plain_failure(html, "That is not a trace id.", "#trace-panel")
    assert tempo.requests == []


def test_trace_panel_works_while_loki_is_down(
    bob: Any, error: Any, source: Any, tempo: TempoStub
) -> None:
    source.url = closed_port()
    source.save()
    assert "Loki cannot be reached" in log_panel(bob, error)
    assert f"{TRACE[:12]}" in trace_panel(bob, error) and "wf-row" in trace_panel(bob, error)
