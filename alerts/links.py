"""Links in an alert: the console's error page, the logs in Grafana Explore, the trace."""

import json
from datetime import timedelta
from urllib.parse import quote, urlencode
from uuid import UUID

from alerts import config
from alerts.alert import Links
from errors.models import Occurrence
from logs.logql import Selector
from traces.links import GrafanaTempo, explore_trace_url

CONTEXT_LABELS = ("level", "detected_level")
LOGS_PAD = timedelta(minutes=5)
NS_PER_MS = 1_000_000


def console_url(error_id: UUID) -> str:
    return f"{config.console_base_url()}/errors/{error_id}/"


def for_error(error_id: UUID, occurrence: Occurrence | None, trace_id: str) -> Links:
    return Links(
        console=console_url(error_id),
        logs=logs_url(occurrence) if occurrence is not None else "",
        trace=trace_url(trace_id),
    )


def stream_selector(labels: dict[str, str]) -> Selector | None:
    """The application's stream around an error: its labels without the level ones."""
    try:
        return Selector.from_labels(labels).without_labels(*CONTEXT_LABELS)
    except ValueError:
        return None


def logs_url(occurrence: Occurrence) -> str:
    """Grafana Explore on the error's stream, five minutes either side of the occurrence."""
    base, uid = config.grafana_url(), config.grafana_loki_uid()
    selector = stream_selector(occurrence.stream_labels)
    if not base or not uid or selector is None:
        return ""
    pad = LOGS_PAD.total_seconds() * 1000
    at = occurrence.timestamp_ns // NS_PER_MS
    query = {"refId": "A", "expr": str(selector), "datasource": {"type": "loki", "uid": uid}}
    window = {"from": str(int(at - pad)), "to": str(int(at + pad))}
    pane = {"a": {"datasource": uid, "queries": [query], "range": window}}
    params = {"schemaVersion": "1", "orgId": "1", "panes": json.dumps(pane, separators=(",", ":"))}
    return f"{base}/explore?{urlencode(params, quote_via=quote)}"


def trace_url(trace_id: str) -> str:
    base, uid = config.grafana_url(), config.grafana_tempo_uid()
    if not trace_id or not base or not uid:
        return ""
    try:
        return explore_trace_url(GrafanaTempo(base_url=base, datasource_uid=uid), trace_id)
    except ValueError:
        return ""
