"""Scrubbing: every default pattern catches its kind and leaves look-alikes alone."""

import json
import logging
import re
from typing import Any

import pytest

from tests.triage_logging.conftest import Lines, make_record
from triage_logging import (
    DEFAULT_PATTERNS,
    JSONFormatter,
    ScrubbingFilter,
    ScrubPattern,
    SecretValues,
    card_number_likely,
    luhn_valid,
    scrub,
    scrub_value,
)


def test_the_issues_example() -> None:
    assert (
        scrub("User email is user@example.com, CC: 4532-1234-5678-9010")
        == "User email is [EMAIL], CC: [CREDIT_CARD]"
    )


def test_the_issues_card_number_fails_luhn_and_is_caught_by_its_layout() -> None:
    """The issue says 4532-1234-5678-9010 passes Luhn; it does not (the digit sum is 66, a
    check digit of 4 would pass). It is scrubbed because it is printed the way cards are."""
    assert not luhn_valid("4532-1234-5678-9010")
    assert luhn_valid("4532-1234-5678-9014")
    assert card_number_likely("4532-1234-5678-9010")
    assert not card_number_likely("4532123456789010")


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("paid with 4111111111111111 today", "paid with [CREDIT_CARD] today"),
        ("paid with 4111 1111 1111 1111", "paid with [CREDIT_CARD]"),
        ("amex 378282246310005", "amex [CREDIT_CARD]"),
        ("amex 3782 822463 10005", "amex [CREDIT_CARD]"),
        ("mastercard 5555-5555-5555-4444.", "mastercard [CREDIT_CARD]."),
        ("card=4532123456789014", "card=[CREDIT_CARD]"),
    ],
)
def test_credit_cards(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "order 4532123456789010 shipped",  # 16 digits, fails Luhn: an order number
        "order 1234567890123456 shipped",  # starts with 1: no card network
        "epoch ms 1764843330123",
        "phone +1 555-123-4567",
        "4532-1234-5678",  # too short
        "45321234567890141234",  # 20 digits: too long
    ],
)
def test_not_credit_cards(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("ssn 078-05-1120 on file", "ssn [SSN] on file"),
        ("(123-45-6789)", "([SSN])"),
        ("ssn:123-45-6789", "ssn:[SSN]"),
    ],
)
def test_us_ssns(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "released 2025-12-04",
        "000-12-3456",  # area 000 is never issued
        "666-12-3456",
        "900-12-3456",
        "123-00-4567",
        "123-45-0000",
        "123-45-67890",  # part of a longer number
        "INV123-45-6789",  # part of a product code
        "1123-45-6789",
        "123456789",  # without dashes: too ambiguous
    ],
)
def test_not_ssns(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("mail ann.lee+shop@mail.example.co.uk now", "mail [EMAIL] now"),
        ("<bob@example.com>", "<[EMAIL]>"),
        ("to: a@b.io, c_d@e-f.org", "to: [EMAIL], [EMAIL]"),
        ("from josé.garcía@example.com today", "from [EMAIL] today"),
        ("Ärger: björn_ölund@mail.example.de", "Ärger: [EMAIL]"),
    ],
)
def test_emails(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    ["follow @triage on social", "user@localhost refused", "a @ b.com", "@property"],
)
def test_not_emails(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("api_key=sk_live_abc123 ok", "api_key=[REDACTED] ok"),
        ("DB_PASSWORD=hunter2", "DB_PASSWORD=[REDACTED]"),
        ("x-api-key: abc123", "x-api-key: [REDACTED]"),
        ('{"client_secret": "s3 cr3t", "id": 1}', '{"client_secret": "[REDACTED]", "id": 1}'),
        ("password = 'two words'", "password = '[REDACTED]'"),
        ('{"password": "a\\"b c", "id": 1}', '{"password": "[REDACTED]", "id": 1}'),
        ("{'password': 'it\\'s me'}", "{'password': '[REDACTED]'}"),
        ('{"password": "it\'s me", "id": 1}', '{"password": "[REDACTED]", "id": 1}'),
        ('{"password": "C:\\\\", "id": 1}', '{"password": "[REDACTED]", "id": 1}'),
        ("Authorization: Bearer abc.def", "Authorization: Bearer [REDACTED]"),
        ("Cookie: sessionid=abc; csrftoken=xyz", "Cookie: [REDACTED]; csrftoken=[REDACTED]"),
        ("?access_token=abc&page=2", "?access_token=[REDACTED]&page=2"),
    ],
)
def test_secrets_in_key_value_form(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "max_tokens=500",
        "token_count: 3",
        "the password was changed",
        "cache key=orders:42",
        'password: ""',
        "https://example.com:8443/path",
    ],
)
def test_not_secrets(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        (
            "auth eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1g",
            "auth [JWT_TOKEN]",
        ),
        ("unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "unsigned [JWT_TOKEN]"),
        ("token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "token=[JWT_TOKEN]"),
    ],
)
def test_jwts(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize("text", ["eyJhbGciOiJIUzI1NiJ9 alone", "keyJab.eyJcd.ef"])
def test_not_jwts(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("key AKIAIOSFODNN7EXAMPLE used", "key [AWS_KEY] used"),
        ("temporary ASIAY34FZKBOKMUTVV7A", "temporary [AWS_KEY]"),
    ],
)
def test_aws_access_keys(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    ["AKIA1234", "XAKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLEX", "akiaiosfodnn7example"],
)
def test_not_aws_access_keys(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("postgresql://app:s3cret@db:5432/shop", "postgresql://app:[REDACTED]@db:5432/shop"),
        ("redis://:hunter2@cache:6379/0", "redis://:[REDACTED]@cache:6379/0"),
        ("amqp://guest:p%40ss@mq/", "amqp://guest:[REDACTED]@mq/"),
        # A user name alone reads as an e-mail address, and is personal data either way.
        ("https://ann@example.com/repo", "https://[EMAIL]/repo"),
    ],
)
def test_passwords_in_urls(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    ["https://example.com:8443/a@b", "https://example.com/users/42", "postgresql://db:5432/shop"],
)
def test_urls_without_passwords(text: str) -> None:
    assert scrub(text) == text


