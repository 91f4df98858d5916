"""Which errors a stream (or an API list) shows: status tab, filters, search, in one `Q`.

The pages and the JSON API both build a `StreamQuery` and call `filtered()`, so a filter means
the same thing everywhere. Paging lives in `errors.paging`.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F, Lookup, Q, QuerySet

from errors.models import ErrorGroup, Status
from errors.models.groups import UNRESOLVED
from errors.search import Search, Term, parse_age, parse_comparison

TABS: dict[str, Q] = {
    "unresolved": Q(status__in=UNRESOLVED),
    "new": Q(status=Status.NEW),
    "investigating": Q(status=Status.INVESTIGATING),
    "regressed": Q(regression_count__gt=0, status__in=UNRESOLVED),
    "resolved": Q(status=Status.RESOLVED),
    "ignored": Q(status=Status.IGNORED),
    "all": Q(),
}
TRIGRAM = 3
WORD = re.compile(r"\w+")
FIELDS = {"service": "service", "env": "environment", "level": "level", "type": "exception_type"}


@dataclass(frozen=True)
class StreamQuery:
    """Everything the URL says about a list of errors, already validated."""

    tab: str = "unresolved"
    search: Search = field(default_factory=Search)
    assigned: str = ""
    service: str = ""
    env: str = ""
    level: str = ""
    type: str = ""
    first: str = ""
    last: str = ""
    sort: str = "last"
    period: str = "24h"

    def filter_terms(self) -> list[Term]:
        """The filter-bar choices as search terms, so both go through one translation."""
        pairs = [("assigned", self.assigned), ("first", self.first), ("last", self.last)]
        pairs += [(key, getattr(self, key)) for key in FIELDS]
        return [Term(key, (value,)) for key, value in pairs if value]


def _is_q(value: str) -> Q:
    return TABS[value.lower()]


def _assigned_q(value: str, user: Any) -> Q:
    if value.lower() == "me":
        return Q(assignee_id=user.pk if user is not None else None)
    if value.lower() == "none":
        return Q(assignee__isnull=True)
    return Q(assignee__username=value)


def _age_q(column: str, value: str, now: datetime) -> Q:
    age = parse_age(value)
    assert age is not None, "validated by the parser"
    within, delta = age
    return Q(**{f"{column}__{'gte' if within else 'lt'}": now - delta})


def _value_q(term: Term, value: str, user: Any, now: datetime) -> Q:
    if term.key == "is":
        return _is_q(value)
    if term.key == "assigned":
        return _assigned_q(value, user)
    if term.key == "times":
        comparison = parse_comparison(value)
        assert comparison is not None, "validated by the parser"
        return Q(**{f"occurrence_count__{comparison[0]}": comparison[1]})
    if term.key in ("first", "last"):
        return _age_q(f"{term.key}_seen_at", value, now)
    return Q(**{FIELDS[term.key]: value})


def term_q(term: Term, user: Any, now: datetime) -> Q:
    """`key:[a,b]` matches any value; `!key:v` matches none of them."""
    combined = Q()
    for value in term.values:
        combined |= _value_q(term, value, user, now)
    return ~combined if term.negated else combined


class ILike(Lookup[str]):
    """`col ILIKE pattern`: Django's icontains writes UPPER(col) LIKE, which no index serves."""

    lookup_name = "ilike"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


class MatchesWord(Lookup[str]):
    """Whole-word match on the `to_tsvector('simple', col)` GIN index (same expression)."""

    lookup_name = "matches_word"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"to_tsvector('simple', {lhs}) @@ plainto_tsquery('simple', {rhs})"
        return sql, (*lhs_params, *rhs_params)


def word_q(word: str) -> Q:
    """A free word is a substring of the message or the fingerprint.

    Both columns have trigram GIN indexes: PostgreSQL estimates from its statistics how common
    the word is and walks the sort index for a common word (the first page fills at once) or
    the trigram index for a rare one. Trigrams need three characters, so a shorter word is
    matched as a whole word through the full-text index instead of scanning the table; short
    punctuation (`->`, `::`) is no word for that index and is matched as a substring.
    """
    if len(word) < TRIGRAM and WORD.fullmatch(word):
        return Q(MatchesWord(F("message"), word))
    pattern = f"%{connection.ops.prep_for_like_query(word)}%"
    return Q(ILike(F("message"), pattern)) | Q(ILike(F("fingerprint"), pattern))


def search_q(search: Search, user: Any, now: datetime) -> Q:
    combined = Q()
    for term in search.terms:
        combined &= term_q(term, user, now)
    for word in search.words:
        combined &= word_q(word)
    for word in search.excluded_words:
        combined &= ~word_q(word)
    return combined


def filtered(query: StreamQuery, user: Any, now: datetime, *, tab: bool = True) -> Q:
    """The whole selection as one `Q`; `tab=False` leaves out the status tab (for its counts)."""
    combined = TABS[query.tab] if tab else Q()
    for term in query.filter_terms():
        combined &= term_q(term, user, now)
    return combined & search_q(query.search, user, now)


def errors_for(query: StreamQuery, user: Any, now: datetime) -> QuerySet[ErrorGroup]:
    return ErrorGroup.objects.filter(filtered(query, user, now)).select_related("assignee")
