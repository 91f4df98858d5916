"""The delivery outbox: one row per (event, channel), keyed for idempotency, every attempt kept.

A worker claims a row (status `sending` with a lease) in one UPDATE, so two workers or a
redelivered task never send it twice; a lease that runs out (a killed worker) makes the row
claimable again. Firings remember when a rule last fired for an error (the repeat interval).
"""

from django.db import models

from alerts.models.channels import Channel
from alerts.models.rules import Rule
from errors.models import ErrorGroup
from errors.models.events import Event


class Firing(models.Model):
    """A rule fired for an error because of an event; also the clock of the repeat interval."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    error = models.ForeignKey(ErrorGroup, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, null=True, on_delete=models.SET_NULL, related_name="+")
    why = models.TextField()
    text = models.TextField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["rule", "error", "-created_at"], name="firing_recent")]

    def __str__(self) -> str:
        return f"{self.rule} → {self.error_id}: {self.text}"


class DeliveryKind(models.TextChoices):
    ALERT = "alert", "Alert"
    DIGEST = "digest", "Digest"
    TEST = "test", "Test"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    DIGESTED = "digested", "In a digest"


class Delivery(models.Model):
    key = models.TextField(unique=True, help_text="Idempotency key, sent as Idempotency-Key.")
    kind = models.TextField(choices=DeliveryKind.choices, default=DeliveryKind.ALERT)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    error = models.ForeignKey(
        ErrorGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(Event, null=True, on_delete=models.SET_NULL, related_name="+")
    firing = models.ForeignKey(Firing, null=True, on_delete=models.SET_NULL, related_name="+")
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    why = models.TextField(blank=True, default="")
    reason = models.TextField(blank=True, default="", help_text="Why it fired, as shown.")
    rule_name = models.TextField(blank=True, default="")
    status = models.TextField(choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claim = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    slot_at = models.DateTimeField(null=True, blank=True, help_text="Reserved rate-limit slot.")
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=models.Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["channel", "-created_at"], name="delivery_channel_recent"),
            models.Index(fields=["error", "-created_at"], name="delivery_error_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} → {self.channel_id}: {self.status}"


class Outcome(models.TextChoices):
    SENT = "sent", "Sent"
    TRANSIENT = "transient", "Failed, will retry"
    PERMANENT = "permanent", "Failed for good"


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    outcome = models.TextField(choices=Outcome.choices)
    status_code = models.IntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return (
            f"{self.get_outcome_display()} {self.status_code or ''} at {self.started_at:%H:%M:%S}"
        )
