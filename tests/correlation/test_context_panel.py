"""The log context panel on the error page: lines, the error line, switches, load more, links."""

import json
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.utils import timezone

from tests.correlation.conftest import GRAFANA, htmx, login
from tests.correlation.world import APP, T0, TRACE, occurrence_for, push_app, push_worker
from tests.factories import ErrorGroupFactory
from tests.stubs.loki import LokiStub

pytestmark = pytest.mark.django_db


@pytest.fixture
def error(source: Any) -> Any:
    error = ErrorGroupFactory(fingerprint="db_connection_timeout", source="app")
    occurrence_for(error)
    return error


def panel(who: Any, error: Any, *, tz: str = "", **params: Any) -> str:
    response = htmx(login(who, tz=tz), f"/errors/{error.id}/logs/", **params)
    assert response.status_code == 200
    return str(response.content.decode())


def rows(html: str) -> list[str]:
    return re.findall(r'<div class="ll [^"]*" data-ts="(\d+)"', html)


def test_the_panel_shows_the_stream_around_the_error_with_the_error_line_marked(
    bob: Any, error: Any, loki_stub: LokiStub
) -> None:
    everything = push_app(loki_stub)
    html = panel(bob, error)
    assert 'id="log-context"' in html and "correlation.css" in html
    shown = [int(ts) for ts in rows(html)]
    anchor = max(i for i, line in enumerate(everything) if line.ts == T0)
    assert shown == [line.ts for line in everything[anchor - 49 : anchor + 51]]
    hit = re.findall(r'<div class="ll lv-(\w+) hit" data-ts="(\d+)"', html)
    assert hit == [("error", str(T0))], "only the error line itself, not its ns neighbours"
    assert "Live from Loki" in html
    assert '<code id="ctx-logql">{env=&quot;dev&quot;, job=&quot;fraiseql-app&quot;}</code>' in html
    assert re.search(r"Loki scanned [\d.]+\s\w+, \d+ lines", html)
    assert "lv-info" in html and "lv-warning" in html


def test_json_lines_expand_and_link_back_to_their_error_and_trace(
    bob: Any, error: Any, loki_stub: LokiStub
) -> None:
    push_app(loki_stub, count=3)
    html = panel(bob, error)
    assert '<details class="ll-json">' in html
    assert "&quot;exception_type&quot;: &quot;DatabaseConnectionError&quot;" in html
    assert "/fingerprints/?fingerprint=db_connection_timeout" in html
    assert f"/traces/{TRACE}/" in html


def test_times_are_in_the_readers_zone_to_the_nanosecond(
    bob: Any, error: Any, loki_stub: LokiStub
) -> None:
    push_app(loki_stub, count=1)
    html = panel(bob, error, tz="Asia/Kolkata")
    assert "Asia/Kolkata" in html
    assert 'title="2026-11-27 23:49:24.260029086 IST"' in html
    assert ">23:49:24.260</time>" in html
    assert "UTC" in panel(bob, error, tz="Not/AZone")


def test_switches_change_the_query_and_the_lines(bob: Any, error: Any, loki_stub: LokiStub) -> None:
    push_app(loki_stub, count=20)
    push_worker(loki_stub)
    html = panel(bob, error, trace="on")
    assert f"{{job=~&quot;fraiseql-.+&quot;}} |= &quot;{TRACE}&quot;" in html
    assert len(rows(html)) == 3
    html = panel(bob, error, user="on", tenant="on")
    assert "|= &quot;user_1011&quot; |= &quot;tenant_456&quot;" in html
    assert len(rows(html)) == 1


def test_the_window_bounds_the_lines(bob: Any, error: Any, loki_stub: LokiStub) -> None:
    everything = push_app(loki_stub)
    html = panel(bob, error, window="15s", lines=200)
    inside = [line.ts for line in everything if -15 * 10**9 <= line.ts - T0 < 15 * 10**9]
    assert [int(ts) for ts in rows(html)] == inside
    assert "Start of the ± 15s window" in html and "End of the ± 15s window" in html


def test_load_more_continues_where_the_panel_stopped(
    bob: Any, error: Any, loki_stub: LokiStub
) -> None:
    everything = push_app(loki_stub)
    client = login(bob)
    html = htmx(client, f"/errors/{error.id}/logs/", lines=25).content.decode()
    shown = rows(html)
    more = re.search(r'hx-get="([^"]*side=before[^"]*)"', html)
    assert more is not None
    earlier = htmx(client, more.group(1).replace("&amp;", "&")).content.decode()
    before = rows(earlier)
    assert len(before) == 25 and earlier.index('id="ctx-more-before"') < earlier.index('class="ll')
    stamps = [int(ts) for ts in before + shown]
    first = next(i for i, line in enumerate(everything) if line.ts == stamps[0])
    assert stamps == [line.ts for line in everything[first : first + 75]]
    later = re.search(r'hx-get="([^"]*side=after[^"]*)"', html)
    assert later is not None
    after = htmx(client, later.group(1).replace("&amp;", "&")).content.decode()
    assert len(rows(after)) == 25 and after.index('id="ctx-more-after"') > after.rindex('class="ll')


def test_a_chosen_occurrence_is_the_anchor(bob: Any, error: Any, loki_stub: LokiStub) -> None:
    everything = push_app(loki_stub)
    later = everything[-10]
    chosen = occurrence_for(error, timestamp_ns=later.ts, stream_labels=dict(later.labels))
    html = panel(bob, error, occurrence=chosen.pk, lines=25)
    assert f'<option value="{chosen.pk}" selected>' in html
    assert re.search(rf'class="ll lv-\w+ hit" data-ts="{later.ts}"', html)


def test_explore_link_reproduces_the_panels_query_and_range(
    bob: Any, error: Any, loki_stub: LokiStub
) -> None:
    push_app(loki_stub, count=2)
    html = panel(bob, error, window="1m")
    link = re.search(r'href="(http://grafana\.example/explore\?[^"]+)"', html)
    assert link is not None
    params = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    pane = json.loads(unquote(params["panes"][0]))["a"]
    assert pane["queries"][0]["expr"] == '{env="dev", job="fraiseql-app"}'
    assert pane["range"] == {
        "from": str((T0 - 60 * 10**9) // 10**6),
        "to": str(-(-(T0 + 60 * 10**9) // 10**6)),
    }
    assert link.group(1).startswith(GRAFANA)


def test_without_occurrences_the_panel_reads_around_the_last_sighting(
    bob: Any, source: Any, loki_stub: LokiStub
) -> None:
    push_app(loki_stub, count=4)
    seen = timezone.datetime.fromtimestamp(T0 / 1e9, tz=timezone.UTC)
    error = ErrorGroupFactory(source="app", last_seen_at=seen, last_trace_id=TRACE)
    html = panel(bob, error)
    assert "No occurrence stored" in html
    assert "{job=~&quot;fraiseql-.+&quot;}" in html
    assert len(rows(html)) == 11
    assert APP["job"] in html


def test_the_panel_costs_a_fixed_number_of_queries(
    bob: Any, error: Any, loki_stub: LokiStub, django_assert_max_num_queries: Any
) -> None:
    push_app(loki_stub, count=30)
    for n in range(1, 30):
        occurrence_for(error, timestamp_ns=T0 - n * 10**9)
    client = login(bob)
    htmx(client, f"/errors/{error.id}/logs/")
    with django_assert_max_num_queries(8):
        html = htmx(client, f"/errors/{error.id}/logs/", lines=100).content.decode()
    assert html.count('class="ll ') == 63
