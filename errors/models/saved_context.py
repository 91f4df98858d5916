"""Log lines around an occurrence, copied out of Loki so they outlive its retention.

PostgreSQL keeps errors for years, Loki keeps lines for weeks. A saved context is bounded (at
most a hundred scrubbed lines, each cut to `LINE_CHARS`, and `KEEP_PER_ERROR` per error) and
keeps its anchor and query, so it still reads right after its occurrence has been pruned.
"""

from django.conf import settings
from django.db import models

from errors.models.groups import ErrorGroup
from errors.models.occurrences import Occurrence

LINE_CHARS = 16_384
KEEP_PER_ERROR = 20
SAVE_PERMISSION = "errors.add_savedcontext"
RAW_LOGQL_PERMISSION = "errors.run_raw_logql"


class SaveReason(models.TextChoices):
    FIRST = "first", "First occurrence"
    REGRESSION = "regression", "Regression"
    MANUAL = "manual", "Saved by hand"


class SavedContext(models.Model):
    error = models.ForeignKey(ErrorGroup, on_delete=models.CASCADE, related_name="saved_contexts")
    occurrence = models.ForeignKey(
        Occurrence,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="saved_contexts",
    )
    reason = models.TextField(choices=SaveReason.choices)
    anchor_ns = models.BigIntegerField(help_text="The occurrence's Loki timestamp")
    stream_labels = models.JSONField(default=dict, blank=True)
    source = models.TextField(default="", blank=True, help_text="Loki source name")
    query = models.TextField(help_text="The LogQL that read the lines")
    start_ns = models.BigIntegerField()
    end_ns = models.BigIntegerField()
    streams = models.JSONField(default=list, help_text="Label sets, referenced by index")
    lines = models.JSONField(
        default=list, help_text='[["<ns>", stream index, "line", {metadata}], ...]'
    )
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-saved_at"]
        indexes = [models.Index(fields=["error", "-anchor_ns"], name="saved_error_anchor")]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "reason"], name="saved_occurrence_reason")
        ]
        permissions = [("run_raw_logql", "Can run raw LogQL in the log explorer")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} of {self.error_id}: {len(self.lines)} lines"
