"""Template helpers: links that keep the URL's state, compact numbers and ages."""

from datetime import datetime
from typing import Any

from django import template
from django.http import QueryDict
from django.utils import timezone

from errors.stats import COUNT_CAP

register = template.Library()

AGES = [(86400 * 365, "y"), (86400 * 30, "mo"), (86400, "d"), (3600, "h"), (60, "m")]


@register.simple_tag(takes_context=True)
def with_params(context: dict[str, Any], **changes: Any) -> str:
    """The current list's query string with some parameters changed; back to page one."""
    params: QueryDict = context.get("params") or QueryDict()
    params = params.copy()
    if "cursor" not in changes:
        params.pop("cursor", None)
    for key, value in changes.items():
        if value in ("", None):
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def compact(number: int | None) -> str:
    """12345 → 12.3k: counts stay narrow in a table column."""
    if number is None:
        return "0"
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if abs(number) >= size:
            value = f"{number / size:.1f}".removesuffix(".0")
            return f"{value}{suffix}"
    return str(number)


@register.filter
def ago(moment: datetime | None, word: str = "ago") -> str:
    """5m ago, 3h ago, 2d old: how long ago, in the fewest characters."""
    if moment is None:
        return ""
    seconds = (timezone.now() - moment).total_seconds()
    for size, suffix in AGES:
        if seconds >= size:
            return f"{int(seconds // size)}{suffix} {word}"
    return "just now"


@register.filter
def capped(count: int | None) -> str:
    """Counts stop at 10,001 rows (see errors.stats); say "10k+" rather than a wrong total."""
    if count is None:
        return ""
    return f"{COUNT_CAP // 1000}k+" if count > COUNT_CAP else compact(count)


@register.filter
def initials(user: Any) -> str:
    name = user.get_full_name() or user.get_username() if user else ""
    parts = [p for p in name.replace(".", " ").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"
