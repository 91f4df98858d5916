"""The waterfall built from every recorded trace, and from traces with parts missing."""

from dataclasses import replace

import pytest

from tests.stubs.tempo import ERROR_TRACE_ID, GRAPHQL_TRACE_ID, OK_TRACE_ID
from tests.traces.recorded import recorded, recorded_trace
from traces.trace_model import SpanKind, Trace
from traces.waterfall import Waterfall, build_waterfall, span_log_window

TRACE_FIXTURES = [
    ("tempo/trace_by_id_v1_error_trace.json", ERROR_TRACE_ID),
    ("tempo/trace_by_id_v2_error_trace.json", ERROR_TRACE_ID),
    ("tempo/trace_by_id_v2_with_time_range.json", ERROR_TRACE_ID),
    ("tempo/trace_by_id_v2_graphql_error_trace.json", GRAPHQL_TRACE_ID),
    ("tempo/trace_by_id_v1_success_trace.json", OK_TRACE_ID),
    ("tempo/trace_by_id_v1_no_accept_header.json", OK_TRACE_ID),
]
SENT = {t["trace_id"]: t for t in recorded("tempo/otlp_traces_sent_summary.json")["traces"]}


def waterfall(name: str, trace_id: str) -> Waterfall:
    return build_waterfall(recorded_trace(name, trace_id))


@pytest.mark.parametrize(("name", "trace_id"), TRACE_FIXTURES)
def test_every_recorded_trace_matches_what_was_sent(name: str, trace_id: str) -> None:
    result = waterfall(name, trace_id)
    sent = SENT[trace_id]
    summary = result.summary
    assert summary.trace_id == trace_id
    assert (summary.root_service, summary.root_name, summary.has_root) == (
        "fraiseql-app",
        "POST /graphql",
        True,
    )
    assert summary.start_ns == sent["start_ns"]
    assert set(summary.services) == set(sent["services"])
    assert (summary.error_count > 0) == (sent["status"] == "error")
    rows = result.rows
    assert rows[0].span_id == sent["root_span_id"]
    assert (rows[0].depth, rows[0].offset_ms, rows[0].left_pct) == (0, 0.0, 0.0)
    assert rows[0].width_pct == 100.0
    position = {row.span_id: index for index, row in enumerate(rows)}
    for index, row in enumerate(rows[1:], start=1):
        assert row.parent_span_id is not None
        parent = rows[position[row.parent_span_id]]
        assert position[row.parent_span_id] < index
        assert row.depth == parent.depth + 1
        assert row.left_pct >= 0 and row.left_pct + row.width_pct <= 100
        assert not row.orphan
    if sent.get("error_span_id"):
        error_row = result.row(sent["error_span_id"])
        assert error_row is not None
        assert error_row.is_error
        assert error_row.exceptions


def test_db_error_trace_in_detail() -> None:
    result = waterfall("tempo/trace_by_id_v2_error_trace.json", ERROR_TRACE_ID)
    assert [(row.depth, row.service, row.name) for row in result.rows] == [
        (0, "fraiseql-app", "POST /graphql"),
        (1, "fraiseql-app", "graphql.resolve createPost"),
        (2, "fraiseql-app", "SELECT tv_user"),
        (3, "postgres", "SELECT fraiseql.tv_user"),
        (2, "fraiseql-app", "connect"),
    ]
    summary = result.summary
    assert summary.duration_ms == 5120.0
    assert (summary.span_count, summary.error_count, summary.exception_count) == (5, 3, 1)
    assert summary.services == ("fraiseql-app", "postgres")
    connect = result.rows[4]
    assert connect.kind is SpanKind.CLIENT
    assert (connect.offset_ms, connect.duration_ms) == (10.0, 5000.0)
    assert connect.left_pct == pytest.approx(100 * 10 / 5120, abs=0.001)
    assert connect.width_pct == pytest.approx(100 * 5000 / 5120, abs=0.001)
    assert connect.status_message == "timeout expired"
    assert connect.exceptions[0].type == "DatabaseConnectionError"
    assert connect.attributes["db.operation"] == "connect"
    assert (connect.start_ns, connect.end_ns) == (1795803564265029086, 1795803569265029086)
    assert [row.service_index for row in result.rows] == [0, 0, 0, 1, 0]


