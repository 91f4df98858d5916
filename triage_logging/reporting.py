"""Reporting an error directly: an upsert into monitoring.errors plus a JSON line to join it with.

The statement is the one applications already run, verbatim. The line is logged first, so the
error reaches Loki even when the database is down; a failed upsert is logged as a warning and
reported back (`stored=False`) instead of raising out of the caller's error handling.

`connection` is a DB-API connection using `%s` parameters (psycopg 3 or 2, Django's
`connection`) or a libpq connection string. With a connection object the statement runs in
whatever transaction that connection has: give it an autocommit connection of its own, or the
report is rolled back together with the work that failed. A string opens a short-lived
autocommit psycopg connection.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from triage_logging.error_row import UPSERT_SQL, ErrorReport, build_report
from triage_logging.patterns import Scrubber
from triage_logging.sensitive import DEFAULT_PATTERNS

CONNECT_TIMEOUT_SECONDS = 5

_LOGGER = logging.getLogger("triage_logging.report")


class Cursor(Protocol):
    def execute(self, query: str, params: Sequence[object], /) -> object: ...
    def close(self) -> object: ...


class Connection(Protocol):
    def cursor(self) -> Cursor: ...


class AsyncCursor(Protocol):
    async def execute(self, query: str, params: Sequence[object], /) -> object: ...
    async def close(self) -> object: ...


class AsyncConnection(Protocol):
    def cursor(self) -> AsyncCursor: ...


def _log_report(
    report: ErrorReport,
    exc: BaseException,
    context: Mapping[str, object] | None,
    logger: logging.Logger,
    level: int,
) -> None:
    extra = {"error_fingerprint": report.fingerprint, "context": dict(context or {})}
    logger.log(level, report.message, exc_info=exc, extra=extra, stacklevel=3)


def _log_failure(report: ErrorReport, error: Exception, logger: logging.Logger) -> None:
    logger.warning(
        "error report not stored in monitoring.errors",
        exc_info=error,
        extra={"context": {"report_fingerprint": report.fingerprint}},
    )


def report_error(
    exc: BaseException,
    *,
    context: Mapping[str, object] | None = None,
    connection: Connection | str | None = None,
    fingerprint: str | None = None,
    logger: logging.Logger = _LOGGER,
    level: int = logging.ERROR,
    scrub: bool = True,
    patterns: Sequence[Scrubber] = DEFAULT_PATTERNS,
) -> ErrorReport:
    """Log `exc` as a JSON line carrying `error_fingerprint`, then upsert its row."""
    report = build_report(exc, context, explicit=fingerprint, scrub=scrub, patterns=patterns)
    _log_report(report, exc, context, logger, level)
    if connection is None:
        return report
    try:
        if isinstance(connection, str):
            _upsert_with_dsn(connection, report.params())
        else:
            cursor = connection.cursor()
            try:
                cursor.execute(UPSERT_SQL, report.params())
            finally:
                cursor.close()
    except Exception as error:
        _log_failure(report, error, logger)
        return report
    return replace(report, stored=True)


async def report_error_async(
    exc: BaseException,
    *,
    context: Mapping[str, object] | None = None,
    connection: AsyncConnection | str | None = None,
    fingerprint: str | None = None,
    logger: logging.Logger = _LOGGER,
    level: int = logging.ERROR,
    scrub: bool = True,
    patterns: Sequence[Scrubber] = DEFAULT_PATTERNS,
) -> ErrorReport:
    """`report_error` for asyncio code, with a psycopg AsyncConnection (or a DSN)."""
    report = build_report(exc, context, explicit=fingerprint, scrub=scrub, patterns=patterns)
    _log_report(report, exc, context, logger, level)
    if connection is None:
        return report
    try:
        if isinstance(connection, str):
            await _upsert_with_dsn_async(connection, report.params())
        else:
            cursor = connection.cursor()
            try:
                await cursor.execute(UPSERT_SQL, report.params())
            finally:
                await cursor.close()
    except Exception as error:
        _log_failure(report, error, logger)
        return report
    return replace(report, stored=True)


def _upsert_with_dsn(dsn: str, params: tuple[str, str, str]) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        conn.execute(UPSERT_SQL, params)


async def _upsert_with_dsn_async(dsn: str, params: tuple[str, str, str]) -> None:
    import psycopg

    async with await psycopg.AsyncConnection.connect(
        dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
    ) as conn:
        await conn.execute(UPSERT_SQL, params)
