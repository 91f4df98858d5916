"""Where alerts go. URLs and secrets are write-only in the admin; the last failure stays visible."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class ChannelKind(models.TextChoices):
    SLACK = "slack", "Slack incoming webhook"
    WEBHOOK = "webhook", "Webhook (signed JSON)"
    EMAIL = "email", "E-mail"


class Channel(models.Model):
    name = models.TextField(unique=True)
    kind = models.TextField(choices=ChannelKind.choices)
    enabled = models.BooleanField(default=True)
    url = models.TextField(blank=True, default="", help_text="Slack or webhook URL (write-only).")
    secret = models.TextField(blank=True, default="", help_text="Webhook signing secret.")
    recipients = ArrayField(models.EmailField(), default=list, blank=True)
    digest_threshold = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="More alerts than this within a minute go out as one digest.",
    )
    from_env = models.TextField(
        blank=True, default="", help_text="The environment variable this channel was made from."
    )
    next_send_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_failure_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_failure = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_env"], condition=~models.Q(from_env=""), name="channel_from_env"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"
