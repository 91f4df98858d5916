"""What a context panel asks for, read from its URL; a bad parameter falls back to its default.

The same parameters ride along on every request the panel makes (switches, load more, save),
so the panel can be rebuilt from its URL alone.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from logs.context import Cursor

NS = 1_000_000_000
WINDOWS = {"15s": 15, "1m": 60, "5m": 300, "15m": 900, "1h": 3600}
DEFAULT_WINDOW = "5m"
LINE_COUNTS = (25, 50, 100, 200)
DEFAULT_LINES = 50


class ScopeForm(forms.Form):
    occurrence = forms.IntegerField(required=False, min_value=1)
    window = forms.ChoiceField(choices=[(w, w) for w in WINDOWS], required=False)
    lines = forms.TypedChoiceField(
        choices=[(n, n) for n in LINE_COUNTS], coerce=int, required=False, empty_value=None
    )
    trace = forms.BooleanField(required=False)
    user = forms.BooleanField(required=False)
    tenant = forms.BooleanField(required=False)
    view = forms.ChoiceField(choices=[("live", "live"), ("saved", "saved")], required=False)


@dataclass(frozen=True, slots=True)
class Scope:
    occurrence: int | None = None
    window: str = DEFAULT_WINDOW
    lines: int = DEFAULT_LINES
    trace: bool = False
    user: bool = False
    tenant: bool = False
    view: str = ""

    @property
    def window_ns(self) -> int:
        return WINDOWS[self.window] * NS

    def query_string(self, **changes: object) -> str:
        """This scope as URL parameters (defaults left out), with `changes` applied."""
        values = {
            "occurrence": self.occurrence or "",
            "window": self.window if self.window != DEFAULT_WINDOW else "",
            "lines": self.lines if self.lines != DEFAULT_LINES else "",
            "trace": "on" if self.trace else "",
            "user": "on" if self.user else "",
            "tenant": "on" if self.tenant else "",
            "view": self.view,
        } | changes
        return urlencode({k: v for k, v in values.items() if v not in ("", None, False)})


def read_scope(params: QueryDict) -> Scope:
    form = ScopeForm(params)
    form.is_valid()
    data = {name: value for name, value in form.cleaned_data.items() if value}
    return Scope(**data)


def read_cursor(params: QueryDict) -> tuple[str, Cursor] | None:
    """`side=before|after` and its `cursor`, or None when either is missing or malformed."""
    side, text = params.get("side", ""), params.get("cursor", "")
    if side not in ("before", "after") or not text or len(text) > 6000:
        return None
    try:
        return side, Cursor.parse(text)
    except ValueError:
        return None
