"""A Loki source the workers poll: where it is, what to read, where reading stopped, how it went.

Secrets are never stored: a source names the environment variable or file that holds one.
The cursor (Unix nanoseconds, end-exclusive) commits in the same transaction as the counts it
produced, which is what makes a poll exactly-once.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from errors.ingest.fields import mapping_for
from logs.logql import Selector


def base_url(value: str) -> None:
    """http(s)://host[:port][/prefix]; unlike URLField, a bare compose host name such as `loki`."""
    parts = urlsplit(value)
    if "@" in parts.netloc:  # shown in lists: never repeat it in the message either
        raise ValidationError("Name the password or token as a secret, not in the URL.")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ValidationError(f"{value!r} is not a base URL like http://loki:3100")


class AuthType(models.TextChoices):
    NONE = "none", "None"
    BASIC = "basic", "Basic (user name + password)"
    BEARER = "bearer", "Bearer token"


class ErrorFilter(models.TextChoices):
    LABEL = "label", "Level label matcher (fastest; needs a level label)"
    LINE = "line", "Line filter on the JSON level field"
    NONE = "none", "None: the selector already picks error lines"


class LokiSource(models.Model):
    name = models.SlugField(max_length=100, unique=True)
    enabled = models.BooleanField(default=True)

    url = models.CharField(
        "Loki URL", max_length=500, validators=[base_url], help_text="e.g. http://loki:3100"
    )
    tenant = models.CharField(max_length=200, blank=True, help_text="X-Scope-OrgID")
    auth_type = models.CharField(max_length=10, choices=AuthType.choices, default=AuthType.NONE)
    username = models.CharField(max_length=200, blank=True)
    secret_env = models.CharField(
        max_length=200, blank=True, help_text="Environment variable holding the password or token"
    )
    secret_file = models.CharField(
        max_length=500, blank=True, help_text="File holding the password or token"
    )
    tls_verify = models.BooleanField("verify TLS", default=True)
    ca_bundle = models.CharField("CA bundle path", max_length=500, blank=True)
    client_cert = models.CharField("client certificate path", max_length=500, blank=True)
    client_key = models.CharField("client key path", max_length=500, blank=True)
    connect_timeout = models.FloatField(default=5.0, help_text="seconds")
    read_timeout = models.FloatField(default=60.0, help_text="seconds")

    selector = models.TextField(help_text='Stream selector, e.g. {job="fraiseql-app"}')
    error_filter = models.CharField(
        max_length=10, choices=ErrorFilter.choices, default=ErrorFilter.LABEL
    )
    level_label = models.CharField(max_length=100, default="level")
    error_levels = models.CharField(max_length=200, default="error,critical,fatal")
    line_filter = models.CharField(
        max_length=500, blank=True, help_text="Text every wanted line contains (|= filter)"
    )
    field_mapping = models.JSONField(
        default=dict, blank=True, help_text='Overrides, e.g. {"user": "context.user_id"}'
    )
    service_labels = models.CharField(max_length=200, default="service_name,job")
    environment_labels = models.CharField(max_length=200, default="env,environment")

    delay = models.DurationField(default=timedelta(seconds=10), help_text="Wait for late lines")
    lookback = models.DurationField(
        default=timedelta(minutes=15), help_text="Late lines are still counted this far back"
    )
    sweep_interval = models.DurationField(
        default=timedelta(minutes=1), help_text="How often the lookback window is re-read"
    )
    poll_interval = models.DurationField(default=timedelta(seconds=10))

    cursor_ns = models.BigIntegerField(null=True, blank=True, help_text="Read up to (excluded)")
    sweep_floor_ns = models.BigIntegerField(
        null=True, blank=True, help_text="The sweep never reads before this (see ingest.cursor)"
    )
    last_sweep_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    lag_seconds = models.FloatField(null=True, blank=True)
    lines_read = models.BigIntegerField(default=0)
    parse_failures = models.BigIntegerField(default=0)
    groups_touched = models.BigIntegerField(default=0)
    last_lines_read = models.IntegerField(default=0)
    last_groups_touched = models.IntegerField(default=0)
    last_parse_failures = models.IntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_failure_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def _check_secret_location(self) -> None:
        """Only variables and files meant for Loki: the secret is sent to `url`, which an admin
        chooses, so naming DATABASE_URL or the Django key here would hand it to that host."""
        prefixes = tuple(settings.SOURCE_SECRET_ENV_PREFIXES)
        if self.secret_env and not self.secret_env.startswith(prefixes):
            raise ValidationError(
                {"secret_env": f"Use a variable whose name starts with {' or '.join(prefixes)}."}
            )
        if self.secret_file:
            path = Path(self.secret_file).resolve()
            allowed = [Path(folder).resolve() for folder in settings.SOURCE_SECRET_DIRS]
            if not any(path.is_relative_to(folder) for folder in allowed):
                folders = ", ".join(str(folder) for folder in allowed)
                raise ValidationError({"secret_file": f"Keep source secrets under {folders}."})

    def clean(self) -> None:
        needs_secret = self.auth_type != AuthType.NONE
        if needs_secret and bool(self.secret_env) == bool(self.secret_file):
            raise ValidationError("Name exactly one of a secret environment variable or file.")
        self._check_secret_location()
        if self.auth_type == AuthType.BASIC and not self.username:
            raise ValidationError({"username": "Basic auth needs a user name."})
        if not isinstance(self.field_mapping, dict):
            raise ValidationError({"field_mapping": "A JSON object of field names."})
        try:
            mapping_for(self.field_mapping)
        except ValueError as exc:
            raise ValidationError({"field_mapping": str(exc)}) from None
        try:
            Selector.parse(self.selector)
        except ValueError as exc:
            raise ValidationError({"selector": str(exc)}) from None


class CountedLines(models.Model):
    """Keys of lines already counted, per source and minute, for the lookback sweep.

    8 bytes a line (see errors/ingest/lookback.py), kept only for the lookback window.
    """

    source = models.ForeignKey(LokiSource, on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField()
    keys = models.BinaryField()

    class Meta:
        verbose_name_plural = "counted lines"
        constraints = [
            models.UniqueConstraint(fields=["source", "minute"], name="counted_source_minute"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} minute {self.minute}: {len(self.keys) // 8} lines"
