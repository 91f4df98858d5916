"""What the Sources page shows for each Loki source: reachability, lag, rates, last error, and a
storage projection from Loki's `index/stats` (flushed chunks only: data still in the ingester
reads as zero, which the page says).
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from errors.ingest.read import client_config
from errors.models import LokiSource
from logs.logql import Selector
from logs.loki import WEB, LokiClient, LokiError

PROJECTION_DAYS = (7, 30, 90)
DAY_NS = 86_400 * 1_000_000_000


@dataclass(frozen=True)
class SourceStatus:
    source: LokiSource
    ready: bool | None
    problem: str
    lag_seconds: float | None
    lines_per_second: float | None
    bytes_per_day: int | None
    entries_per_day: int | None
    streams: int | None
    projections: tuple[tuple[int, int], ...]


def statuses(now: datetime | None = None) -> list[SourceStatus]:
    """Every source, probed concurrently with the web timeouts so one slow Loki costs ≤ 5 s."""
    now = now or timezone.now()
    sources = list(LokiSource.objects.order_by("name"))
    if not sources:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(sources))) as pool:
        return list(pool.map(lambda source: status_of(source, now), sources))


def status_of(source: LokiSource, now: datetime) -> SourceStatus:
    end_ns = int(now.timestamp() * 1e9)
    ready: bool | None = None
    problem = ""
    stats = None
    try:
        with LokiClient(client_config(source), WEB) as client:
            ready = client.ready()
            selector = str(Selector.parse(source.selector))
            stats = client.index_stats(selector, start_ns=end_ns - DAY_NS, end_ns=end_ns)
    except (LokiError, ValueError) as exc:
        problem = f"{type(exc).__name__}: {getattr(exc, 'message', '') or exc}"[:300]
    lag = (end_ns - source.cursor_ns) / 1e9 if source.cursor_ns else None
    interval = source.poll_interval or timedelta(seconds=10)
    rate = source.last_lines_read / interval.total_seconds() if source.last_success_at else None
    per_day = stats.bytes if stats is not None else None
    projections = tuple((days, per_day * days) for days in PROJECTION_DAYS) if per_day else ()
    return SourceStatus(
        source=source,
        ready=ready,
        problem=problem,
        lag_seconds=max(0.0, lag) if lag is not None else None,
        lines_per_second=rate,
        bytes_per_day=per_day,
        entries_per_day=stats.entries if stats is not None else None,
        streams=stats.streams if stats is not None else None,
        projections=projections,
    )
