"""Occurrences are small pointers into Loki (the raw line stays there), bounded per error.

Hourly counts carry the history for charts and windows without keeping every line (for
HOURLY_COUNT_RETENTION_DAYS: errors/retention.py).
"""

from django.db import models

from errors.models.groups import ErrorGroup


class Occurrence(models.Model):
    error = models.ForeignKey(
        ErrorGroup, on_delete=models.CASCADE, related_name="occurrences", db_index=False
    )  # occ_error_recent starts with error_id: a second index would only slow every insert
    timestamp = models.DateTimeField()
    timestamp_ns = models.BigIntegerField(help_text="Loki's nanosecond timestamp")
    source = models.TextField(default="", blank=True)
    stream_labels = models.JSONField(default=dict, blank=True)
    trace_id = models.TextField(default="", blank=True)
    span_id = models.TextField(default="", blank=True)
    tenant = models.TextField(default="", blank=True)
    user = models.TextField(default="", blank=True)
    operation = models.TextField(default="", blank=True)
    service = models.TextField(default="", blank=True)
    environment = models.TextField(default="", blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["error", "-timestamp_ns"], name="occ_error_recent"),
            models.Index(fields=["trace_id"], name="occ_trace", condition=~models.Q(trace_id="")),
        ]

    def __str__(self) -> str:
        return f"{self.error_id} @ {self.timestamp.isoformat()}"


class HourlyCount(models.Model):
    error = models.ForeignKey(
        ErrorGroup, on_delete=models.CASCADE, related_name="hourly_counts", db_index=False
    )  # the unique (error, hour) constraint's index serves lookups by error
    hour = models.DateTimeField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["error", "hour"], name="hourly_error_hour"),
        ]
        indexes = [models.Index(fields=["hour"], name="hourly_hour")]

    def __str__(self) -> str:
        return f"{self.error_id} {self.hour:%Y-%m-%d %H}:00 x{self.count}"
