"""report_error: the application's upsert into monitoring.errors, on the real PostgreSQL."""

import asyncio
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection
from psycopg.conninfo import make_conninfo

from tests.triage_logging.conftest import Lines
from triage_logging import (
    UPSERT_SQL,
    JSONFormatter,
    build_report,
    fingerprint_exception,
    fingerprint_fields,
    report_error,
    report_error_async,
)

ROW = (
    "SELECT occurrence_count, message, metadata, status FROM monitoring.errors "
    "WHERE fingerprint = %s"
)


def connection_params() -> dict[str, Any]:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return params


@pytest.fixture
def app_db(transactional_db: None) -> Iterator[psycopg.Connection[Any]]:
    """An application's own autocommit connection to the migrated test database."""
    with psycopg.connect(**connection_params(), autocommit=True) as conn:
        yield conn


@pytest.fixture
def report_lines() -> Iterator[Lines]:
    """The JSON lines report_error logs, captured."""
    logger = logging.getLogger("triage_logging.report")
    lines = Lines(JSONFormatter())
    logger.addHandler(lines)
    yield lines
    logger.removeHandler(lines)


def failing_charge(order: int, kind: type[Exception] = RuntimeError) -> Exception:
    try:
        raise kind(f"charge failed for order {order}, card holder ann@example.com")
    except Exception as exc:
        return exc


def unique_error() -> Exception:
    """An exception type of its own, so each test's row has its own computed fingerprint."""
    kind = type(f"PaymentError{uuid.uuid4().hex}", (Exception,), {})
    return failing_charge(1, kind)


def test_the_statement_is_the_one_applications_run() -> None:
    assert UPSERT_SQL == (
        "INSERT INTO monitoring.errors (fingerprint, message, metadata, first_seen_at, "
        "last_seen_at) VALUES (%s, %s, %s, NOW(), NOW()) ON CONFLICT (fingerprint) DO UPDATE "
        "SET occurrence_count = errors.occurrence_count + 1, last_seen_at = NOW()"
    )


def test_build_report_is_pure_and_scrubbed() -> None:
    report = build_report(failing_charge(7), {"user_email": "ann@example.com", "tenant_id": "acme"})
    assert report.fingerprint == fingerprint_exception(failing_charge(7))
    assert report.message == "charge failed for order 7, card holder [EMAIL]"
    assert report.metadata["exception_type"] == "RuntimeError"
    assert report.metadata["context"] == {"user_email": "[EMAIL]", "tenant_id": "acme"}
    assert "ann@example.com" not in json.dumps(report.metadata)
    assert str(report.metadata["stack_trace"]).endswith("card holder [EMAIL]\n")
    assert report.stored is False


def test_an_empty_message_falls_back_to_the_type() -> None:
    assert build_report(KeyError()).message == "KeyError"


def test_text_postgresql_refuses_is_made_storable() -> None:
    report = build_report(ValueError("nul \x00 and surrogate \ud800"))
    assert report.message == "nul \ufffd and surrogate ?"


@pytest.mark.django_db(transaction=True)
def test_report_twice_counts_two_occurrences(
    app_db: psycopg.Connection[Any], report_lines: Lines
) -> None:
    error = unique_error()
    first = report_error(error, context={"tenant_id": "acme"}, connection=app_db)
    second = report_error(error, context={"tenant_id": "acme"}, connection=app_db)
    assert first.stored and second.stored
    assert first.fingerprint == second.fingerprint
    count, message, metadata, status = app_db.execute(ROW, (first.fingerprint,)).fetchone()
    assert count == 2
    assert message == "charge failed for order 1, card holder [EMAIL]"
    assert metadata["context"] == {"tenant_id": "acme"}
    assert metadata["exception_type"].startswith("tests.triage_logging.test_reporting.PaymentError")
    assert status == "new"


@pytest.mark.django_db(transaction=True)
def test_the_log_line_joins_the_row(app_db: psycopg.Connection[Any], report_lines: Lines) -> None:
    report = report_error(unique_error(), context={"user_id": 42}, connection=app_db)
    fields = json.loads(report_lines.lines[-1])
    assert fields["error_fingerprint"] == fields["fingerprint"] == report.fingerprint
    assert fingerprint_fields(fields) == report.fingerprint
    assert fields["level"] == "error"
    assert fields["message"] == report.message
    assert fields["context"] == {"user_id": 42}
    assert fields["stack_trace"].startswith("Traceback (most recent call last):")


@pytest.mark.django_db(transaction=True)
def test_an_explicit_fingerprint_is_the_rows_key(app_db: psycopg.Connection[Any]) -> None:
    name = f"payment_gateway_down_{uuid.uuid4().hex}"
    report = report_error(failing_charge(3), fingerprint=name, connection=app_db)
    assert report.fingerprint == name
    assert app_db.execute(ROW, (name,)).fetchone() is not None


@pytest.mark.django_db(transaction=True)
def test_a_connection_string_opens_its_own_connection(app_db: psycopg.Connection[Any]) -> None:
    report = report_error(unique_error(), connection=make_conninfo(**connection_params()))
    assert report.stored
    assert app_db.execute(ROW, (report.fingerprint,)).fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_djangos_connection_works_too(app_db: psycopg.Connection[Any]) -> None:
    report = report_error(unique_error(), connection=connection)
    assert report.stored
    assert app_db.execute(ROW, (report.fingerprint,)).fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_async_variant(app_db: psycopg.Connection[Any]) -> None:
    error = unique_error()

    async def report_twice() -> list[bool]:
        params = connection_params()
        async with await psycopg.AsyncConnection.connect(**params, autocommit=True) as conn:
            return [(await report_error_async(error, connection=conn)).stored for _ in range(2)]

    assert asyncio.run(report_twice()) == [True, True]
    assert app_db.execute(ROW, (fingerprint_exception(error),)).fetchone()[0] == 2


def test_a_database_failure_is_logged_and_reported_not_raised(report_lines: Lines) -> None:
    report = report_error(
        failing_charge(9), connection="postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    )
    assert report.stored is False
    error_line, warning_line = (json.loads(line) for line in report_lines.lines[-2:])
    assert error_line["error_fingerprint"] == report.fingerprint
    assert warning_line["level"] == "warning"
    assert warning_line["message"] == "error report not stored in monitoring.errors"
    assert warning_line["exception_type"] == "psycopg.OperationalError"
    assert warning_line["context"] == {"report_fingerprint": report.fingerprint}


def test_without_a_connection_only_the_line_is_written(report_lines: Lines) -> None:
    report = report_error(failing_charge(5))
    assert report.stored is False
    assert json.loads(report_lines.lines[-1])["error_fingerprint"] == report.fingerprint
