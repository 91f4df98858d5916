"""The trace panel: a waterfall from every recorded Tempo trace, span logs, and the way back."""

import json
import re
from typing import Any

import pytest

from tests.correlation.conftest import htmx, login
from tests.correlation.world import APP, occurrence_for
from tests.factories import ErrorGroupFactory
from tests.stubs.loki import LokiStub
from tests.stubs.server import FIXTURES, Reply
from tests.stubs.tempo import ERROR_TRACE_ID, GRAPHQL_TRACE_ID, OK_TRACE_ID, TempoStub

pytestmark = pytest.mark.django_db

TRACE_FIXTURES = [
    ("tempo/trace_by_id_v1_error_trace.json", ERROR_TRACE_ID),
    ("tempo/trace_by_id_v2_error_trace.json", ERROR_TRACE_ID),
    ("tempo/trace_by_id_v2_with_time_range.json", ERROR_TRACE_ID),
    ("tempo/trace_by_id_v2_graphql_error_trace.json", GRAPHQL_TRACE_ID),
    ("tempo/trace_by_id_v1_success_trace.json", OK_TRACE_ID),
    ("tempo/trace_by_id_v1_no_accept_header.json", OK_TRACE_ID),
]
SENT = {
    t["trace_id"]: t
    for t in json.loads((FIXTURES / "tempo/otlp_traces_sent_summary.json").read_text())["traces"]
}
LINKED = "loki/query_range_linked_trace_db_error.json"


def trace_page(who: Any, trace_id: str, **params: Any) -> str:
    response = login(who).get(f"/traces/{trace_id}/", params)
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.parametrize(("fixture", "trace_id"), TRACE_FIXTURES)
def test_a_waterfall_from_each_recorded_trace(
    fixture: str, trace_id: str, bob: Any, tempo: TempoStub
) -> None:
    tempo.answer_next(Reply.from_fixture(fixture))
    html = trace_page(bob, trace_id)
    sent = SENT[trace_id]
    spans = re.findall(r'<div class="wf-row( err)?" role="row" data-span="([0-9a-f]{16})"', html)
    assert spans[0][1] == sent["root_span_id"]
    errors = [span for marked, span in spans if marked]
    if sent["status"] == "error":
        assert sent["error_span_id"] in errors
        assert f'<b class="lv-error">{len(errors)}</b> error span' in html
    else:
        assert errors == [] and "error span" not in html
    for service in sent["services"]:
        assert f">{service}</span>" in html
    bars = re.findall(r'style="--l: ([\d.]+)%; --w: ([\d.]+)%"', html)
    assert len(bars) == len(spans) and bars[0] == ("0.000", "100.000")
    assert all(float(left) + float(width) <= 100.001 for left, width in bars)
    assert html.count("Logs for this span</button>") == len(spans)
    assert "Open in Grafana ↗" in html


def test_error_spans_show_their_exception_events(bob: Any, tempo: TempoStub) -> None:
    html = trace_page(bob, ERROR_TRACE_ID)
    assert '<span class="exc-type">DatabaseConnectionError</span>' in html
    assert '<summary class="muted">stack trace</summary>' in html
    assert '<span class="err-mark" title="Error status">!</span>' in html


def test_links_to_grafana_and_tempos_own_ui(bob: Any, tempo: TempoStub, settings: Any) -> None:
    settings.TEMPO_UI_URL_TEMPLATE = "https://tempo.example/trace/{trace_id}?from={start_ms}"
    html = trace_page(bob, ERROR_TRACE_ID)
    assert f"https://tempo.example/trace/{ERROR_TRACE_ID}?from=1795803564" in html
    grafana = re.search(r'href="(http://grafana\.example/explore\?[^"]+)"', html)
    assert grafana is not None and "tempo-uid" in grafana.group(1)


