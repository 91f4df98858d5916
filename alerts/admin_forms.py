"""Admin forms: webhook URLs and secrets are write-only, rules must be able to fire."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from alerts.models import Channel, ChannelKind, Rule

KEEP = "Write-only: never shown again. Leave empty to keep the saved value."


class ChannelForm(forms.ModelForm[Channel]):
    url = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), help_text=KEEP
    )
    secret = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), help_text=KEEP
    )

    class Meta:
        model = Channel
        fields = ["name", "kind", "enabled", "url", "secret", "recipients", "digest_threshold"]

    def clean_url(self) -> str:
        url = str(self.cleaned_data.get("url") or "").strip()
        if not url:
            return self.instance.url if self.instance.pk else ""
        URLValidator(schemes=["http", "https"])(url)
        return url

    def clean_secret(self) -> str:
        secret = str(self.cleaned_data.get("secret") or "")
        return secret or (self.instance.secret if self.instance.pk else "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (ChannelKind.SLACK, ChannelKind.WEBHOOK) and not data.get("url"):
            self.add_error("url", "This channel needs a URL.")
        if kind == ChannelKind.EMAIL and not data.get("recipients"):
            self.add_error("recipients", "An e-mail channel needs at least one recipient.")
        return data


class RuleForm(forms.ModelForm[Rule]):
    class Meta:
        model = Rule
        fields = [
            "name", "enabled", "on_new", "on_regression", "on_unignored", "min_count",
            "window_minutes", "spike_factor", "services", "environments", "levels",
            "exception_types", "tenants", "assigned", "channels", "repeat_interval",
        ]  # fmt: skip

    def clean_min_count(self) -> int | None:
        count: int | None = self.cleaned_data.get("min_count")
        keep = settings.OCCURRENCES_KEEP_RECENT
        if count is not None and count > keep:
            raise ValidationError(f"At most {keep}: only the newest {keep} occurrences are kept.")
        return count

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        triggers = ("on_new", "on_regression", "on_unignored", "min_count", "spike_factor")
        if not any(data.get(name) for name in triggers):
            raise ValidationError("Choose at least one trigger: the rule could never fire.")
        return data
