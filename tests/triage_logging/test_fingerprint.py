"""The one fingerprint function: versioned, pure, stable, and deaf to variable values."""

import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from triage_logging import (
    FINGERPRINT_VERSION,
    fingerprint,
    fingerprint_exception,
    fingerprint_fields,
    fingerprint_version,
    normalise_message,
)
from triage_logging.fingerprint import CACHED_INPUT_CHARS

ROOT = Path(__file__).resolve().parents[2]


def trace(*frames: tuple[str, int, str], final: str = "ValueError: bad input") -> str:
    lines = ["Traceback (most recent call last):"]
    for path, line, function in frames:
        lines += [f'  File "{path}", line {line}, in {function}', "    do_something()"]
    return "\n".join([*lines, final])


CHECKOUT = trace(
    (
        "/srv/shop/.venv/lib/python3.12/site-packages/django/core/handlers/base.py",
        197,
        "_get_response",
    ),
    ("/srv/shop/orders/views.py", 41, "checkout"),
    ("/srv/shop/orders/payment.py", 88, "charge"),
    ("/usr/lib/python3.12/json/decoder.py", 355, "raw_decode"),
)

# Pinned: these values are stored in monitoring.errors. If this test fails, the algorithm changed,
# and FINGERPRINT_VERSION must be bumped (existing rows keep their old fingerprints).
GOLDEN = {
    "v1:4988fe46c26fece1772a3c100db43912": {
        "exception_type": "ValueError",
        "message": "Payment failed for order 1234",
        "stack_trace": trace(("/srv/shop/payments.py", 42, "charge"), final="ValueError: x"),
    },
    "v1:660910f210a746b1234ef2a10dfd1e7c": {
        "exception_type": None,
        "message": "Payment failed for order 1234",
        "stack_trace": None,
    },
}


def compute(**fields: str | None) -> str:
    return fingerprint(
        exception_type=fields.get("exception_type", "ValueError"),
        message=fields.get("message", "bad input"),
        stack_trace=fields.get("stack_trace", CHECKOUT),
    )


def test_computed_fingerprints_carry_their_version() -> None:
    value = compute()
    assert FINGERPRINT_VERSION == 1
    assert value.startswith("v1:")
    assert len(value) == 3 + 32
    assert fingerprint_version(value) == 1


def test_applications_own_fingerprints_have_version_zero() -> None:
    assert fingerprint_version("db_connection_timeout") == 0
    assert fingerprint_version("v1:not-hex") == 0


@pytest.mark.parametrize(("expected", "fields"), GOLDEN.items())
def test_golden_values_never_change_within_a_version(expected: str, fields: dict[str, str]) -> None:
    assert fingerprint(**fields) == expected


def test_explicit_fingerprint_is_returned_verbatim() -> None:
    assert (
        fingerprint(exception_type="E", message="m", stack_trace=None, explicit=" Mine ")
        == " Mine "
    )


def test_blank_explicit_fingerprint_is_ignored() -> None:
    assert fingerprint(exception_type="E", message="m", stack_trace=None, explicit="  ").startswith(
        "v1:"
    )


def test_fields_prefer_fingerprint_then_error_fingerprint() -> None:
    assert fingerprint_fields({"fingerprint": "a", "error_fingerprint": "b"}) == "a"
    assert fingerprint_fields({"fingerprint": "", "error_fingerprint": "b"}) == "b"
    assert fingerprint_fields({"fingerprint": 7, "message": "m"}) == fingerprint_fields(
        {"message": "m"}
    )


def test_fields_compute_from_type_message_and_stack() -> None:
    fields = {"exception_type": "ValueError", "message": "bad input", "stack_trace": CHECKOUT}
    assert fingerprint_fields(fields) == compute()


def test_non_string_fields_count_as_absent() -> None:
    assert fingerprint_fields({"message": ["x"], "stack_trace": 3}) == fingerprint_fields({})


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("order 1234 failed", "order 98 failed"),
        ("user 550e8400-e29b-41d4-a716-446655440000", "user 6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
        ("mail to ann@example.com bounced", "mail to bob@example.org bounced"),
        ("GET https://a.example/x?id=1 failed", "GET https://b.example/y failed"),
        ("from 10.0.0.1:5432", "from 192.168.1.20:6543"),
        ("at 2025-12-04T10:15:30Z", "at 2026-01-01 00:00:00"),
        ("took 1.5s", "took 300ms"),
        ("commit 9f86d081884c7d65", "commit 2c26b46b68ffc68f"),
        ("key 'user_id' missing", "key 'email' missing"),
        ("price 12.50", "price 3.99"),
        ("order_42 stuck", "order_43 stuck"),
        ("first line 1\nsecond 2\nthird differs", "first line 5\nsecond 6\nthird other"),
    ],
)
def test_variable_parts_do_not_split_a_group(one: str, other: str) -> None:
    assert compute(message=one) == compute(message=other)


def test_different_exception_types_differ() -> None:
    assert compute(exception_type="ValueError") != compute(exception_type="KeyError")


def test_different_messages_differ() -> None:
    assert compute(message="card declined") != compute(message="card expired")


def test_different_code_locations_differ() -> None:
    elsewhere = CHECKOUT.replace("in charge", "in refund")
    assert compute(stack_trace=elsewhere) != compute()


