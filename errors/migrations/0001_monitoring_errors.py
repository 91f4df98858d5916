"""The monitoring.errors table as applications already run it, plus the console's columns.

Idempotent on purpose: the table may already exist (an application created it), so every
statement is IF NOT EXISTS and every added column has a default.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA IF NOT EXISTS monitoring;
CREATE TABLE IF NOT EXISTS monitoring.errors (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    fingerprint text NOT NULL,
    first_seen_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    occurrence_count int NOT NULL DEFAULT 1,
    message text NOT NULL,
    stack_trace text,
    metadata jsonb,
    status text DEFAULT 'new' CHECK (status IN ('new', 'investigating', 'resolved', 'ignored'))
);
CREATE UNIQUE INDEX IF NOT EXISTS errors_fingerprint_key ON monitoring.errors (fingerprint);
"""

CONSOLE_COLUMNS = [
    "exception_type text NOT NULL DEFAULT ''",
    "service text NOT NULL DEFAULT ''",
    "environment text NOT NULL DEFAULT ''",
    "level text NOT NULL DEFAULT 'error'",
    "last_trace_id text NOT NULL DEFAULT ''",
    "source text NOT NULL DEFAULT ''",
    "assignee_id integer DEFAULT NULL",
    "resolved_at timestamptz DEFAULT NULL",
    "resolved_by_id integer DEFAULT NULL",
    "regression_count integer NOT NULL DEFAULT 0",
    "last_regressed_at timestamptz DEFAULT NULL",
    "ignored_until timestamptz DEFAULT NULL",
    "ignored_until_count integer DEFAULT NULL",
    "grouping_version integer NOT NULL DEFAULT 0",
    "noticed_at timestamptz DEFAULT NULL",
    "noticed_count integer NOT NULL DEFAULT 0",
]

INDEXES = [
    "errors_status_last_seen ON monitoring.errors (status, last_seen_at DESC, id DESC)",
    "errors_last_seen ON monitoring.errors (last_seen_at DESC, id DESC)",
    "errors_first_seen ON monitoring.errors (first_seen_at DESC, id DESC)",
    "errors_count ON monitoring.errors (occurrence_count DESC, id DESC)",
    "errors_status_count ON monitoring.errors (status, occurrence_count DESC, id DESC)",
    "errors_assignee ON monitoring.errors (assignee_id, last_seen_at DESC)"
    " WHERE assignee_id IS NOT NULL",
    "errors_unnoticed ON monitoring.errors (noticed_at) WHERE noticed_at IS NULL",
    "errors_message_trgm ON monitoring.errors USING gin (message gin_trgm_ops)",
    "errors_fingerprint_trgm ON monitoring.errors USING gin (fingerprint gin_trgm_ops)",
    "errors_message_fts ON monitoring.errors USING gin (to_tsvector('simple', message))",
]

SQL = (
    CREATE
    + "".join(
        f"ALTER TABLE monitoring.errors ADD COLUMN IF NOT EXISTS {c};\n" for c in CONSOLE_COLUMNS
    )
    + "".join(f"CREATE INDEX IF NOT EXISTS {i};\n" for i in INDEXES)
)


class Migration(migrations.Migration):
    initial = True
    operations = [migrations.RunSQL(SQL, reverse_sql=migrations.RunSQL.noop)]
