"""monitoring.errors stays compatible with the SQL applications already run against it."""

import json
from typing import Any

import psycopg
import pytest
from django.db import connection

APPLICATION_UPSERT = (
    "INSERT INTO monitoring.errors (fingerprint, message, metadata, first_seen_at, last_seen_at) "
    "VALUES (%s, %s, %s, NOW(), NOW()) ON CONFLICT (fingerprint) DO UPDATE SET "
    "occurrence_count = errors.occurrence_count + 1, last_seen_at = NOW()"
)
APPLICATION_SELECT = (
    "SELECT fingerprint, message, occurrence_count, last_seen_at FROM monitoring.errors "
    "WHERE status = 'new' ORDER BY occurrence_count DESC LIMIT 10"
)


def app_connection() -> psycopg.Connection[Any]:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


@pytest.mark.django_db(transaction=True)
def test_application_upsert_runs_verbatim_twice() -> None:
    with app_connection() as conn:
        for _ in range(2):
            conn.execute(
                APPLICATION_UPSERT,
                ("db_connection_timeout", "Database connection failed", json.dumps({"a": 1})),
            )
        rows = conn.execute(APPLICATION_SELECT).fetchall()
    assert [(r[0], r[2]) for r in rows] == [("db_connection_timeout", 2)]


@pytest.mark.django_db(transaction=True)
def test_columns_and_types_are_exactly_the_applications() -> None:
    with app_connection() as conn:
        rows = conn.execute(
            "SELECT column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'monitoring' "
            "AND table_name = 'errors'"
        ).fetchall()
        unique = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'monitoring' "
            "AND tablename = 'errors' AND indexdef LIKE 'CREATE UNIQUE%%(fingerprint)'"
        ).fetchall()
    columns = {name: (dtype, nullable, default) for name, dtype, nullable, default in rows}
    assert columns["id"] == ("uuid", "NO", "gen_random_uuid()")
    assert columns["fingerprint"][:2] == ("text", "NO")
    assert columns["first_seen_at"][:2] == ("timestamp with time zone", "NO")
    assert columns["last_seen_at"][:2] == ("timestamp with time zone", "NO")
    assert columns["occurrence_count"] == ("integer", "NO", "1")
    assert columns["message"][:2] == ("text", "NO")
    assert columns["stack_trace"][:2] == ("text", "YES")
    assert columns["metadata"][:2] == ("jsonb", "YES")
    assert columns["status"] == ("text", "YES", "'new'::text")
    assert unique, "fingerprint needs a unique index for ON CONFLICT"
    required = {"id", "fingerprint", "first_seen_at", "last_seen_at", "message"}
    for name, (_, nullable, default) in columns.items():
        if name not in required:
            assert nullable == "YES" or default is not None, f"{name} needs a default"


@pytest.mark.django_db(transaction=True)
def test_status_check_constraint_rejects_unknown_values() -> None:
    with app_connection() as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO monitoring.errors (fingerprint, message, first_seen_at, last_seen_at, "
            "status) VALUES ('x', 'y', NOW(), NOW(), 'open')"
        )


@pytest.mark.django_db(transaction=True)
def test_migration_is_safe_on_an_existing_application_table() -> None:
    from importlib import import_module

    from errors.migrations import __path__ as migrations_path  # noqa: F401

    sql = import_module("errors.migrations.0001_monitoring_errors").SQL
    with app_connection() as conn:
        conn.execute(sql)
        conn.execute(sql)


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["errors_occurrence", "errors_hourlycount", "errors_activity"])
def test_tables_the_poller_fills_index_error_id_exactly_once(table: str) -> None:
    """Lookups and cascades by error need an index; a second one would only slow each insert."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
            "WHERE i.indrelid = %s::regclass AND a.attname = 'error_id'",
            [table],
        )
        assert cursor.fetchone() == (1,)
