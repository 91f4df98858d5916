"""The search box's syntax: known keys become filters, the rest is text, mistakes are told."""

from datetime import timedelta

import pytest

from errors.search import Search, Term, parse, parse_age, parse_comparison


def test_empty_query_is_an_empty_search() -> None:
    assert parse("") == Search()
    assert parse("   ") == Search()


def test_sentry_style_terms_become_filters() -> None:
    search = parse("is:new assigned:me service:api env:prod times:>100 last:-24h first:-7d")
    assert search.terms == (
        Term("is", ("new",)),
        Term("assigned", ("me",)),
        Term("service", ("api",)),
        Term("env", ("prod",)),
        Term("times", (">100",)),
        Term("last", ("-24h",)),
        Term("first", ("-7d",)),
    )
    assert search.words == ()
    assert search.problems == ()


def test_negation_and_any_of() -> None:
    search = parse("!env:dev service:[api, worker] !timeout")
    assert search.terms == (Term("env", ("dev",), negated=True), Term("service", ("api", "worker")))
    assert search.excluded_words == ("timeout",)


def test_aliases_map_to_one_key() -> None:
    keys = [term.key for term in parse("environment:prod job:api lastSeen:-1h age:-2d").terms]
    assert keys == ["env", "service", "last", "first"]


def test_free_text_and_quoted_phrases() -> None:
    search = parse('connection "read timeout" is:unresolved')
    assert search.words == ("connection", "read timeout")
    assert search.terms == (Term("is", ("unresolved",)),)
    assert search.has_text


def test_apostrophes_and_backslashes_are_the_message_s_text() -> None:
    search = parse(r"don't won't app\config")
    assert search.words == ("don't", "won't", r"app\config")


def test_a_quoted_phrase_is_text_even_with_a_colon_or_a_list() -> None:
    search = parse('"service: down" !"ids [1, 2]" service:"my api" env:[prod, dev]')
    assert search.words == ("service: down",)
    assert search.excluded_words == ("ids [1, 2]",)
    assert search.terms == (Term("service", ("my api",)), Term("env", ("prod", "dev")))
    assert search.problems == ()


def test_unknown_key_is_reported_and_searched_as_text() -> None:
    search = parse("status:500 is:new")
    assert search.words == ("status:500",)
    assert search.problems == ("status: is not a search key, searched as text",)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("is:broken", "is:broken is not a state"),
        ("times:lots", "times:lots is not a count"),
        ("last:yesterday", "last:yesterday is not an age"),
        ("service:[]", "service: needs a value"),
    ],
)
def test_bad_values_are_reported_not_applied(query: str, problem: str) -> None:
    search = parse(query)
    assert search.terms == ()
    assert search.problems[0].startswith(problem)


def test_unbalanced_quote_does_not_fail() -> None:
    assert parse('"open quote').words == ("open", "quote")


def test_comparisons() -> None:
    assert parse_comparison(">100") == ("gt", 100)
    assert parse_comparison("<=5") == ("lte", 5)
    assert parse_comparison("42") == ("exact", 42)
    assert parse_comparison("many") is None


def test_ages() -> None:
    assert parse_age("-24h") == (True, timedelta(hours=24))
    assert parse_age("+2w") == (False, timedelta(weeks=2))
    assert parse_age("-5m") == (True, timedelta(minutes=5))
    assert parse_age("24h") is None


def test_absurd_ages_are_reported_not_crashing() -> None:
    from errors.search import parse_age

    assert parse_age("-99999999999w") is None
    assert parse_age("-300000w") is None
    assert parse_age("-24h") is not None
