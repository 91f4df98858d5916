"""How often an error occurred lately, for the N-in-M and spike triggers.

The window count comes from the poll events, which carry how many lines each poll counted
(occurrence pointers are sampled per poll, so counting them would undercount bursts); the usual
rate from the hourly counts of the day before.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import IntegerField, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from errors.models import Event, HourlyCount, Occurrence

BASELINE = timedelta(hours=24)
SPIKE_MINIMUM = 10


@dataclass(frozen=True)
class Rate:
    in_window: int
    usual: float

    def is_spike(self, factor: float) -> bool:
        """`factor` times the usual rate, and enough occurrences that it is not 0 → 2."""
        return self.in_window >= max(SPIKE_MINIMUM, factor * self.usual)


def count_since(error_id: UUID, since: datetime) -> int:
    """Lines since `since`: from poll events, or the pointers where no event counted lines."""
    counted = Event.objects.filter(error_id=error_id, created_at__gte=since).aggregate(
        lines=Sum(Cast(KT("data__lines"), IntegerField()))
    )["lines"]
    pointers = Occurrence.objects.filter(error_id=error_id, timestamp__gte=since).count()
    return max(counted or 0, pointers)


def rate(error_id: UUID, now: datetime, window: timedelta) -> Rate:
    """Occurrences in the last `window`, and the usual count per window over the day before."""
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    hours = HourlyCount.objects.filter(
        error_id=error_id, hour__gte=this_hour - BASELINE, hour__lt=this_hour
    )
    total = hours.aggregate(total=Sum("count"))["total"] or 0
    usual = total * (window / BASELINE)
    return Rate(count_since(error_id, now - window), usual)