def test_logs_for_this_span_find_the_linked_line(
    bob: Any, source: Any, tempo: TempoStub, loki_stub: LokiStub
) -> None:
    recorded = json.loads((FIXTURES / LINKED).read_text())["body"]["data"]["result"][0]
    ts, line = recorded["values"][0]
    loki_stub.push(APP | {"level": "error"}, [(int(ts), line)])
    loki_stub.push(APP | {"level": "info"}, [(int(ts) - 10**9 // 2, "unrelated line")])
    html = trace_page(bob, ERROR_TRACE_ID)
    error_span = SENT[ERROR_TRACE_ID]["error_span_id"]
    link = re.search(rf'hx-get="([^"]*/spans/{error_span}/logs/[^"]*)"', html)
    assert link is not None
    logs = htmx(login(bob), link.group(1).replace("&amp;", "&")).content.decode()
    assert logs.count('class="ll ') == 1 and "Database connection failed" in logs
    assert f"|= &quot;{ERROR_TRACE_ID}&quot; |= &quot;{error_span}&quot;" in logs
    root = SENT[ERROR_TRACE_ID]["root_span_id"]
    other = re.search(rf'hx-get="([^"]*/spans/{root}/logs/[^"]*)"', html)
    assert other is not None
    empty = htmx(login(bob), other.group(1).replace("&amp;", "&")).content.decode()
    assert "No log line carries this trace id and span id" in empty


def test_the_trace_lists_the_errors_seen_in_it(bob: Any, source: Any, tempo: TempoStub) -> None:
    error_span = SENT[ERROR_TRACE_ID]["error_span_id"]
    mine = ErrorGroupFactory(exception_type="DatabaseConnectionError", source="app")
    occurrence_for(mine, trace_id=ERROR_TRACE_ID, span_id=error_span)
    other = ErrorGroupFactory(exception_type="PoolTimeout", last_trace_id=ERROR_TRACE_ID)
    ErrorGroupFactory(exception_type="Unrelated")
    html = trace_page(bob, ERROR_TRACE_ID)
    listed = re.findall(r'<a href="/errors/([0-9a-f-]+)/"><span class="etype">', html)
    assert set(listed) == {str(mine.pk), str(other.pk)}
    assert 'Logged as <a href="/errors/' + str(mine.pk) in html
    panel = htmx(login(bob), f"/errors/{mine.pk}/trace/").content.decode()
    assert "this error</span>" in panel and "Full page</a>" in panel


def test_errors_are_listed_even_when_the_trace_is_gone(bob: Any, tempo: TempoStub) -> None:
    missing = "0123456789abcdef0123456789abcdef"
    error = ErrorGroupFactory(last_trace_id=missing)
    html = trace_page(bob, missing)
    assert "not (yet, or any longer) in Tempo" in html
    assert f"/errors/{error.pk}/" in html


def test_a_span_without_an_id_is_drawn_without_a_logs_button(bob: Any, tempo: TempoStub) -> None:
    body = json.loads((FIXTURES / "tempo/trace_by_id_v2_error_trace.json").read_text())["body"]
    (resource, *_) = body["trace"]["resourceSpans"]
    del resource["scopeSpans"][0]["spans"][0]["spanId"]
    tempo.answer_next(Reply(200, body))
    html = trace_page(bob, ERROR_TRACE_ID)
    assert html.count('class="wf-row') == 5
    assert html.count("Logs for this span</button>") == 4


def test_errors_logged_with_a_64_bit_id_are_found_by_its_padded_form(
    bob: Any, tempo: TempoStub
) -> None:
    short = "c64e5a22fac180d6"
    error = ErrorGroupFactory(exception_type="PoolTimeout", last_trace_id=short)
    occurrence_for(ErrorGroupFactory(exception_type="Logged"), trace_id=short)
    html = trace_page(bob, short)
    listed = re.findall(r'<a href="/errors/([0-9a-f-]+)/"><span class="etype">', html)
    assert len(listed) == 2 and str(error.pk) in listed
