"""A source's health, as the admin shows it: lag, volumes, and the last success or failure.

Success is written in the poll's own transaction (with the cursor it describes); a failure is
written after that transaction rolled back, so it survives it.
"""

from datetime import datetime

from django.db.models import ExpressionWrapper, F, FloatField, Value

from errors.ingest.cursor import epoch_ns
from errors.models import LokiSource

MESSAGE_CHARS = 2_000


def record_success(
    source: LokiSource,
    now: datetime,
    *,
    cursor_ns: int,
    sweep_floor_ns: int,
    swept: bool,
    lines: int,
    groups: int,
    bad: int,
) -> None:
    LokiSource.objects.filter(pk=source.pk).update(
        cursor_ns=cursor_ns,
        sweep_floor_ns=sweep_floor_ns,
        last_sweep_at=now if swept or source.last_sweep_at is None else source.last_sweep_at,
        last_attempt_at=now,
        lag_seconds=(epoch_ns(now) - cursor_ns) / 1e9,
        lines_read=F("lines_read") + lines,
        parse_failures=F("parse_failures") + bad,
        groups_touched=F("groups_touched") + groups,
        last_lines_read=lines,
        last_groups_touched=groups,
        last_parse_failures=bad,
        last_success_at=now,
    )


def record_failure(source_id: int, now: datetime, message: str) -> None:
    """Keep Loki's own words; the cursor stays where it was, so nothing is skipped."""
    lag = ExpressionWrapper(
        (Value(epoch_ns(now)) - F("cursor_ns")) / Value(1e9), output_field=FloatField()
    )
    LokiSource.objects.filter(pk=source_id).update(
        last_attempt_at=now,
        last_failure_at=now,
        last_failure_message=message[:MESSAGE_CHARS],
        lag_seconds=lag,
    )
