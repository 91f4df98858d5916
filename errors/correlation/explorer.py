"""The log explorer's query: built from a selector and text filters, or raw LogQL for admins.

Either way the selector goes through the LogQL builder, so a query that selects every stream
or has a broken selector is refused here with a reason; what follows a raw selector is Loki's
to judge, and its message is shown as it wrote it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone

from errors.correlation.sources import LokiTarget, loki_target
from logs.logql import LogQuery, Selector
from logs.logql_text import read_string

NS = 1_000_000_000
SINCE = {"5m": 300, "15m": 900, "1h": 3600, "6h": 6 * 3600, "24h": 86400, "7d": 7 * 86400}
DEFAULT_SINCE = "1h"
# What a typed URL may ask for: Loki's timestamps are int64 nanoseconds (until the year 2262),
# and an `until` before the epoch has no range before it.
FIRST_UNTIL = datetime(1970, 1, 1, tzinfo=UTC)
LAST_NS = 2**63 - 1
RAW_START = 'The explorer runs log queries: start with a stream selector such as {job="app"}.'


class ExplorerForm(forms.Form):
    source = forms.CharField(required=False, max_length=100)
    selector = forms.CharField(required=False, max_length=2000)
    contains = forms.CharField(required=False, max_length=500, strip=False)
    excludes = forms.CharField(required=False, max_length=500, strip=False)
    logql = forms.CharField(required=False, max_length=5000)
    since = forms.ChoiceField(choices=[(s, s) for s in SINCE], required=False)
    until = forms.DateTimeField(
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[MinValueValidator(FIRST_UNTIL)],
    )
    start = forms.IntegerField(required=False, min_value=0, max_value=LAST_NS)
    end = forms.IntegerField(required=False, min_value=1, max_value=LAST_NS)

    def query_params(self) -> dict[str, str]:
        """The fields that define the search, to carry on "older" and tail requests."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        keep = ("source", "selector", "contains", "excludes", "logql")
        return {name: str(data[name]) for name in keep if data.get(name)}


@dataclass(frozen=True)
class Search:
    target: LokiTarget
    query: str
    start_ns: int
    end_ns: int
    raw: bool


class SearchRefused(ValueError):
    """The form asks for something the explorer will not send to Loki; the text says why."""


def raw_selector(text: str) -> Selector:
    """The stream selector a raw query starts with, checked by the builder."""
    if not text.startswith("{"):
        raise SearchRefused(f"{RAW_START} Metric queries belong in Grafana.")
    i = 1
    while i < len(text) and text[i] != "}":
        i = read_string(text, i)[1] if text[i] in '"`' else i + 1
    if i >= len(text):
        raise SearchRefused("The stream selector has no closing '}'.")
    return Selector.parse(text[: i + 1])


def build_search(data: dict[str, object], targets: list[str]) -> Search:
    """The query and range a valid form asks for; `SearchRefused` with the reason otherwise.

    `until` was read in the reader's zone (the view validates under `timezone.override`).
    """
    name = str(data.get("source") or (targets[0] if targets else ""))
    target = loki_target(name) if name in targets else None
    if target is None:
        raise SearchRefused("Choose a Loki source.")
    start_ns, end_ns = _range(data)
    raw = str(data.get("logql") or "").strip()
    try:
        if raw:
            raw_selector(raw)
            return Search(target, raw, start_ns, end_ns, raw=True)
        text = str(data.get("selector") or "").strip()
        query = LogQuery(Selector.parse(text) if text else target.base)
        if data.get("contains"):
            query = query.contains(str(data["contains"]))
        if data.get("excludes"):
            query = query.excludes(str(data["excludes"]))
    except ValueError as refused:
        raise SearchRefused(str(refused)) from None
    return Search(target, str(query), start_ns, end_ns, raw=False)


def _range(data: dict[str, object]) -> tuple[int, int]:
    """Explicit `start`/`end` (paging keeps the first page's range), else since/until."""
    start, end = data.get("start"), data.get("end")
    if isinstance(start, int) and isinstance(end, int) and start < end:
        return max(start, end - SINCE["7d"] * NS), end
    until = data.get("until")
    moment = until if isinstance(until, datetime) else timezone.now()
    since = SINCE[str(data.get("since") or DEFAULT_SINCE)]
    start_ns = int((moment - timedelta(seconds=since)).timestamp()) * NS
    return start_ns, int(moment.timestamp() * 1_000_000) * 1_000
