"""JSONFormatter: the exact line format, trace context, and lines that survive any record."""

import json
import logging
import logging.config
import math
from typing import Any

import pytest

from tests.triage_logging.conftest import Lines, make_record, with_exception
from triage_logging import JSONFormatter, fingerprint_fields

CONTEXT = {"user_id": 42, "tenant_id": "acme", "operation": "checkout"}
TRACE = '"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7", '
ERROR_FIELDS = (
    '"exception_type": "ValueError", "fingerprint": "v1:4988fe46c26fece1772a3c100db43912", '
    '"stack_trace": "Traceback (most recent call last):\\n'
    '  File \\"/srv/shop/payments.py\\", line 42, in charge\\n'
    "    raise ValueError(f'card declined for order {order}')\\n"
    'ValueError: card declined for order 1234", '
)
HEAD = '{"timestamp": "2025-12-04T10:15:30.123Z", "level": "%s", '
BODY = '"message": "Payment failed for order 1234", "logger": "shop.checkout", '
TAIL = '"context": {"user_id": 42, "tenant_id": "acme", "operation": "checkout"}}'


def test_golden_line_without_exception_or_span(formatter: JSONFormatter) -> None:
    line = formatter.format(make_record(level=logging.INFO, **CONTEXT))
    assert line == HEAD % "info" + BODY + TAIL


def test_golden_line_with_exception(formatter: JSONFormatter) -> None:
    line = formatter.format(with_exception(make_record(**CONTEXT)))
    assert line == HEAD % "error" + BODY + ERROR_FIELDS + TAIL


@pytest.mark.usefixtures("span")
def test_golden_line_with_span(formatter: JSONFormatter) -> None:
    line = formatter.format(make_record(level=logging.INFO, **CONTEXT))
    assert line == HEAD % "info" + BODY + TRACE + TAIL


@pytest.mark.usefixtures("span")
def test_golden_line_with_exception_and_span(formatter: JSONFormatter) -> None:
    line = formatter.format(with_exception(make_record(**CONTEXT)))
    assert line == HEAD % "error" + BODY + TRACE + ERROR_FIELDS + TAIL


def test_no_span_means_no_ids_rather_than_zeros(formatter: JSONFormatter) -> None:
    fields = json.loads(formatter.format(make_record()))
    assert "trace_id" not in fields
    assert "span_id" not in fields


def test_ids_given_in_extra_win_over_the_current_span(formatter: JSONFormatter) -> None:
    """For handlers that format in another thread, where no span is current."""
    record = make_record(trace_id="0AF7651916CD43DD8448EB211C80319C", span_id="b7ad6b7169203331")
    fields = json.loads(formatter.format(record))
    assert (fields["trace_id"], fields["span_id"]) == (
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
    )
    assert "context" not in fields


def test_malformed_ids_in_extra_stay_in_the_context(formatter: JSONFormatter) -> None:
    fields = json.loads(formatter.format(make_record(trace_id="1-5759e988-bd862e3fe1be46a9")))
    assert "trace_id" not in fields
    assert fields["context"] == {"trace_id": "1-5759e988-bd862e3fe1be46a9"}


def test_fingerprint_only_on_errors(formatter: JSONFormatter) -> None:
    assert "fingerprint" not in json.loads(formatter.format(make_record(level=logging.WARNING)))
    assert "fingerprint" in json.loads(formatter.format(make_record(level=logging.ERROR)))
    assert "fingerprint" in json.loads(formatter.format(make_record(level=logging.CRITICAL)))


def test_a_lines_fingerprint_is_what_the_console_computes_from_its_fields(
    formatter: JSONFormatter,
) -> None:
    fields = json.loads(formatter.format(with_exception(make_record())))
    given = fields.pop("fingerprint")
    assert fingerprint_fields(fields) == given


def test_explicit_fingerprint_in_extra_wins(formatter: JSONFormatter) -> None:
    record = with_exception(make_record(fingerprint="db_connection_timeout", **CONTEXT))
    fields = json.loads(formatter.format(record))
    assert fields["fingerprint"] == "db_connection_timeout"
    assert fields["context"] == CONTEXT


def test_error_fingerprint_is_kept_and_used(formatter: JSONFormatter) -> None:
    fields = json.loads(formatter.format(make_record(error_fingerprint="v1:" + "a" * 32)))
    assert fields["fingerprint"] == fields["error_fingerprint"] == "v1:" + "a" * 32
    assert "context" not in fields


def test_context_extra_mapping_is_merged(formatter: JSONFormatter) -> None:
    fields = json.loads(formatter.format(make_record(context={"user_id": 7}, operation="refund")))
    assert fields["context"] == {"user_id": 7, "operation": "refund"}


def test_a_non_string_extra_key_keeps_the_line(shop_logger: tuple[logging.Logger, Lines]) -> None:
    """`extra` may hold any key: the record's message and context must survive it."""
    logger, lines = shop_logger
    extra: dict[Any, object] = {1: "one", "tenant_id": "acme"}
    logger.warning("order %s failed", 42, extra=extra)
    fields = json.loads(lines.lines[0])
    assert fields["message"] == "order 42 failed"
    assert fields["context"] == {"1": "one", "tenant_id": "acme"}


def test_exception_from_a_real_logger_call(shop_logger: tuple[logging.Logger, Lines]) -> None:
    logger, lines = shop_logger
    try:
        {}["missing"]
    except KeyError:
        logger.exception("lookup failed for user %s", 42)
    fields = json.loads(lines.lines[0])
    assert fields["exception_type"] == "KeyError"
    assert fields["stack_trace"].startswith("Traceback (most recent call last):")
    assert fields["stack_trace"].endswith("KeyError: 'missing'")
    assert fields["fingerprint"].startswith("v1:")


