"""The log explorer: builder-checked queries, results page by page, and a live tail that stops."""

import re
import time
from typing import Any

import pytest

from errors.correlation import results
from tests.correlation.conftest import htmx, login
from tests.correlation.world import APP, MS, T0, S, push_app
from tests.stubs.loki import LokiStub

pytestmark = pytest.mark.django_db
RANGE = {"source": "app", "start": T0 - 60 * S, "end": T0 + 60 * S}


def page(who: Any, **params: Any) -> str:
    response = login(who).get("/logs/", params)
    assert response.status_code == 200
    return str(response.content.decode())


def stamps(html: str) -> list[int]:
    return [int(ts) for ts in re.findall(r'class="ll [^"]*" data-ts="(\d+)"', html)]


def test_a_query_built_from_selector_and_text_filters(
    bob: Any, source: Any, loki_stub: LokiStub
) -> None:
    everything = push_app(loki_stub)
    html = page(bob, **RANGE, selector='{job="fraiseql-app", level="warn"}', contains="request",
                excludes="request 10")  # fmt: skip
    assert (
        "{job=&quot;fraiseql-app&quot;, level=&quot;warn&quot;} |= &quot;request&quot; "
        "!= &quot;request 10&quot;"
    ) in html
    warn = [line.ts for line in everything if dict(line.labels)["level"] == "warn"]
    shown = stamps(html)
    assert shown == sorted(shown, reverse=True) and len(shown) == len(warn) - 3


def test_the_builder_refuses_a_selector_for_every_stream(bob: Any, source: Any) -> None:
    html = page(bob, **RANGE, selector='{job=~".*"}')
    assert "selects every stream" in html and 'class="ll ' not in html


def test_results_page_by_page_without_repeats(bob: Any, source: Any, loki_stub: LokiStub) -> None:
    everything = push_app(loki_stub)
    client = login(bob)
    html = client.get("/logs/", RANGE).content.decode()
    seen = stamps(html)
    while (older := re.search(r'hx-get="([^"]*cursor=[^"]*)"', html)) is not None:
        html = htmx(client, older.group(1).replace("&amp;", "&")).content.decode()
        seen += stamps(html)
    assert "Start of the range" in html
    assert sorted(seen) == sorted(line.ts for line in everything)
    assert len(seen) == len(everything)


def test_older_lines_are_a_plain_link_without_javascript(
    bob: Any, source: Any, loki_stub: LokiStub
) -> None:
    push_app(loki_stub)
    client = login(bob)
    html = client.get("/logs/", RANGE).content.decode()
    older = re.search(r'<a [^>]*href="([^"]*cursor=[^"]*)"[^>]*>Older lines</a>', html)
    assert older is not None
    response = client.get(older.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and "<html" in response.content.decode()
    assert max(stamps(response.content.decode())) < min(stamps(html))


def test_raw_logql_rejected_by_loki_shows_its_message(
    carol: Any, source: Any, loki_stub: LokiStub
) -> None:
    html = page(carol, **RANGE, logql='{job="fraiseql-app"} | json | level="error"')
    assert "Loki rejected the query." in html
    assert "stub Loki supports only selectors and line filters" in html


def test_raw_logql_must_start_with_a_selector(carol: Any, source: Any) -> None:
    html = page(carol, **RANGE, logql='sum(count_over_time({job="x"}[5m]))')
    assert "start with a stream selector" in html
    html = page(carol, **RANGE, logql='{job="}x"')
    assert "closing" in html or "unterminated" in html


@pytest.mark.parametrize(
    "odd",
    [{"start": 1, "end": 10**22}, {"until": "0001-01-01T00:05"}],
    ids=["end-past-year-9999", "until-in-year-1"],
)
def test_a_range_no_date_can_hold_is_refused(bob: Any, source: Any, odd: dict[str, Any]) -> None:
    html = page(bob, source="app", **odd)
    assert "Check the highlighted fields." in html and 'class="ll ' not in html


def test_no_loki_source_says_how_to_connect(bob: Any, db: None) -> None:
    assert "LOKI_URL" in page(bob)


def test_the_live_tail_appends_new_lines_and_stops(
    bob: Any, source: Any, loki_stub: LokiStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results, "TAIL_DELAY_NS", 0)
    client = login(bob)
    query = {"source": "app", "selector": '{job="fraiseql-app"}'}
    now = time.time_ns()
    loki_stub.push(APP | {"level": "info"}, [(now - 5 * S, "already there")])
    start = htmx(client, "/logs/tail/", "tail-area", **query).content.decode()
    assert 'id="tail-rows"' in start and "already there" in start
    poller = re.search(r'<div id="tail-poller"[^>]* hx-get="([^"]+)" hx-trigger="every 2s"', start)
    assert poller is not None
    loki_stub.push(APP | {"level": "info"}, [(time.time_ns() - MS, f"new {n}") for n in range(3)])
    tick = htmx(client, poller.group(1).replace("&amp;", "&"), "tail-poller")
    html = tick.content.decode()
    assert tick.status_code == 200 and 'hx-swap-oob="beforeend"' in html
    assert [text for text in ("new 0", "new 1", "new 2") if text in html] == [
        "new 0",
        "new 1",
        "new 2",
    ]
    assert "already there" not in html
    nothing = re.search(r'hx-get="([^"]+)" hx-trigger', html)
    assert nothing is not None
    quiet = htmx(client, nothing.group(1).replace("&amp;", "&"), "tail-poller").content.decode()
    assert 'class="ll ' not in quiet
    stopped = htmx(client, "/logs/tail/", "tail-poller", **query, stop="1")
    assert stopped.status_code == 286 and "Stopped." in stopped.content.decode()


def test_the_tail_ends_by_itself(bob: Any, source: Any) -> None:
    query = {"source": "app", "selector": '{job="fraiseql-app"}', "tail": "1", "deadline": "5"}
    response = htmx(login(bob), "/logs/tail/", "tail-poller", **query)
    assert response.status_code == 286
    assert "Stopped after 5 minutes." in response.content.decode()
    assert "hx-trigger" not in response.content.decode()


def test_a_tail_deadline_in_other_digits_is_ignored(bob: Any, source: Any) -> None:
    """`²` passes str.isdigit() but not int(): the tail starts with its own deadline."""
    query = {"source": "app", "deadline": "²"}
    response = htmx(login(bob), "/logs/tail/", "tail-area", **query)
    assert response.status_code == 200 and 'id="tail-poller"' in response.content.decode()


def test_the_tail_is_bounded_per_tick(bob: Any, source: Any, loki_stub: LokiStub) -> None:
    now = time.time_ns() - 5 * S
    loki_stub.push(APP | {"level": "info"}, [(now + n, f"flood {n}") for n in range(300)])
    start = htmx(login(bob), "/logs/tail/", "tail-area", source="app").content.decode()
    assert start.count('class="ll ') == results.TAIL_LINES
    assert "more lines arrive than the tail shows" in start
