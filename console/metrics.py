"""The console's own Prometheus metrics.

Latencies are process histograms (multi-process aware when PROMETHEUS_MULTIPROC_DIR is set).
Poll and delivery figures are read from the database at scrape time, so every web process
reports the same numbers whichever worker did the work.
"""

from collections.abc import Iterator

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client import Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

LOKI_REQUEST_SECONDS = Histogram(
    "triage_loki_request_seconds", "Loki HTTP request time", ["endpoint"], buckets=LATENCY_BUCKETS
)
TEMPO_REQUEST_SECONDS = Histogram(
    "triage_tempo_request_seconds", "Tempo HTTP request time", ["endpoint"], buckets=LATENCY_BUCKETS
)
PAGE_RENDER_SECONDS = Histogram(
    "triage_page_render_seconds", "Server time per page", ["view"], buckets=LATENCY_BUCKETS
)


class DatabaseCollector(Collector):
    """Per-source poll health and per-channel delivery outcomes, from the database."""

    def describe(self) -> list[Metric]:
        """Nothing up front: registering must not query the database."""
        return []

    def collect(self) -> Iterator[Metric]:
        yield from self._sources()
        yield from self._deliveries()

    def _sources(self) -> Iterator[Metric]:
        lag = GaugeMetricFamily(
            "triage_poll_lag_seconds", "Now minus the cursor", labels=["source"]
        )
        lines = CounterMetricFamily("triage_lines_read", "Lines read from Loki", labels=["source"])
        bad = CounterMetricFamily(
            "triage_parse_failures", "Lines that could not be parsed", labels=["source"]
        )
        groups = CounterMetricFamily(
            "triage_groups_upserted", "Error groups written by polls", labels=["source"]
        )
        source_model = apps.get_model("errors", "LokiSource")
        now_ns = int(timezone.now().timestamp() * 1e9)
        for source in source_model.objects.filter(enabled=True):
            if source.cursor_ns:
                lag.add_metric([source.name], max(0.0, (now_ns - source.cursor_ns) / 1e9))
            lines.add_metric([source.name], float(source.lines_read))
            bad.add_metric([source.name], float(source.parse_failures))
            groups.add_metric([source.name], float(source.groups_touched))
        yield from (lag, lines, bad, groups)

    def _deliveries(self) -> Iterator[Metric]:
        sent = CounterMetricFamily("triage_alerts_sent", "Alerts delivered", labels=["channel"])
        failed = CounterMetricFamily(
            "triage_alerts_failed", "Alert deliveries that failed for good", labels=["channel"]
        )
        try:
            delivery_model = apps.get_model("alerts", "Delivery")
        except LookupError:
            yield from (sent, failed)
            return
        rows = delivery_model.objects.values("channel__name").annotate(
            ok=Count("id", filter=Q(status="sent")), bad=Count("id", filter=Q(status="failed"))
        )
        for row in rows:
            sent.add_metric([row["channel__name"]], float(row["ok"]))
            failed.add_metric([row["channel__name"]], float(row["bad"]))
        yield from (sent, failed)


def _wire_backend_latency() -> None:
    """Let the Loki and Tempo leaves report request time into the console's histograms."""
    from logs import loki_transport
    from traces import tempo_http

    loki_transport.REQUEST_OBSERVERS.append(
        lambda endpoint, seconds: LOKI_REQUEST_SECONDS.labels(endpoint).observe(seconds)
    )
    tempo_http.REQUEST_OBSERVERS.append(
        lambda endpoint, seconds: TEMPO_REQUEST_SECONDS.labels(endpoint).observe(seconds)
    )


_wire_backend_latency()
