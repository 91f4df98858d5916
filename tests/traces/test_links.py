"""Links to a trace: Grafana Explore and a Jaeger/Tempo-style UI, decoded back to check them."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.stubs.tempo import ERROR_TRACE_ID
from traces.links import GrafanaTempo, explore_trace_url, trace_ui_url
from traces.tempo_errors import InvalidTraceId

GRAFANA = GrafanaTempo(base_url="https://grafana.example/", datasource_uid="tempo-uid", org_id=3)


def decoded(url: str) -> tuple[str, dict[str, list[str]], dict[str, object]]:
    parts = urlsplit(url)
    params = parse_qs(parts.query)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", params, json.loads(params["panes"][0])


def test_explore_link_decodes_back_to_the_trace_query() -> None:
    url = explore_trace_url(
        GRAFANA,
        ERROR_TRACE_ID.upper(),
        start_ns=1795803564255029086,
        end_ns=1795803569375029086,
    )
    base, params, panes = decoded(url)
    assert base == "https://grafana.example/explore"
    assert (params["schemaVersion"], params["orgId"]) == (["1"], ["3"])
    assert panes == {
        "a": {
            "datasource": "tempo-uid",
            "queries": [
                {
                    "refId": "A",
                    "datasource": {"type": "tempo", "uid": "tempo-uid"},
                    "queryType": "traceql",
                    "query": ERROR_TRACE_ID,
                }
            ],
            "range": {"from": "1795803504255", "to": "1795803629376"},
        }
    }
    assert " " not in url and "+" not in url


def test_explore_link_without_a_known_window_uses_a_relative_range() -> None:
    _, _, panes = decoded(explore_trace_url(GRAFANA, ERROR_TRACE_ID))
    assert panes["a"]["range"] == {"from": "now-1h", "to": "now"}  # type: ignore[index]


def test_trace_ui_template() -> None:
    template = "https://jaeger.example/trace/{trace_id}?start={start_ms}&end={end_ms}"
    url = trace_ui_url(
        template, ERROR_TRACE_ID, start_ns=1795803564255029086, end_ns=1795803569375029086
    )
    assert url == (
        f"https://jaeger.example/trace/{ERROR_TRACE_ID}?start=1795803564255&end=1795803569376"
    )
    assert trace_ui_url("http://t/{trace_id}", "c64e5a22fac180d6") == (
        "http://t/0000000000000000c64e5a22fac180d6"
    )


def test_template_without_the_id_is_refused() -> None:
    with pytest.raises(ValueError, match="trace_id"):
        trace_ui_url("https://jaeger.example/search", ERROR_TRACE_ID)


@pytest.mark.parametrize("bad", ['"},{"x":"', "../../admin", ""])
def test_links_never_carry_anything_but_an_id(bad: str) -> None:
    with pytest.raises(InvalidTraceId):
        explore_trace_url(GRAFANA, bad)
    with pytest.raises(InvalidTraceId):
        trace_ui_url("http://t/{trace_id}", bad)
