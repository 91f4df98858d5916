"""Alerts in the admin: channels (write-only secrets, test action), rules (preview), deliveries."""

from uuid import uuid4

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from alerts import sending
from alerts.admin_forms import ChannelForm, RuleForm
from alerts.models import Attempt, Channel, Delivery, DeliveryKind, DeliveryStatus, Rule
from alerts.preview import preview

FAILURE = ("last_success_at", "last_failure_at", "last_failure")


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    form = ChannelForm
    list_display = ("name", "kind", "enabled", "has_url", "last_success_at", "last_failure_at",
                    "short_failure")  # fmt: skip
    list_filter = ("kind", "enabled")
    readonly_fields = FAILURE
    actions = ["send_test_alert"]

    @admin.display(description="URL set", boolean=True)
    def has_url(self, obj: Channel) -> bool:
        return bool(obj.url)

    @admin.display(description="last failure")
    def short_failure(self, obj: Channel) -> str:
        return obj.last_failure[:120]

    @admin.action(description="Send test alert")
    def send_test_alert(self, request: HttpRequest, queryset: QuerySet[Channel]) -> None:
        for channel in queryset:
            now = timezone.now()
            delivery = Delivery.objects.create(
                key=f"test-{channel.pk}-{uuid4().hex}", kind=DeliveryKind.TEST, channel=channel,
                next_attempt_at=now, created_at=now,
            )  # fmt: skip
            result = sending.deliver_one(delivery.pk)
            delivery.refresh_from_db()
            if result.status == DeliveryStatus.SENT:
                self.message_user(request, f"Test alert to {channel.name}: sent.", messages.SUCCESS)
            else:
                text = (
                    f"Test alert to {channel.name}: failed: {delivery.last_error or result.status}"
                )
                self.message_user(request, text, messages.ERROR)


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin[Rule]):
    form = RuleForm
    list_display = ("name", "enabled", "on_new", "on_regression", "on_unignored", "min_count",
                    "spike_factor", "repeat_interval")  # fmt: skip
    list_filter = ("enabled",)
    filter_horizontal = ("channels",)
    actions = ["preview_rules"]
    fieldsets = (
        (None, {"fields": ("name", "enabled")}),
        ("When (any of)", {"fields": ("on_new", "on_regression", "on_unignored",
                                     ("min_count", "window_minutes"), "spike_factor")}),
        ("If (all of)", {"fields": ("services", "environments", "levels", "exception_types",
                                   "tenants", "assigned")}),
        ("Then", {"fields": ("channels", "repeat_interval")}),
    )  # fmt: skip

    @admin.action(description="Preview: which current errors would it fire for?")
    def preview_rules(self, request: HttpRequest, queryset: QuerySet[Rule]) -> TemplateResponse:
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "title": "Rule preview",
            "opts": self.model._meta,
            "previews": [(rule, preview(rule, now)) for rule in queryset],
        }
        return TemplateResponse(request, "admin/alerts/rule_preview.html", context)


class AttemptInline(admin.TabularInline[Attempt, Delivery]):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ("started_at", "outcome", "status_code", "error", "response_excerpt")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("created_at", "kind", "channel", "status", "attempts", "reason", "last_error")
    list_filter = ("status", "kind", "channel")
    list_select_related = ("channel",)
    raw_id_fields = ("error", "event", "firing", "digest")
    inlines = (AttemptInline,)
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Delivery | None = None) -> list[str]:
        return [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
