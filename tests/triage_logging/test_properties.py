"""Properties over generated input: whatever an application logs, one valid JSON line comes out."""

import datetime
import decimal
import json
import logging
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.triage_logging.conftest import make_record
from triage_logging import JSONFormatter, fingerprint_fields, normalise_message, scrub
from triage_logging.fields import RESERVED_ATTRIBUTES
from triage_logging.normalise import _PARAMETERS, _placeholder, parameterise

FEW = settings(max_examples=150, deadline=None)

# Every code point, lone surrogates and line separators included.
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200)


class Unrepresentable:
    def __repr__(self) -> str:
        raise RuntimeError("repr failed")


leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**64, max_value=10**20_000),
    st.floats(),
    any_text,
    st.binary(max_size=20),
    st.datetimes(),
    st.decimals(),
    st.builds(Unrepresentable),
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.frozensets(st.integers(), max_size=3),
        st.dictionaries(
            st.one_of(any_text, st.integers(), st.tuples(st.integers())), inner, max_size=4
        ),
    ),
    max_leaves=12,
)
extra_keys = st.text(alphabet=string.ascii_letters + "_", min_size=1, max_size=12).filter(
    lambda key: key not in RESERVED_ATTRIBUTES
)
extras = st.dictionaries(extra_keys, values, max_size=5)
levels = st.sampled_from([logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, 55])


def reject_constant(name: str) -> Any:
    raise AssertionError(f"{name} is not JSON")


def assert_one_json_line(line: str) -> dict[str, Any]:
    assert len(line.splitlines()) == 1
    assert "\n" not in line
    line.encode("utf-8")  # writable to any UTF-8 stream
    fields = json.loads(line, parse_constant=reject_constant)
    assert isinstance(fields, dict)
    assert list(fields)[:4] == ["timestamp", "level", "message", "logger"]
    return fields


@FEW
@given(message=any_text, extra=extras, level=levels, scrubbing=st.booleans())
def test_any_message_and_extra_give_one_line_of_json(
    message: str, extra: dict[str, object], level: int, scrubbing: bool
) -> None:
    record = make_record(message, (), level)
    record.__dict__.update(extra)
    line = JSONFormatter(scrub=scrubbing).format(record)
    fields = assert_one_json_line(line)
    assert set(fields.get("context", {})) <= set(extra)


@FEW
@given(message=st.one_of(any_text, values), args=st.one_of(st.tuples(values), st.just(())))
def test_any_message_object_and_arguments_give_one_line(message: object, args: Any) -> None:
    assert_one_json_line(JSONFormatter().format(make_record(message, args)))


@FEW
@given(message=any_text, stack=any_text)
def test_any_exception_text_gives_one_line(message: str, stack: str) -> None:
    record = make_record(message, ())
    record.exc_info = (ValueError, ValueError(message), None)
    record.exc_text = stack
    fields = assert_one_json_line(JSONFormatter().format(record))
    assert fields["fingerprint"].startswith("v1:")


sensitive_ish = st.text(alphabet="0123456789- @.:=/'\"abceyJAKISpwdtok_", max_size=80)


@FEW
@given(text=st.one_of(sensitive_ish, any_text))
def test_scrubbing_twice_changes_nothing_more(text: str) -> None:
    once = scrub(text)
    assert scrub(once) == once


@FEW
@given(
    fields=st.dictionaries(
        st.sampled_from(
            ["fingerprint", "error_fingerprint", "exception_type", "message", "stack_trace", "x"]
        ),
        values,
    )
)
def test_fingerprint_fields_takes_any_parsed_line(fields: dict[str, Any]) -> None:
    value = fingerprint_fields(fields)
    assert isinstance(value, str)
    assert value == fingerprint_fields(dict(fields))


message_ish = st.text(alphabet="0123456789abcdefxyzABF_.+%-@:/'\" \nTZéé٣", max_size=60)


@settings(max_examples=600, deadline=None)
@given(text=st.one_of(message_ish, any_text))
def test_fast_parameterisation_equals_the_plain_regex(text: str) -> None:
    """Fingerprint version 1 is defined by the regex; the fast path must never deviate."""
    assert parameterise(text) == _PARAMETERS.sub(_placeholder, text)


@FEW
@given(message=any_text)
def test_a_normalised_message_normalises_to_itself(message: str) -> None:
    once = normalise_message(message)
    assert normalise_message(once) == once


@pytest.mark.parametrize("value", [datetime.datetime(2025, 12, 4), decimal.Decimal("1.5")])
def test_objects_are_shown_by_their_repr(value: object) -> None:
    fields = assert_one_json_line(JSONFormatter().format(make_record(value=value)))
    assert fields["context"]["value"] == repr(value)
