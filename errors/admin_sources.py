"""Admin for Loki sources: configuration editable, health and cursor read-only.

Imported by errors/admin.py, which registers it.
"""

from datetime import UTC, datetime
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from errors.models import LokiSource

HEALTH = (
    "lag_seconds",
    "last_success_at",
    "last_failure_at",
    "last_failure_message",
    "last_lines_read",
    "last_groups_touched",
    "last_parse_failures",
    "lines_read",
    "parse_failures",
)
CURSOR = ("cursor_at", "cursor_ns", "sweep_floor_ns", "last_sweep_at", "last_attempt_at")


class LokiSourceAdmin(admin.ModelAdmin[LokiSource]):
    list_display = (
        "name",
        "enabled",
        "url",
        "tenant",
        "selector",
        "lag_seconds",
        "last_success_at",
        "last_failure_at",
        "last_parse_failures",
    )
    list_filter = ("enabled", "auth_type", "error_filter")
    search_fields = ("name", "url", "tenant", "selector")
    readonly_fields = (*HEALTH, *CURSOR, "created_at")
    fieldsets = (
        (None, {"fields": ("name", "enabled", "selector", "poll_interval")}),
        (
            "Connection",
            {
                "fields": (
                    "url",
                    "tenant",
                    "auth_type",
                    "username",
                    "secret_env",
                    "secret_file",
                    "tls_verify",
                    "ca_bundle",
                    "client_cert",
                    "client_key",
                    "connect_timeout",
                    "read_timeout",
                )
            },
        ),
        (
            "Which lines are errors",
            {
                "fields": (
                    "error_filter",
                    "level_label",
                    "error_levels",
                    "line_filter",
                    "field_mapping",
                    "service_labels",
                    "environment_labels",
                )
            },
        ),
        ("Late lines", {"fields": ("delay", "lookback", "sweep_interval")}),
        ("Health", {"fields": HEALTH}),
        ("Cursor", {"classes": ("collapse",), "fields": (*CURSOR, "created_at")}),
    )

    @admin.display(description="read up to")
    def cursor_at(self, obj: LokiSource) -> datetime | None:
        if obj.cursor_ns is None:
            return None
        return datetime.fromtimestamp(obj.cursor_ns / 1e9, UTC)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """The name keys counts (`source` on errors); fixed once the source exists."""
        fixed = ("name",) if obj is not None else ()
        return (*self.readonly_fields, *fixed)
