"""Why a rule fires for an event: its kind (new, regression, back from ignore) or a count.

Count triggers (N in M minutes, spike) are checked on every event, since each one means new
occurrences; they never fire for an error that is ignored or resolved.
"""

from datetime import datetime, timedelta
from uuid import UUID

from alerts import rates
from alerts.alert import Reason, Why
from alerts.models import Rule
from errors.models.groups import UNRESOLVED

KIND_TRIGGERS: dict[str, tuple[str, Reason]] = {
    "new": ("on_new", Reason(Why.NEW, "New error")),
    "regression": ("on_regression", Reason(Why.REGRESSION, "Regressed: seen again after resolve")),
    "unignored": ("on_unignored", Reason(Why.UNIGNORED, "Back from ignore")),
}


def reason_for(
    rule: Rule, kind: str, error_id: UUID, status: str | None, now: datetime
) -> Reason | None:
    """The first trigger of `rule` that this event satisfies, or None."""
    trigger = KIND_TRIGGERS.get(kind)
    if trigger is not None and getattr(rule, trigger[0]):
        return trigger[1]
    if status not in UNRESOLVED:
        return None
    return count_reason(rule, error_id, now)


def count_reason(rule: Rule, error_id: UUID, now: datetime) -> Reason | None:
    if rule.min_count is None and rule.spike_factor is None:
        return None
    minutes = rule.window_minutes
    rate = rates.rate(error_id, now, timedelta(minutes=minutes))
    if rule.min_count is not None and rate.in_window >= rule.min_count:
        text = f"{rate.in_window} occurrences in {minutes} min (threshold {rule.min_count})"
        return Reason(Why.FREQUENCY, text)
    if rule.spike_factor is not None and rate.is_spike(rule.spike_factor):
        text = f"Spike: {rate.in_window} in {minutes} min, usually about {rate.usual:.1f}"
        return Reason(Why.SPIKE, text)
    return None
