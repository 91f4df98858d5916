"""A fixed moment, a checkout service's records, and a real OpenTelemetry span with known ids."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.id_generator import IdGenerator

from triage_logging import JSONFormatter

CREATED = 1764843330.123  # 2025-12-04T10:15:30.123Z
TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
SPAN_ID = 0x00F067AA0BA902B7
STACK_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/srv/shop/payments.py", line 42, in charge\n'
    "    raise ValueError(f'card declined for order {order}')\n"
    "ValueError: card declined for order 1234"
)


def make_record(
    msg: object = "Payment failed for order %s",
    args: Any = (1234,),
    level: int = logging.ERROR,
    **extra: object,
) -> logging.LogRecord:
    record = logging.LogRecord("shop.checkout", level, "/srv/shop/views.py", 7, msg, args, None)
    record.created, record.msecs = CREATED, 123.0
    record.__dict__.update(extra)
    return record


def with_exception(record: logging.LogRecord, text: str = STACK_TRACE) -> logging.LogRecord:
    """Attach a ValueError with a fixed traceback text, so golden lines stay golden."""
    error = ValueError("card declined for order 1234")
    record.exc_info = (ValueError, error, None)
    record.exc_text = text
    return record


class FixedIds(IdGenerator):
    def generate_trace_id(self) -> int:
        return TRACE_ID

    def generate_span_id(self) -> int:
        return SPAN_ID


@pytest.fixture
def span() -> Iterator[None]:
    """A recording span from the real SDK, current for the duration of the test."""
    tracer = TracerProvider(id_generator=FixedIds()).get_tracer("tests")
    with tracer.start_as_current_span("checkout"):
        yield


@pytest.fixture
def formatter() -> JSONFormatter:
    return JSONFormatter()


class Lines(logging.Handler):
    """Collects the formatted lines of everything logged to it."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__()
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def shop_logger(formatter: JSONFormatter) -> Iterator[tuple[logging.Logger, Lines]]:
    """The `shop` logger writing JSON lines to a list instead of a stream."""
    logger = logging.getLogger("shop")
    lines = Lines(formatter)
    logger.addHandler(lines)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, lines
    logger.removeHandler(lines)
    logger.propagate = True
    logger.setLevel(logging.NOTSET)
