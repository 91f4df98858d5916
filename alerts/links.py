"""Links in an alert: the console's error page, the logs in Grafana Explore, the trace."""

from collections.abc import Mapping
from datetime import timedelta
from uuid import UUID

from alerts import config
from alerts.alert import Links
from errors.models import Occurrence
from logs import context
from logs.logql import Selector
from traces.links import GrafanaTempo, explore_trace_url

LOGS_PAD = timedelta(minutes=5)


def console_url(error_id: UUID) -> str:
    return f"{config.console_base_url()}/errors/{error_id}/"


def for_error(error_id: UUID, occurrence: Occurrence | None, trace_id: str) -> Links:
    return Links(
        console=console_url(error_id),
        logs=logs_url(occurrence) if occurrence is not None else "",
        trace=trace_url(trace_id),
    )


def stream_selector(labels: Mapping[str, str]) -> Selector | None:
    """The error page's context stream (labels without the level ones), or None if none left."""
    try:
        return context.stream_selector(labels)
    except ValueError:
        return None


def logs_url(occurrence: Occurrence) -> str:
    """Grafana Explore on the error's stream, five minutes either side of the occurrence."""
    base, uid = config.grafana_url(), config.grafana_loki_uid()
    selector = stream_selector(occurrence.stream_labels)
    if not base or not uid or selector is None:
        return ""
    pad = int(LOGS_PAD.total_seconds() * 1e9)
    at = occurrence.timestamp_ns
    grafana = context.GrafanaLoki(base_url=base, datasource_uid=uid)
    return context.explore_logs_url(grafana, str(selector), start_ns=at - pad, end_ns=at + pad)


def trace_url(trace_id: str) -> str:
    base, uid = config.grafana_url(), config.grafana_tempo_uid()
    if not trace_id or not base or not uid:
        return ""
    try:
        return explore_trace_url(GrafanaTempo(base_url=base, datasource_uid=uid), trace_id)
    except ValueError:
        return ""
