"""Read the URL and the action forms; a bad query parameter falls back to its default."""

import uuid
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import QueryDict

from errors.models import Status
from errors.paging import SORTS, Cursor
from errors.querysets import TABS, StreamQuery
from errors.search import parse

AGES = [("", "Any time"), ("-1h", "1 hour"), ("-24h", "24 hours"), ("-7d", "7 days")]
AGES += [("-14d", "14 days"), ("-30d", "30 days")]
SORT_CHOICES = [("last", "Last seen"), ("first", "First seen"), ("count", "Total events")]
SORT_CHOICES += [("window", "Events in period")]
PERIODS = [("24h", "24h"), ("14d", "14d")]
IGNORE_FOR: dict[str, timedelta | int | None] = {"": None, "1h": timedelta(hours=1)}
IGNORE_FOR |= {"24h": timedelta(days=1)}
IGNORE_FOR |= {"7d": timedelta(days=7), "10x": 10, "100x": 100}
PEOPLE_KEY = "assignable-names"
PEOPLE_TTL = 60
BULK_ACTIONS = ["resolved", "ignored", "investigating", "new", "assign"]


class StreamForm(forms.Form):
    status = forms.ChoiceField(choices=[(t, t) for t in TABS], required=False)
    q = forms.CharField(required=False, max_length=500)
    assigned = forms.CharField(required=False, max_length=150)
    service = forms.CharField(required=False, max_length=200)
    env = forms.CharField(required=False, max_length=200)
    level = forms.CharField(required=False, max_length=50)
    type = forms.CharField(required=False, max_length=200)
    first = forms.ChoiceField(choices=AGES, required=False)
    last = forms.ChoiceField(choices=AGES, required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)
    period = forms.ChoiceField(choices=PERIODS, required=False)
    cursor = forms.CharField(required=False, max_length=200)


def stream_query(params: QueryDict) -> tuple[StreamQuery, Cursor | None]:
    """The list a URL asks for, and where its page starts."""
    form = StreamForm(params)
    form.is_valid()
    data: dict[str, Any] = {k: v for k, v in form.cleaned_data.items() if v}
    query = StreamQuery(
        tab=data.get("status", "unresolved"),
        search=parse(data.get("q", "")),
        sort=data.get("sort", "last"),
        period=data.get("period", "24h"),
        **{k: data.get(k, "") for k in ("assigned", "service", "env", "level", "type")},
        **{k: data.get(k, "") for k in ("first", "last")},
    )
    token = data.get("cursor")
    cursor_sort = query.sort if query.sort in SORTS else "count"
    return query, Cursor.decode(token, cursor_sort) if token else None


def assignable_users() -> QuerySet[Any]:
    """Active people who can act on an error: triagers, admins and superusers."""
    roles = Q(groups__name__in=["triager", "admin"]) | Q(is_superuser=True)
    return get_user_model().objects.filter(roles, is_active=True).distinct().order_by("username")


def assignable_names() -> list[str]:
    """Usernames for the assignee menus on every page, cached for a minute."""
    names: list[str] | None = cache.get(PEOPLE_KEY)
    if names is None:
        names = list(assignable_users().values_list("username", flat=True))
        cache.set(PEOPLE_KEY, names, PEOPLE_TTL)
    return names


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    ignore_for = forms.ChoiceField(choices=[(k, k) for k in IGNORE_FOR], required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=assignable_users(), to_field_name="username", required=False
    )


class NoteForm(forms.Form):
    body = forms.CharField(max_length=10_000, strip=True)


class IdsField(forms.Field):
    """Error ids from checkboxes named `ids`."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[uuid.UUID]:
        try:
            return [uuid.UUID(str(v)) for v in value or []]
        except ValueError:
            raise forms.ValidationError("not an error id") from None

    def validate(self, value: Any) -> None:
        if not value:
            raise forms.ValidationError("Select at least one error.")


class BulkForm(AssignForm):
    action = forms.ChoiceField(choices=[(a, a) for a in BULK_ACTIONS])
    ids = IdsField()
    # The stream's filters, URL-encoded: a 500-character search alone may need 6,000 (%XX x 4).
    next = forms.CharField(required=False, max_length=20_000)
