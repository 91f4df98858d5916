"""Alert and digest values for a claimed delivery, read from the database in a few queries."""

import uuid

from django.utils import timezone

from alerts import config, links
from alerts.alert import Alert, Digest, DigestItem, ErrorSummary, Links, Reason, Why
from alerts.models import Delivery
from errors.models import ErrorGroup, Occurrence

TEST_REASON = Reason(Why.TEST, "Test alert sent from the admin")


def summary(error: ErrorGroup, trace_id: str = "") -> ErrorSummary:
    assignee = error.assignee.get_username() if error.assignee is not None else ""
    return ErrorSummary(
        id=error.id, exception_type=error.exception_type, message=error.message,
        level=error.level or "error", service=error.service, environment=error.environment,
        status=error.status or "", count=error.occurrence_count, first_seen=error.first_seen_at,
        last_seen=error.last_seen_at, fingerprint=error.fingerprint, assignee=assignee,
        trace_id=trace_id or error.last_trace_id,
    )  # fmt: skip


def latest_occurrence(error_id: uuid.UUID) -> Occurrence | None:
    return Occurrence.objects.filter(error_id=error_id).order_by("-timestamp_ns").first()


def reason(delivery: Delivery) -> Reason:
    return Reason(Why(delivery.why), delivery.reason) if delivery.why else TEST_REASON


def alert_for(delivery: Delivery) -> tuple[Alert, Occurrence | None]:
    """The alert of an alert or test delivery, with the occurrence its context lines surround."""
    if delivery.error_id is None:
        return sample_alert(delivery.key), None
    error = ErrorGroup.objects.select_related("assignee").get(pk=delivery.error_id)
    occurrence = latest_occurrence(error.pk)
    error_summary = summary(error, occurrence.trace_id if occurrence is not None else "")
    alert = Alert(
        key=delivery.key,
        error=error_summary,
        reason=reason(delivery),
        links=links.for_error(error.pk, occurrence, error_summary.trace_id),
        rule=delivery.rule_name,
    )
    return alert, occurrence


def digest_for(delivery: Delivery) -> Digest:
    """The errors folded into a digest, one item each with how many alerts it stands for."""
    rows = Delivery.objects.filter(digest=delivery).select_related("error__assignee")
    items: dict[uuid.UUID, DigestItem] = {}
    for row in rows.order_by("created_at", "pk"):
        if row.error is None:
            continue
        seen = items.get(row.error.pk)
        count = seen.alerts + 1 if seen is not None else 1
        items[row.error.pk] = DigestItem(
            summary(row.error), reason(row), count, links.console_url(row.error.pk)
        )
    times = [row.created_at for row in rows]
    return Digest(
        delivery.key, tuple(items.values()), min(times, default=None), max(times, default=None)
    )


def sample_alert(key: str) -> Alert:
    """What a test message shows: clearly a test, with the console's own address."""
    now = timezone.now()
    error = ErrorSummary(
        id=uuid.UUID(int=0), exception_type="TestAlert", message="The console reaches this channel",
        level="info", service="triage-console", environment="test", status="new", count=1,
        first_seen=now, last_seen=now, fingerprint="test-alert",
    )  # fmt: skip
    return Alert(key, error, TEST_REASON, Links(console=f"{config.console_base_url()}/"))