def test_line_numbers_do_not_matter() -> None:
    moved = CHECKOUT.replace("line 88", "line 120").replace("line 41", "line 40")
    assert compute(stack_trace=moved) == compute()


def test_machines_and_python_versions_do_not_matter() -> None:
    elsewhere = (
        CHECKOUT.replace("/srv/shop/", "/app/")
        .replace("python3.12", "python3.13")
        .replace("raw_decode", "decode")  # the standard library's frames are left out
    )
    assert compute(stack_trace=elsewhere) == compute()


def test_application_frames_are_preferred_over_libraries() -> None:
    """Every IntegrityError ends in the same driver frames; where it came from is what counts."""
    library = [(f"/v/lib/python3.12/site-packages/psycopg/c{i}.py", i, "execute") for i in range(6)]
    here = trace(("/srv/shop/orders/views.py", 1, "checkout"), *library)
    there = trace(("/srv/shop/users/views.py", 1, "signup"), *library)
    assert compute(stack_trace=here) != compute(stack_trace=there)


def test_only_the_last_exception_of_a_chain_counts() -> None:
    first = trace(("/srv/a.py", 1, "one"))
    last = trace(("/srv/b.py", 1, "two"))
    chained = (
        f"{first}\n\nDuring handling of the above exception, another exception occurred:\n\n{last}"
    )
    assert compute(stack_trace=chained) == compute(stack_trace=last)


def test_exception_type_is_read_from_the_trace_when_missing() -> None:
    stack = trace(("/srv/a.py", 1, "one"), final="psycopg.errors.UniqueViolation: duplicate key")
    assert compute(exception_type=None, stack_trace=stack) == compute(
        exception_type="psycopg.errors.UniqueViolation", stack_trace=stack
    )


def test_java_and_javascript_frames_count_without_line_numbers() -> None:
    java = (
        "java.lang.IllegalStateException: x\n\tat com.shop.Pay.charge(Pay.java:42) ~[app.jar:1.2.3]"
    )
    js = "TypeError: x\n    at charge (/app/src/pay.js:10:5)\n    at main (/app/src/index.js:3:1)"
    assert compute(stack_trace=java) == compute(
        stack_trace=java.replace(":42", ":50").replace("1.2.3", "1.2.4")
    )
    assert compute(stack_trace=js) == compute(stack_trace=js.replace("/app/", "/srv/"))
    assert compute(stack_trace=js) != compute(stack_trace=js.replace("charge", "refund"))


def raise_for(order: int) -> None:
    raise ValueError(f"payment declined for order {order}")


def test_same_exception_from_the_same_place_groups_together() -> None:
    values = set()
    for order in (1, 22, 333):
        try:
            raise_for(order)
        except ValueError as exc:
            values.add(fingerprint_exception(exc))
    assert len(values) == 1


def test_exception_fingerprint_is_the_fields_fingerprint_of_its_parts() -> None:
    try:
        raise_for(7)
    except ValueError as exc:
        error = exc
    fields = {
        "exception_type": "ValueError",
        "message": str(error),
        "stack_trace": "".join(traceback.format_exception(error)),
    }
    assert fingerprint_exception(error) == fingerprint_fields(fields)


def test_large_inputs_skip_the_cache_but_give_the_same_answer() -> None:
    message = "x" * CACHED_INPUT_CHARS
    assert compute(message=message) == compute(message=message)


def test_stable_in_another_process() -> None:
    """No hash(), no dict order, no locale: another interpreter computes the same values."""
    code = (
        "import json, sys\n"
        "from triage_logging import fingerprint\n"
        "print(json.dumps([fingerprint(**f) for f in json.load(sys.stdin)]))\n"
    )
    inputs = [
        *GOLDEN.values(),
        {"exception_type": "KeyError", "message": "é ü", "stack_trace": CHECKOUT},
    ]
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(inputs),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        timeout=30,
    )
    assert json.loads(result.stdout) == [fingerprint(**f) for f in inputs]


@pytest.mark.parametrize(
    ("message", "normalised"),
    [
        ("User 42 not found", "User <int> not found"),
        ("order_42 failed after 1.5s", "order_<int> failed after <duration>"),
        ("Timeout after 300ms to 10.0.0.12:5432", "Timeout after <duration> to <ip>"),
        ("id 550e8400-e29b-41d4-a716-446655440000", "id <uuid>"),
        ("sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", "sha <hex>"),
        ("ptr 0x7f3a2b", "ptr <hex>"),
        ("KeyError: 'user_id'", "KeyError: <quoted>"),
        ("can't reach db's host", "can't reach db's host"),
        ("at 2025-12-04T10:15:30.123Z, then 10:15:31", "at <date>, then <time>"),
        ("mail bob@example.com, see https://x.io/a?b=1", "mail <email>, see <url>"),
        ("ipv6 fe80::1", "ipv6 <ip>"),
        ("3 days, 5 hosts", "<duration>, <int> hosts"),
        ("  first\n\n  second  \nthird", "first\nsecond"),
        ("deadbeef is a word", "deadbeef is a word"),
    ],
)
def test_normalise_message(message: str, normalised: str) -> None:
    assert normalise_message(message) == normalised
