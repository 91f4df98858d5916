"""The error stream: roles, tabs, filters, search, sorting, keyset pages, fragments, queries."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from errors import stats
from errors.models import Status
from tests.factories import ErrorGroupFactory, HourlyCountFactory
from tests.web import client_for

pytestmark = pytest.mark.django_db


def titles(response: Any) -> list[str]:
    return [row.error.message for row in response.context["rows"]]


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_user_without_a_role_is_refused() -> None:
    nobody = User.objects.create_user("nobody", password="pw")
    assert client_for(nobody).get("/").status_code == 403
    assert client_for(nobody).get("/errors/counts/").status_code == 403


def test_viewer_sees_errors_but_no_controls(bob: Any) -> None:
    ErrorGroupFactory(message="Database connection failed")
    response = client_for(bob).get("/")
    assert response.status_code == 200
    assert titles(response) == ["Database connection failed"]
    html = response.content.decode()
    assert 'name="ids"' not in html
    assert 'value="resolved"' not in html


def test_triager_gets_selection_and_bulk_actions(alice: Any) -> None:
    error = ErrorGroupFactory()
    html = client_for(alice).get("/").content.decode()
    assert f'name="ids" value="{error.id}"' in html
    assert 'name="action" value="resolved"' in html


@pytest.mark.parametrize(
    ("status", "regressions", "tab"),
    [
        (Status.NEW, 0, "new"),
        (Status.INVESTIGATING, 0, "investigating"),
        (Status.RESOLVED, 0, "resolved"),
        (Status.IGNORED, 0, "ignored"),
        (Status.NEW, 2, "regressed"),
    ],
)
def test_tabs_select_by_status(bob: Any, status: str, regressions: int, tab: str) -> None:
    ErrorGroupFactory(message="wanted", status=status, regression_count=regressions)
    ErrorGroupFactory(message="other", status=Status.RESOLVED if tab != "resolved" else Status.NEW)
    assert titles(client_for(bob).get("/", {"status": tab})) == ["wanted"]


def test_unresolved_is_the_default_tab(bob: Any) -> None:
    ErrorGroupFactory(message="open", status=Status.INVESTIGATING)
    ErrorGroupFactory(message="done", status=Status.RESOLVED)
    assert titles(client_for(bob).get("/")) == ["open"]
    assert sorted(titles(client_for(bob).get("/", {"status": "all"}))) == ["done", "open"]


def test_filter_bar(alice: Any, bob: Any) -> None:
    now = timezone.now()
    ErrorGroupFactory(message="api prod", service="api", environment="prod", assignee=alice)
    ErrorGroupFactory(message="worker dev", service="worker", environment="dev", level="warning")
    ErrorGroupFactory(message="old", service="api", last_seen_at=now - timedelta(days=3))
    client = client_for(alice)
    assert titles(client.get("/", {"service": "api", "env": "prod"})) == ["api prod"]
    assert titles(client.get("/", {"assigned": "me"})) == ["api prod"]
    assert titles(client.get("/", {"assigned": "alice"})) == ["api prod"]
    assert sorted(titles(client.get("/", {"assigned": "none"}))) == ["old", "worker dev"]
    assert titles(client.get("/", {"level": "warning"})) == ["worker dev"]
    assert sorted(titles(client.get("/", {"last": "-24h"}))) == ["api prod", "worker dev"]
    assert titles(client_for(bob).get("/", {"assigned": "me"})) == []


def test_assigned_me_and_none_ignore_case(alice: Any) -> None:
    ErrorGroupFactory(message="mine", assignee=alice)
    ErrorGroupFactory(message="nobody's")
    client = client_for(alice)
    assert titles(client.get("/", {"q": "assigned:Me"})) == ["mine"]
    assert titles(client.get("/", {"q": "assigned:NONE"})) == ["nobody's"]


def test_search_syntax_and_free_text(alice: Any) -> None:
    ErrorGroupFactory(message="Read timeout on payments", service="api", occurrence_count=500)
    ErrorGroupFactory(message="Read timeout on search", service="worker", occurrence_count=3)
    ErrorGroupFactory(message="KeyError id", fingerprint="checkout_key_error", service="api")
    client = client_for(alice)

    def search(q: str) -> list[str]:
        return sorted(titles(client.get("/", {"q": q})))

    assert search("timeout") == ["Read timeout on payments", "Read timeout on search"]
    assert search("TIMEOUT payments") == ["Read timeout on payments"]
    assert search("timeout !payments") == ["Read timeout on search"]
    assert search("service:api times:>100") == ["Read timeout on payments"]
    assert search("!service:api") == ["Read timeout on search"]
    assert search("service:[api,worker] checkout") == ["KeyError id"]
    assert search("on") == ["Read timeout on payments", "Read timeout on search"]
    assert search("100%") == []


def test_search_words_keep_their_punctuation(bob: Any) -> None:
    ErrorGroupFactory(message=r"I don't know, won't retry: app\config")
    ErrorGroupFactory(message="upstream service: down", service="worker")
    client = client_for(bob)
    assert titles(client.get("/", {"q": r"don't won't app\config"})) == [
        r"I don't know, won't retry: app\config"
    ]
    assert titles(client.get("/", {"q": '"service: down"'})) == ["upstream service: down"]


def test_short_punctuation_is_searched_not_ignored(bob: Any) -> None:
    ErrorGroupFactory(message="retry -> give up")
    ErrorGroupFactory(message="plain")
    client = client_for(bob)
    assert titles(client.get("/", {"q": "->"})) == ["retry -> give up"]
    assert titles(client.get("/", {"q": "!->"})) == ["plain"]


def test_search_problems_are_shown(bob: Any) -> None:
    ErrorGroupFactory(message="code:42 failed")
    response = client_for(bob).get("/", {"q": "code:42 is:nonsense"})
    html = response.content.decode()
    assert "code: is not a search key, searched as text" in html
    assert "is:nonsense is not a state" in html
    assert titles(response) == ["code:42 failed"]


def make_errors(count: int, **fields: Any) -> list[Any]:
    now = timezone.now()
    return [
        ErrorGroupFactory(
            message=f"error {n:03d}",
            last_seen_at=now - timedelta(minutes=n),
            first_seen_at=now - timedelta(days=1, minutes=count - n),
            occurrence_count=1000 - n,
            **fields,
        )
        for n in range(count)
    ]


def test_keyset_pages_forward_and_back(bob: Any) -> None:
    make_errors(55)
    client = client_for(bob)
    first = client.get("/", {"status": "all"})
    assert titles(first) == [f"error {n:03d}" for n in range(50)]
    assert first.context["page"].previous is None
    cursor = first.context["page"].next.encode()
    second = client.get("/", {"status": "all", "cursor": cursor})
    assert titles(second) == [f"error {n:03d}" for n in range(50, 55)]
    assert second.context["page"].next is None
    back = client.get("/", {"status": "all", "cursor": second.context["page"].previous.encode()})
    assert titles(back) == titles(first)


def test_keyset_handles_ties_on_the_sort_column(bob: Any) -> None:
    same = timezone.now()
    for n in range(60):
        ErrorGroupFactory(message=f"tie {n}", last_seen_at=same)
    client = client_for(bob)
    first = client.get("/")
    second = client.get("/", {"cursor": first.context["page"].next.encode()})
    seen = titles(first) + titles(second)
    assert len(seen) == 60
    assert len(set(seen)) == 60


def test_a_bad_cursor_shows_the_first_page(bob: Any) -> None:
    make_errors(3)
    assert len(titles(client_for(bob).get("/", {"cursor": "not-a-cursor"}))) == 3


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("last", "error 000"), ("first", "error 004"), ("count", "error 000")],
)
def test_sorts(bob: Any, sort: str, expected: str) -> None:
    make_errors(5)
    assert titles(client_for(bob).get("/", {"sort": sort}))[0] == expected


def test_sort_by_events_in_the_period_pages_too(bob: Any) -> None:
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    errors = make_errors(4)
    for n, error in enumerate(errors):
        HourlyCountFactory(error=error, hour=hour, count=10 * (n + 1))
    HourlyCountFactory(error=errors[0], hour=hour - timedelta(days=3), count=999)
    client = client_for(bob)
    page = client.get("/", {"sort": "window"})
    assert titles(page) == ["error 003", "error 002", "error 001", "error 000"]
    assert [row.period_events for row in page.context["rows"]] == [40, 30, 20, 10]
    fortnight = client.get("/", {"sort": "window", "period": "14d"})
    assert titles(fortnight)[0] == "error 000"


def test_events_in_14_days_are_the_ones_sorted_by(bob: Any) -> None:
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    burst = ErrorGroupFactory(message="burst a fortnight ago")
    HourlyCountFactory(error=burst, hour=hour - timedelta(days=13, hours=23), count=100)
    HourlyCountFactory(error=burst, hour=hour, count=1)
    HourlyCountFactory(error=ErrorGroupFactory(message="recent"), hour=hour, count=5)
    rows = client_for(bob).get("/", {"sort": "window", "period": "14d"}).context["rows"]
    assert [(row.error.message, row.period_events) for row in rows] == [
        ("recent", 5),
        ("burst a fortnight ago", 1),
    ]
    assert [row.error.window_count for row in rows] == [5, 1]


def test_sparklines_come_from_hourly_counts(bob: Any) -> None:
    error = ErrorGroupFactory()
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    HourlyCountFactory(error=error, hour=hour, count=7)
    HourlyCountFactory(error=error, hour=hour - timedelta(hours=5), count=3)
    row = client_for(bob).get("/").context["rows"][0]
    assert row.period_events == 10
    assert row.spark.count("<rect") == 2
    assert 'aria-label="10 events in 24h"' in row.spark


def test_htmx_gets_the_fragment_and_caches_vary(bob: Any) -> None:
    ErrorGroupFactory(message="fragment me")
    client = client_for(bob)
    full = client.get("/")
    fragment = client.get("/", headers={"HX-Request": "true", "HX-Target": "results"})
    assert b"<html" in full.content
    assert b"<html" not in fragment.content
    assert b'id="results"' in fragment.content
    assert b"fragment me" in fragment.content
    assert "HX-Request" in fragment["Vary"]


def test_tab_counts_are_capped(bob: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stats, "COUNT_CAP", 2)
    make_errors(4)
    ErrorGroupFactory(status=Status.RESOLVED)
    response = client_for(bob).get("/errors/counts/")
    counts = {tab.name: tab.count for tab in response.context["tabs"]}
    assert counts["unresolved"] == 3
    assert counts["resolved"] == 1
    assert counts["investigating"] == 0
    assert ">2k+<" not in response.content.decode()


def test_tab_counts_follow_the_filters(bob: Any) -> None:
    ErrorGroupFactory(service="api")
    ErrorGroupFactory(service="worker", status=Status.RESOLVED)
    response = client_for(bob).get("/errors/counts/", {"service": "api"})
    counts = {tab.name: tab.count for tab in response.context["tabs"]}
    assert counts == counts | {"unresolved": 1, "resolved": 0, "all": 1}


def test_tab_counts_for_a_count_no_error_can_reach(bob: Any) -> None:
    """`times:>5000000000` is past the integer column: nothing matches, and counts say so."""
    ErrorGroupFactory(occurrence_count=7)
    response = client_for(bob).get("/errors/counts/", {"q": "times:>5000000000"})
    assert response.status_code == 200
    counts = {tab.name: tab.count for tab in response.context["tabs"]}
    assert counts == dict.fromkeys(counts, 0)
    everything = client_for(bob).get("/errors/counts/", {"q": "times:<5000000000"})
    assert {tab.name: tab.count for tab in everything.context["tabs"]}["all"] == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_stream_queries_do_not_grow_with_rows(
    alice: Any, rows: int, django_assert_num_queries: Any
) -> None:
    for error in make_errors(rows, assignee=alice):
        HourlyCountFactory(error=error)
    client = client_for(alice)
    client.get("/")
    with django_assert_num_queries(6):
        response = client.get("/")
    assert len(response.context["rows"]) == rows
