"""When to alert (any of the triggers), about which errors (all filters), to which channels."""

from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from alerts.models.channels import Channel

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
REPEAT_CHOICES = [
    (5 * MINUTE, "5 minutes"),
    (10 * MINUTE, "10 minutes"),
    (30 * MINUTE, "30 minutes"),
    (HOUR, "1 hour"),
    (3 * HOUR, "3 hours"),
    (12 * HOUR, "12 hours"),
    (DAY, "24 hours"),
    (7 * DAY, "7 days"),
    (30 * DAY, "30 days"),
]


class Assigned(models.TextChoices):
    ANY = "any", "Assigned or not"
    YES = "assigned", "Assigned"
    NO = "unassigned", "Unassigned"


def _texts() -> "ArrayField[list[str], list[str]]":
    return ArrayField(models.TextField(), default=list, blank=True, help_text="Empty: any.")


class Rule(models.Model):
    name = models.TextField(unique=True)
    enabled = models.BooleanField(default=True)
    on_new = models.BooleanField("a new error", default=True)
    on_regression = models.BooleanField("a regression", default=True)
    on_unignored = models.BooleanField("an ignored error coming back", default=False)
    min_count = models.PositiveIntegerField(
        "at least N occurrences", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    window_minutes = models.PositiveIntegerField(
        "in M minutes", default=5, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    spike_factor = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1.5)],
        help_text="Fire when the last M minutes hold this many times the error's usual rate.",
    )
    services = _texts()
    environments = _texts()
    levels = _texts()
    exception_types = _texts()
    tenants = _texts()
    assigned = models.TextField(choices=Assigned.choices, default=Assigned.ANY)
    channels = models.ManyToManyField(Channel, related_name="rules")
    repeat_interval = models.DurationField(
        choices=REPEAT_CHOICES,
        default=HOUR,
        validators=[MinValueValidator(5 * MINUTE), MaxValueValidator(30 * DAY)],
        help_text="At most one alert per error from this rule within this interval.",
    )
    from_env = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
