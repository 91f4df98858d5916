"""How often an error occurred lately, for the N-in-M and spike triggers.

The window count comes from the occurrence pointers (the newest `OCCURRENCES_KEEP_RECENT` per
error are kept, which bounds N); the usual rate from the hourly counts of the day before.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Sum

from errors.models import HourlyCount, Occurrence

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
    return Occurrence.objects.filter(error_id=error_id, timestamp__gte=since).count()


def rate(error_id: UUID, now: datetime, window: timedelta) -> Rate:
    """Occurrences in the last `window`, and the usual count per window over the day before."""
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    hours = HourlyCount.objects.filter(
        error_id=error_id, hour__gte=this_hour - BASELINE, hour__lt=this_hour
    )
    total = hours.aggregate(total=Sum("count"))["total"] or 0
    usual = total * (window / BASELINE)
    return Rate(count_since(error_id, now - window), usual)
