"""Who or what did what to an error: every state change writes one row here."""

from django.conf import settings
from django.db import models

from errors.models.groups import ErrorGroup


class ActivityKind(models.TextChoices):
    CREATED = "created", "Created"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Assigned"
    REGRESSED = "regressed", "Regressed"
    UNIGNORED = "unignored", "Came back from ignore"
    NOTE_ADDED = "note_added", "Note added"
    ALERTED = "alerted", "Alerted"


class Activity(models.Model):
    error = models.ForeignKey(
        ErrorGroup, on_delete=models.CASCADE, related_name="activities", db_index=False
    )  # activity_error_recent starts with error_id: a second index would only slow every insert
    kind = models.TextField(choices=ActivityKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.TextField(default="", blank=True, help_text="'poller', 'sql', 'api'…")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "activity"
        indexes = [models.Index(fields=["error", "-created_at"], name="activity_error_recent")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        who = self.actor or self.actor_label or "system"
        return f"{self.get_kind_display()} by {who}"


class Note(models.Model):
    error = models.ForeignKey(ErrorGroup, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]
