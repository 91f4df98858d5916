"""A rule's filters as one queryset condition, shared by dispatch and the admin preview."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Exists, OuterRef, Q

from alerts.models import Assigned, Rule
from errors.models import ErrorGroup, Occurrence

FIELD_FILTERS = {
    "services": "service__in",
    "environments": "environment__in",
    "levels": "level__in",
    "exception_types": "exception_type__in",
}
ASSIGNED = {
    Assigned.ANY: Q(),
    Assigned.YES: Q(assignee__isnull=False),
    Assigned.NO: Q(assignee__isnull=True),
}


def rule_filter(rule: Rule) -> Q:
    """Every filter of `rule` (an empty list means any value); tenants via the occurrences."""
    condition = ASSIGNED[Assigned(rule.assigned)]
    for attribute, lookup in FIELD_FILTERS.items():
        values = getattr(rule, attribute)
        if values:
            condition &= Q(**{lookup: values})
    if rule.tenants:
        tenant_seen = Occurrence.objects.filter(error=OuterRef("pk"), tenant__in=rule.tenants)
        condition &= Q(Exists(tenant_seen))
    return condition


def matching_ids(rule: Rule, error_ids: Iterable[UUID]) -> set[UUID]:
    """Which of `error_ids` pass the rule's filters, in one query."""
    rows = ErrorGroup.objects.filter(rule_filter(rule), pk__in=list(error_ids))
    return set(rows.values_list("pk", flat=True))
