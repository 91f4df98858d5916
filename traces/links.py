"""Deep links to a trace in Grafana Explore or in a Jaeger/Tempo-style trace UI.

Pure functions over configuration: the ids are checked first, so a link never carries
anything but 32 hex digits where the trace id goes.
"""

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from traces.trace_ids import normalize_trace_id

NS_PER_MS = 1_000_000


@dataclass(frozen=True)
class GrafanaTempo:
    """A Grafana with a Tempo datasource; `pad_ms` widens a known trace window on both sides."""

    base_url: str
    datasource_uid: str
    org_id: int = 1
    default_from: str = "now-1h"
    pad_ms: int = 60_000


def explore_trace_url(
    grafana: GrafanaTempo, trace_id: str, *, start_ns: int | None = None, end_ns: int | None = None
) -> str:
    """`/explore?schemaVersion=1&orgId=…&panes=…` with a TraceQL query for the trace id."""
    uid = grafana.datasource_uid
    query = {
        "refId": "A",
        "datasource": {"type": "tempo", "uid": uid},
        "queryType": "traceql",
        "query": normalize_trace_id(trace_id),
    }
    pane = {
        "a": {"datasource": uid, "queries": [query], "range": _range(grafana, start_ns, end_ns)}
    }
    params = {
        "schemaVersion": "1",
        "orgId": str(grafana.org_id),
        "panes": json.dumps(pane, separators=(",", ":")),
    }
    return f"{grafana.base_url.rstrip('/')}/explore?{urlencode(params, quote_via=quote)}"


def trace_ui_url(
    template: str, trace_id: str, *, start_ns: int | None = None, end_ns: int | None = None
) -> str:
    """Fill `{trace_id}` (and `{start_ms}`/`{end_ms}` when known) in a URL template.

    e.g. `https://jaeger.example/trace/{trace_id}`; other braces are left alone.
    """
    if "{trace_id}" not in template:
        raise ValueError(f"trace URL template has no {{trace_id}}: {template!r}")
    url = template.replace("{trace_id}", normalize_trace_id(trace_id))
    if start_ns is not None:
        url = url.replace("{start_ms}", str(start_ns // NS_PER_MS))
    if end_ns is not None:
        url = url.replace("{end_ms}", str(-(-end_ns // NS_PER_MS)))
    return url


def _range(grafana: GrafanaTempo, start_ns: int | None, end_ns: int | None) -> dict[str, str]:
    if start_ns is None or end_ns is None:
        return {"from": grafana.default_from, "to": "now"}
    start_ms = start_ns // NS_PER_MS - grafana.pad_ms
    end_ms = -(-end_ns // NS_PER_MS) + grafana.pad_ms
    return {"from": str(start_ms), "to": str(end_ms)}