def test_every_default_pattern_is_covered_here() -> None:
    names = {p.name for p in DEFAULT_PATTERNS}
    assert names == {
        "jwt",
        "aws_access_key",
        "url_password",
        "secret_value",
        "email",
        "credit_card",
        "us_ssn",
    }


def test_the_pattern_list_is_configurable() -> None:
    ipv4 = ScrubPattern("ipv4", re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "[IP]")
    pin = SecretValues(keys=("pin",))
    assert scrub("from 10.0.0.7 pin=1234 a@b.io", (ipv4, pin)) == "from [IP] pin=[REDACTED] a@b.io"
    assert scrub("from 10.0.0.7", ()) == "from 10.0.0.7"


def test_scrubbing_twice_changes_nothing_more() -> None:
    once = scrub("token=eyJa.eyJb.c a@b.io 4111111111111111 postgres://u:p@h AKIAIOSFODNN7EXAMPLE")
    assert scrub(once) == once


def test_scrub_value_keeps_shapes_and_non_strings() -> None:
    value = {"to": ["a@b.io", 4111111111111111], "n": 3, "pair": ("x", "pwd=1")}
    assert scrub_value(value) == {
        "to": ["[EMAIL]", 4111111111111111],
        "n": 3,
        "pair": ("x", "pwd=[REDACTED]"),
    }


def test_filter_scrubs_records_for_any_formatter() -> None:
    logger = logging.getLogger("shop.filtered")
    lines = Lines(logging.Formatter("%(message)s | %(customer)s"))
    lines.addFilter(ScrubbingFilter())
    logger.addHandler(lines)
    logger.propagate = False
    try:
        try:
            raise ValueError("password=hunter2")
        except ValueError:
            logger.error("mail %s", "ann@example.com", exc_info=True, extra={"customer": "a@b.io"})
    finally:
        logger.removeHandler(lines)
        logger.propagate = True
    assert lines.lines[0].startswith("mail [EMAIL] | [EMAIL]\nTraceback")
    assert lines.lines[0].endswith("ValueError: password=[REDACTED]")


def test_filter_then_json_formatter() -> None:
    record = make_record("mail %s", ("ann@example.com",), customer={"email": "a@b.io"})
    assert ScrubbingFilter().filter(record)
    fields = json.loads(JSONFormatter(scrub=False).format(record))
    assert fields["message"] == "mail [EMAIL]"
    assert fields["context"] == {"customer": {"email": "[EMAIL]"}}


def test_filter_copes_with_named_tuples_and_never_raises() -> None:
    from collections import namedtuple

    Point = namedtuple("Point", "x label")
    record = make_record(point=Point(1, "a@b.io"))
    assert ScrubbingFilter().filter(record)
    assert record.point == (1, "[EMAIL]")


def test_filter_scrubs_a_record_with_a_non_string_extra_key() -> None:
    record = make_record("mail %s", ("ann@example.com",), note="a@b.io")
    extra: dict[Any, object] = {7: "bob@example.com"}
    vars(record).update(extra)
    assert ScrubbingFilter().filter(record)
    assert record.getMessage() == "mail [EMAIL]"
    assert (record.note, vars(record)[7]) == ("[EMAIL]", "[EMAIL]")


def test_filter_that_cannot_scrub_drops_rather_than_leaks() -> None:
    class Hostile(dict):
        def items(self):
            raise RuntimeError("no")

    record = make_record("mail %s", ("ann@example.com",), hostile=Hostile(a=1), note="a@b.io")
    assert ScrubbingFilter().filter(record)
    assert record.getMessage() == "[log record could not be scrubbed: RuntimeError]"
    assert not hasattr(record, "note")