@pytest.mark.parametrize(
    ("loki", "name", "trace_id"),
    [
        (
            "loki/query_range_linked_trace_db_error.json",
            "tempo/trace_by_id_v1_error_trace.json",
            ERROR_TRACE_ID,
        ),
        (
            "loki/query_range_linked_trace_graphql_error.json",
            "tempo/trace_by_id_v2_graphql_error_trace.json",
            GRAPHQL_TRACE_ID,
        ),
    ],
)
def test_loki_error_line_points_at_the_error_span(loki: str, name: str, trace_id: str) -> None:
    (stream,) = recorded(loki)["body"]["data"]["result"]
    labels = stream["stream"]
    result = waterfall(name, trace_id)
    assert labels["trace_id"] == result.summary.trace_id
    row = result.row(labels["span_id"])
    assert row is not None
    assert row.is_error
    assert row.exceptions[0].type == labels["exception_type"]
    assert row.exceptions[0].message == labels["message"]
    (line_ns, _), *_ = stream["values"]
    # The line was written just outside its span: the log window is padded to catch it.
    assert not row.start_ns <= int(line_ns) <= row.end_ns
    start_ns, end_ns = span_log_window(row)
    assert start_ns <= int(line_ns) < end_ns


def without(trace: Trace, *span_ids: str) -> Trace:
    return replace(trace, spans=tuple(s for s in trace.spans if s.span_id not in span_ids))


def test_missing_parent_makes_orphans_not_holes() -> None:
    trace = recorded_trace("tempo/trace_by_id_v1_error_trace.json", ERROR_TRACE_ID)
    result = build_waterfall(without(trace, "5fd2d2490ca4c616"))  # graphql.resolve createPost
    assert [(row.name, row.depth, row.orphan) for row in result.rows] == [
        ("POST /graphql", 0, False),
        ("SELECT tv_user", 0, True),
        ("SELECT fraiseql.tv_user", 1, False),
        ("connect", 0, True),
    ]
    assert result.summary.root_name == "POST /graphql"


def test_trace_without_its_root_yet() -> None:
    trace = recorded_trace("tempo/trace_by_id_v1_error_trace.json", ERROR_TRACE_ID)
    result = build_waterfall(without(trace, "b2e6e1b465e55130"))
    summary = result.summary
    assert not summary.has_root
    assert summary.root_name == "graphql.resolve createPost"
    assert summary.duration_ms == pytest.approx(5110.0)
    assert result.rows[0].orphan
    assert result.rows[0].left_pct == 0.0


def test_parent_cycle_and_self_parent_still_show_every_span() -> None:
    trace = recorded_trace("tempo/trace_by_id_v2_graphql_error_trace.json", GRAPHQL_TRACE_ID)
    root, child = trace.spans
    looped = replace(
        trace,
        spans=(
            replace(root, parent_span_id=child.span_id),
            child,
            replace(child, span_id="00000000000000aa", parent_span_id="00000000000000aa"),
        ),
    )
    result = build_waterfall(looped)
    assert len(result.rows) == 3
    assert {row.span_id for row in result.rows} == {root.span_id, child.span_id, "00000000000000aa"}


def test_zero_length_trace_draws_no_bars() -> None:
    trace = recorded_trace("tempo/trace_by_id_v2_graphql_error_trace.json", GRAPHQL_TRACE_ID)
    root = trace.spans[0]
    flat = replace(trace, spans=(replace(root, end_ns=root.start_ns),))
    (row,) = build_waterfall(flat).rows
    assert (row.left_pct, row.width_pct, row.duration_ms) == (0.0, 0.0, 0.0)


def test_empty_trace_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one span"):
        build_waterfall(Trace(trace_id="ab" * 16, spans=()))
