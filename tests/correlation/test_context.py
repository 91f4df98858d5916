"""logs.context on the stub Loki: the right lines in order, across pages and shared nanoseconds."""

import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from logs import context
from logs.context import (
    Cursor,
    GrafanaLoki,
    context_query,
    explore_logs_url,
    read_context,
    read_side,
)
from logs.logql import Selector
from logs.loki import LokiClient, LokiSource
from logs.loki_types import LogLine
from tests.correlation.conftest import LOKI_FAST
from tests.correlation.world import APP, MS, SPAN, T0, TRACE, Line, push_app, push_worker
from tests.stubs.loki import LokiStub

WINDOW = 300 * 1_000_000_000
RANGE = "/loki/api/v1/query_range"


@pytest.fixture
def client(loki_stub: LokiStub) -> Iterator[LokiClient]:
    with LokiClient(LokiSource(loki_stub.url), LOKI_FAST) as client:
        yield client


def seen(lines: list[LogLine]) -> list[tuple[int, str]]:
    return [(line.ts, line.line) for line in lines]


def expected(lines: list[Line]) -> list[tuple[int, str]]:
    return [(line.ts, line.text) for line in lines]


def test_the_query_is_the_stream_without_levels_in_fast_order() -> None:
    query = context_query(APP | {"level": "error", "detected_level": "error"}, texts=["user_1"])
    assert str(query) == '{job="fraiseql-app", env="dev"} |= "user_1"'
    base = Selector.parse('{job=~"fraiseql-.+", level="error"}')
    traced = context_query(APP, base=base, trace_id=TRACE, texts=["tenant_456"])
    assert str(traced) == f'{{job=~"fraiseql-.+"}} |= "{TRACE}" |= "tenant_456"'


def test_lines_around_the_anchor_in_order_across_pages_and_equal_nanoseconds(
    loki_stub: LokiStub, client: LokiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = push_app(loki_stub)
    monkeypatch.setattr(context, "PAGE_LIMIT", 7)
    found = read_context(
        client, context_query(APP | {"level": "error"}), anchor_ns=T0, window_ns=WINDOW,
        before=40, after=40,
    )  # fmt: skip
    anchor = max(i for i, line in enumerate(everything) if line.ts == T0)
    assert seen(found.lines) == expected(everything[anchor - 39 : anchor + 41])
    assert len(loki_stub.requests_to(RANGE)) > 10, "40 lines a side in pages of 7"
    assert [line.ts for line in found.lines].count(T0) == 3
    assert found.query == '{job="fraiseql-app", env="dev"}'
    assert found.bytes_processed > 0 and found.lines_processed >= 80


def test_load_more_either_way_neither_repeats_nor_loses_a_line(
    loki_stub: LokiStub, client: LokiClient
) -> None:
    everything = push_app(loki_stub)
    query = str(context_query(APP))
    first = read_context(client, query, anchor_ns=T0, window_ns=WINDOW, before=5, after=5)
    lines, before, after = list(first.lines), first.before, first.after
    while before is not None:
        side = read_side(client, query, start_ns=T0 - WINDOW, end_ns=T0 + 1,
                         direction="backward", limit=4, after=before)  # fmt: skip
        lines, before = side.lines + lines, side.cursor
    while after is not None:
        side = read_side(client, query, start_ns=T0 + 1, end_ns=T0 + WINDOW,
                         direction="forward", limit=4, after=after)  # fmt: skip
        lines, after = lines + side.lines, side.cursor
    assert sorted(seen(lines)) == sorted(expected(everything))
    assert len(lines) == len(everything), "no line twice"
    assert [line.ts for line in lines] == sorted(line.ts for line in lines)


def test_a_cursor_at_a_crowded_nanosecond_skips_only_what_was_shown(
    loki_stub: LokiStub, client: LokiClient
) -> None:
    crowd = [(T0, f"crowd {n}") for n in range(9)]
    loki_stub.push(APP | {"level": "info"}, crowd)
    loki_stub.push(APP | {"level": "info"}, [(T0 - MS, "before the crowd")])
    query = str(context_query(APP))
    side = read_side(client, query, start_ns=T0 - WINDOW, end_ns=T0 + 1,
                     direction="backward", limit=4)  # fmt: skip
    assert side.cursor is not None and side.cursor.ts == T0 and len(side.cursor.seen) == 4
    again = Cursor.parse(str(side.cursor))
    rest = read_side(client, query, start_ns=T0 - WINDOW, end_ns=T0 + 1,
                     direction="backward", limit=10, after=again)  # fmt: skip
    shown = {line.line for line in side.lines + rest.lines}
    assert shown == {text for _, text in crowd} | {"before the crowd"}
    assert rest.cursor is None


def test_same_trace_reads_every_stream_of_the_source(
    loki_stub: LokiStub, client: LokiClient
) -> None:
    push_app(loki_stub)
    worker = push_worker(loki_stub)
    base = Selector.parse('{job=~"fraiseql-.+"}')
    query = context_query(APP | {"level": "error"}, base=base, trace_id=TRACE)
    found = read_context(client, query, anchor_ns=T0, window_ns=WINDOW)
    jobs = [line.labels["job"] for line in found.lines]
    assert jobs == ["fraiseql-worker", "fraiseql-app", "fraiseql-worker"]
    assert found.lines[1].ts == T0 and SPAN in found.lines[1].line
    assert worker[2].text not in {line.line for line in found.lines}


def test_the_two_sides_are_asked_at_once(loki_stub: LokiStub, client: LokiClient) -> None:
    everything = push_app(loki_stub, count=10)
    loki_stub.delay = 0.4
    started = time.perf_counter()
    found = read_context(client, str(context_query(APP)), anchor_ns=T0, window_ns=WINDOW)
    took = time.perf_counter() - started
    assert seen(found.lines) == expected(everything)
    assert len(loki_stub.requests_to(RANGE)) == 2
    assert took < 0.75, f"one after the other would take 0.8 s, took {took:.2f} s"


def test_explore_link_decodes_to_the_same_query_and_range() -> None:
    grafana = GrafanaLoki("https://grafana.example/", "loki-uid", org_id=3)
    query = '{job="fraiseql-app", env="dev"} |= "user \\"quoted\\" & más"'
    url = explore_logs_url(grafana, query, start_ns=T0 - WINDOW, end_ns=T0 + WINDOW + 1)
    parts = urlsplit(url)
    assert parts.netloc == "grafana.example" and parts.path == "/explore"
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert params["schemaVersion"] == "1" and params["orgId"] == "3"
    pane = json.loads(params["panes"])["a"]
    assert pane["datasource"] == "loki-uid"
    assert pane["queries"] == [
        {"refId": "A", "expr": query, "datasource": {"type": "loki", "uid": "loki-uid"}}
    ]
    start_ms, end_ms = int(pane["range"]["from"]), int(pane["range"]["to"])
    assert start_ms * MS <= T0 - WINDOW < (start_ms + 1) * MS
    assert (end_ms - 1) * MS < T0 + WINDOW + 1 <= end_ms * MS
