"""Which rules fire for a batch of events, with the repeat interval held per error and rule."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from django.db.models import Prefetch

from alerts.matching import matching_ids
from alerts.models import Channel, Firing, Rule
from alerts.triggers import reason_for
from errors.models import ErrorGroup
from errors.models.events import Event


def fire(events: Sequence[Event], now: datetime) -> list[Firing]:
    """Firings (saved) for every enabled rule whose filters and a trigger match an event."""
    error_ids = {event.error_id for event in events}
    statuses = dict(ErrorGroup.objects.filter(pk__in=error_ids).values_list("pk", "status"))
    firings: list[Firing] = []
    for rule in enabled_rules():
        passing = matching_ids(rule, error_ids)
        quiet = recently_fired(rule, passing, now)
        for event in events:
            if event.error_id not in passing or event.error_id in quiet:
                continue
            reason = reason_for(rule, event.kind, event.error_id, statuses[event.error_id], now)
            if reason is None:
                continue
            quiet.add(event.error_id)
            firings.append(
                Firing(rule=rule, error_id=event.error_id, event=event, why=reason.why,
                       text=reason.text, created_at=now)
            )  # fmt: skip
    return Firing.objects.bulk_create(firings)


def enabled_rules() -> list[Rule]:
    channels = Prefetch("channels", queryset=Channel.objects.filter(enabled=True))
    return list(Rule.objects.filter(enabled=True).prefetch_related(channels))


def recently_fired(rule: Rule, error_ids: set[UUID], now: datetime) -> set[UUID]:
    """Errors this rule fired for within its repeat interval: they stay quiet."""
    recent = Firing.objects.filter(
        rule=rule, error_id__in=error_ids, created_at__gt=now - rule.repeat_interval
    )
    return set(recent.values_list("error_id", flat=True))
