"""The outbox: domain events written in the same transaction as the counts they come from.

The alerts side reads undispatched rows and sets `dispatched_at`; nothing is sent from inside
the poll, so a crash can neither lose an event nor announce counts that were rolled back.
`frequency` (new lines of an open error) is kept to one pending row per error: later lines
add to it until it is dispatched.
"""

from django.db import models
from django.db.models.functions import Now

from errors.models.groups import ErrorGroup


class EventKind(models.TextChoices):
    NEW = "new", "New error"
    REGRESSION = "regression", "Regression"
    UNIGNORED = "unignored", "Came back from ignore"
    FREQUENCY = "frequency", "Frequency crossed"


class Event(models.Model):
    kind = models.TextField(choices=EventKind.choices)
    error = models.ForeignKey(ErrorGroup, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField(db_default=Now())
    data = models.JSONField(default=dict, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # a pending frequency event absorbs the next ones, so the outbox cannot pile up
            models.UniqueConstraint(
                fields=["error"],
                condition=models.Q(kind="frequency", dispatched_at__isnull=True),
                name="event_one_pending_frequency",
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="event_pending",
                condition=models.Q(dispatched_at__isnull=True),
            ),
            # retention deletes dispatched events by age (errors/retention.py)
            models.Index(
                fields=["dispatched_at"],
                name="event_dispatched",
                condition=models.Q(dispatched_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.error_id}"
