"""An error group: one row of `monitoring.errors`, the table applications already write to.

The table's DDL lives in migration 0001 (exact types, defaults and check constraint), so the
model is unmanaged: Django reads and writes it but never reshapes it. Every column the console
adds has a database default, so an application's own INSERT ... ON CONFLICT keeps working.
"""

import uuid

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    INVESTIGATING = "investigating", "Investigating"
    RESOLVED = "resolved", "Resolved"
    IGNORED = "ignored", "Ignored"


UNRESOLVED = (Status.NEW, Status.INVESTIGATING)


class ErrorGroup(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    fingerprint = models.TextField(unique=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    occurrence_count = models.IntegerField(default=1)
    message = models.TextField()
    stack_trace = models.TextField(null=True, blank=True)  # noqa: DJ001 (the application's schema)
    metadata = models.JSONField(null=True, blank=True)
    status = models.TextField(  # noqa: DJ001 (the application's schema allows NULL)
        choices=Status.choices, default=Status.NEW, null=True
    )

    exception_type = models.TextField(default="", blank=True)
    service = models.TextField(default="", blank=True)
    environment = models.TextField(default="", blank=True)
    level = models.TextField(default="error", blank=True)
    last_trace_id = models.TextField(default="", blank=True)
    source = models.TextField(
        default="", blank=True, help_text="Loki source name, or empty for SQL"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_errors",
        db_constraint=False,
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    regression_count = models.IntegerField(default=0)
    last_regressed_at = models.DateTimeField(null=True, blank=True)
    ignored_until = models.DateTimeField(null=True, blank=True)
    ignored_until_count = models.IntegerField(
        null=True, blank=True, help_text="Come back once occurrence_count reaches this."
    )
    grouping_version = models.IntegerField(
        default=0, help_text="0: fingerprint given by the application; n: computed by version n"
    )
    noticed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the console first saw the row (NULL: not yet)."
    )
    noticed_count = models.IntegerField(
        default=0, help_text="occurrence_count when the console last looked at the row."
    )

    class Meta:
        managed = False
        db_table = 'monitoring"."errors'
        verbose_name = "error"
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        title = f"{self.exception_type}: {self.message}" if self.exception_type else self.message
        return title[:120]

    @property
    def title(self) -> str:
        return str(self)

    @property
    def is_regressed(self) -> bool:
        return self.regression_count > 0 and self.status in UNRESOLVED
