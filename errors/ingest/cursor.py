"""Which nanoseconds a poll reads: end-exclusive windows that tile time without gaps or overlap.

The main window is [cursor, now - delay). Loki's `start` is inclusive and `end` exclusive, so
lines sharing one nanosecond can never straddle two polls: all of them fall in the same
window. The sweep re-reads [now - delay - lookback, cursor) for lines that reached Loki late.
A source far behind catches up a bounded window at a time.

Every poll records the keys of the lines it counts from its horizon on; a sweep may only
start where every earlier poll recorded. The floor (where counting began, then the highest
horizon used so far) guarantees that even when workers' clocks disagree.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from errors.models import LokiSource

MAX_WINDOW = timedelta(hours=1)
HOUR_NS = 3_600_000_000_000


def ns(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000_000 + value.microseconds * 1_000


def epoch_ns(moment: datetime) -> int:
    return ns(moment - datetime(1970, 1, 1, tzinfo=moment.tzinfo))


def hour_of(moment: datetime) -> int:
    """The hour bucket (hours since the epoch) the hourly counts file `moment` under."""
    return epoch_ns(moment) // HOUR_NS


@dataclass(frozen=True, slots=True)
class Plan:
    start_ns: int
    end_ns: int
    horizon_ns: int
    """Lines at or after this may be swept again later, so their keys are recorded."""
    sweep_start_ns: int
    sweep_end_ns: int
    floor_ns: int
    """Where counting began (a new source, a skip ahead) or the highest horizon used so far."""
    behind: bool
    """The window was cut at MAX_WINDOW: poll again straight away."""

    @property
    def sweeps(self) -> bool:
        return self.sweep_start_ns < self.sweep_end_ns


def plan_poll(
    source: LokiSource, now: datetime, *, backfill: timedelta, since: datetime | None = None
) -> Plan:
    """The windows of the next poll; `since` may start a new source or skip ahead, never back."""
    now_ns = epoch_ns(now)
    ready_ns = now_ns - ns(source.delay)
    cursor = source.cursor_ns
    start = cursor if cursor is not None else now_ns - ns(backfill)
    if since is not None:
        since_ns = epoch_ns(since)
        if cursor is not None and since_ns < cursor:
            raise ValueError("--since before the cursor would count lines twice")
        start = since_ns
    end = max(start, min(ready_ns, start + ns(MAX_WINDOW)))
    horizon = ready_ns - ns(source.lookback)
    floor = source.sweep_floor_ns if source.sweep_floor_ns is not None and since is None else start
    due = source.last_sweep_at is None or now - source.last_sweep_at >= source.sweep_interval
    sweep_start = max(horizon, floor)
    sweep_end = cursor if cursor is not None and due and source.lookback else sweep_start
    return Plan(start, end, horizon, sweep_start, sweep_end, floor, end < ready_ns)