def test_module_qualified_exception_type(formatter: JSONFormatter) -> None:
    record = make_record()
    record.exc_info = (json.JSONDecodeError, json.JSONDecodeError("bad", "x", 0), None)
    assert json.loads(formatter.format(record))["exception_type"] == "json.decoder.JSONDecodeError"


def test_stack_info_becomes_the_stack_trace(shop_logger: tuple[logging.Logger, Lines]) -> None:
    logger, lines = shop_logger
    logger.warning("slow path", stack_info=True)
    assert json.loads(lines.lines[0])["stack_trace"].startswith("Stack (most recent call last):")


def test_huge_message_is_truncated_with_a_marker() -> None:
    formatter = JSONFormatter(max_message_length=100)
    fields = json.loads(formatter.format(make_record("x" * 1_000, ())))
    assert fields["message"] == "x" * 100 + "...[truncated 900 chars]"


def test_huge_stack_trace_keeps_its_end() -> None:
    formatter = JSONFormatter(max_stack_trace_length=50)
    fields = json.loads(formatter.format(with_exception(make_record(), "a" * 100 + "Z" * 50)))
    assert fields["stack_trace"] == "[truncated 100 chars]..." + "Z" * 50


def test_huge_context_value_is_truncated() -> None:
    formatter = JSONFormatter(max_value_length=10)
    fields = json.loads(formatter.format(make_record(payload="y" * 50)))
    assert fields["context"]["payload"] == "y" * 10 + "...[truncated 40 chars]"


def test_scrubbing_is_on_by_default_everywhere(formatter: JSONFormatter) -> None:
    class Customer:
        def __repr__(self) -> str:
            return "Customer(email='ann@example.com')"

    record = with_exception(
        make_record(
            "login for %s", ("ann@example.com",), customer=Customer(), note="ssn 078-05-1120"
        ),
        "Traceback (most recent call last):\nValueError: password=hunter2",
    )
    line = formatter.format(record)
    assert "ann@example.com" not in line
    assert "hunter2" not in line
    assert "078-05-1120" not in line
    fields = json.loads(line)
    assert fields["message"] == "login for [EMAIL]"
    assert fields["context"] == {"customer": "Customer(email='[EMAIL]')", "note": "ssn [SSN]"}


def test_scrubbing_can_be_turned_off() -> None:
    line = JSONFormatter(scrub=False).format(make_record("login for %s", ("ann@example.com",)))
    assert json.loads(line)["message"] == "login for ann@example.com"


class Unrepresentable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (10**5000, "<int of 16610 bits>"),
        (b"\x00\xff", "b'\\x00\\xff'"),
        ({1, 2}, [1, 2]),
        ({("a", 1): "tuple key"}, {"('a', 1)": "tuple key"}),
        (Unrepresentable(), "<unrepresentable Unrepresentable>"),
    ],
    ids=["nan", "inf", "huge-int", "bytes", "set", "tuple-key", "repr-raises"],
)
def test_values_json_cannot_hold_are_rendered_not_raised(value: object, shown: object) -> None:
    line = JSONFormatter().format(make_record(value=value))
    fields = json.loads(line, parse_constant=pytest.fail)
    assert fields["context"]["value"] == shown


def test_cycles_are_marked(formatter: JSONFormatter) -> None:
    loop: list[object] = [1]
    loop.append(loop)
    fields = json.loads(formatter.format(make_record(loop=loop)))
    assert fields["context"]["loop"] == [1, "<cycle>"]


def test_message_arguments_that_do_not_fit_still_give_a_line(formatter: JSONFormatter) -> None:
    fields = json.loads(formatter.format(make_record("%s and %s", ("only one",))))
    assert fields["message"] == "'%s and %s' % ('only one',) (TypeError)"


def test_a_record_that_breaks_everything_still_gives_a_line(formatter: JSONFormatter) -> None:
    record = make_record()
    record.created = math.nan  # the timestamp cannot be computed
    fields = json.loads(formatter.format(record))
    assert fields["level"] == "error"
    assert fields["message"].startswith("log record could not be formatted (ValueError)")


@pytest.mark.parametrize("text", ["\u2028", "\u2029", "\x85", "\n", "\r", "\ud800"])
def test_line_breaks_and_lone_surrogates_stay_inside_one_line(
    formatter: JSONFormatter, text: str
) -> None:
    line = formatter.format(make_record(f"a{text}b", (), note=text))
    assert len(line.splitlines()) == 1
    line.encode("utf-8")
    assert json.loads(line)["message"].startswith("a")


def test_non_ascii_text_is_kept_readable(formatter: JSONFormatter) -> None:
    assert '"message": "Zahlung für Bestellung fehlgeschlagen"' in formatter.format(
        make_record("Zahlung für Bestellung fehlgeschlagen", ())
    )


def test_django_style_dict_config_builds_it_without_arguments() -> None:
    """console/settings.py LOGGING uses {"()": "triage_logging.JSONFormatter"}."""
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": "triage_logging.JSONFormatter"}},
            "handlers": {"h": {"class": "logging.NullHandler", "formatter": "json"}},
            "loggers": {"tests.dictconfig": {"handlers": ["h"], "propagate": False}},
        }
    )
    handler = logging.getLogger("tests.dictconfig").handlers[0]
    assert isinstance(handler.formatter, JSONFormatter)


def test_a_minimal_record_from_make_log_record(formatter: JSONFormatter) -> None:
    """makeLogRecord leaves level and name as None."""
    fields = json.loads(formatter.format(logging.makeLogRecord({"msg": "hello"})))
    assert (fields["message"], fields["logger"], fields["level"]) == ("hello", "None", "level none")
