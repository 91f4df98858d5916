"""Admin for the error domain: useful columns, filters, search.

Counters, status and assignee are read-only here: triage changes go through errors.triage
(the console's pages and API), which validates them and writes the history.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from errors.admin_sources import LokiSourceAdmin
from errors.models import (
    Activity,
    ApiKey,
    ErrorGroup,
    HourlyCount,
    LokiSource,
    Note,
    Occurrence,
)

COUNTERS = (
    "occurrence_count",
    "first_seen_at",
    "last_seen_at",
    "regression_count",
    "last_regressed_at",
    "noticed_at",
    "noticed_count",
    "grouping_version",
)


class NoteInline(admin.TabularInline[Note, ErrorGroup]):
    model = Note
    extra = 0
    fields = ("created_at", "author", "body")
    readonly_fields = ("created_at", "author")


@admin.register(ErrorGroup)
class ErrorGroupAdmin(admin.ModelAdmin[ErrorGroup]):
    list_display = (
        "title",
        "status",
        "service",
        "environment",
        "occurrence_count",
        "last_seen_at",
        "assignee",
        "regression_count",
    )
    list_filter = ("status", "service", "environment", "level", "source", "assignee")
    search_fields = ("fingerprint", "message", "exception_type")
    readonly_fields = (
        *COUNTERS,
        "fingerprint",
        "id",
        "status",
        "assignee",
        "resolved_at",
        "resolved_by",
        "ignored_until",
        "ignored_until_count",
    )
    list_select_related = ("assignee",)
    show_full_result_count = False
    inlines = (NoteInline,)
    fieldsets = (
        (None, {"fields": ("id", "fingerprint", "message", "exception_type", "status")}),
        ("Where", {"fields": ("service", "environment", "level", "source", "last_trace_id")}),
        ("Counters", {"fields": COUNTERS}),
        ("Triage", {"fields": ("assignee", "resolved_at", "resolved_by", "ignored_until")}),
        ("Detail", {"classes": ("collapse",), "fields": ("stack_trace", "metadata")}),
    )

    @admin.display(description="error", ordering="message")
    def title(self, obj: ErrorGroup) -> str:
        return obj.title

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin[Occurrence]):
    list_display = ("timestamp", "error", "service", "environment", "tenant", "user", "trace_id")
    list_filter = ("service", "environment", "source")
    search_fields = ("trace_id", "tenant", "user", "error__fingerprint")
    raw_id_fields = ("error",)
    list_select_related = ("error",)
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Occurrence._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(HourlyCount)
class HourlyCountAdmin(admin.ModelAdmin[HourlyCount]):
    list_display = ("hour", "error", "count")
    raw_id_fields = ("error",)
    readonly_fields = ("hour", "error", "count")
    list_select_related = ("error",)
    date_hierarchy = "hour"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin[Note]):
    list_display = ("created_at", "error", "author", "body")
    search_fields = ("body",)
    raw_id_fields = ("error",)
    list_select_related = ("error", "author")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    list_display = ("created_at", "kind", "error", "actor", "actor_label")
    list_filter = ("kind", "actor_label")
    raw_id_fields = ("error",)
    readonly_fields = ("created_at", "kind", "error", "actor", "actor_label", "data")
    list_select_related = ("error", "actor")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """History is the record of what happened: deleting an error is the only way out."""
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Who has API tokens; deleting a row revokes that person's tokens. The key is never shown."""

    list_display = ("user", "created_at")
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")
    search_fields = ("user__username",)
    list_select_related = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(LokiSource, LokiSourceAdmin)
