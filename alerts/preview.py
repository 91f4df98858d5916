"""The admin's rule preview: which current errors this rule would have fired for.

"Current" means seen in the last week and not resolved or ignored. Each error is replayed as
the event its state implies (new, regressed, back from ignore, or just more occurrences)
through the same filters and triggers as dispatch; the repeat interval is left out.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.alert import Reason
from alerts.matching import rule_filter
from alerts.models import Rule
from alerts.triggers import reason_for
from errors.models import Activity, ActivityKind, ErrorGroup, EventKind, Status

LOOKBACK = timedelta(days=7)
CANDIDATES = 500
SHOWN = 50


@dataclass(frozen=True)
class PreviewRow:
    error: ErrorGroup
    reason: Reason


def preview(rule: Rule, now: datetime) -> list[PreviewRow]:
    candidates = list(
        ErrorGroup.objects.filter(rule_filter(rule), last_seen_at__gte=now - LOOKBACK)
        .exclude(status__in=[Status.RESOLVED, Status.IGNORED])
        .select_related("assignee")
        .order_by("-last_seen_at")[:CANDIDATES]
    )
    back = set(
        Activity.objects.filter(
            kind=ActivityKind.UNIGNORED,
            created_at__gte=now - LOOKBACK,
            error_id__in=[error.pk for error in candidates],
        ).values_list("error_id", flat=True)
    )
    rows = []
    for error in candidates:
        kind = implied_kind(error, error.pk in back)
        reason = reason_for(rule, kind, error.pk, error.status, now)
        if reason is not None:
            rows.append(PreviewRow(error, reason))
        if len(rows) == SHOWN:
            break
    return rows


def implied_kind(error: ErrorGroup, came_back: bool) -> str:
    if came_back:
        return EventKind.UNIGNORED
    if error.regression_count:
        return EventKind.REGRESSION
    return EventKind.NEW if error.status == Status.NEW else EventKind.FREQUENCY
