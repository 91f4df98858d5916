"""The poller's statements, each writing one table for a whole window.

Rows arrive as one JSON array per statement (json_to_recordset). Nanosecond timestamps become
timestamptz through whole microseconds, exactly. `noticed_at` is set to a mark unique to the
poll, so `noticed_at = mark` in RETURNING tells rows this poll noticed first (inserted, or
written by an application and not yet noticed); `noticed_count` moves with the poller's own
additions so the SQL watcher sees only the applications' increments. A row an application
counted before anyone noticed it is taken over by the poll: the statement's snapshot still
holds that row as the application left it, which tells the hour its count belongs to.
"""

from typing import Any

from django.db import connection


def run(sql: str, *params: Any, **named: Any) -> list[tuple[Any, ...]]:
    """Execute through Django's cursor (so query counts and logging see it); rows if any."""
    with connection.cursor() as cursor:
        cursor.execute(sql, named or params)
        return cursor.fetchall() if cursor.description else []


GROUPS_SQL = """
WITH upserted AS (
    INSERT INTO monitoring.errors AS e (
        fingerprint, message, stack_trace, metadata, first_seen_at, last_seen_at,
        occurrence_count, exception_type, service, environment, level, last_trace_id, source,
        grouping_version, noticed_at, noticed_count
    )
    SELECT x.fp, x.msg, x.stack, x.meta,
        'epoch'::timestamptz + x.first * interval '1 microsecond',
        'epoch'::timestamptz + x.last * interval '1 microsecond',
        x.n, x.type, x.service, x.env, x.level, x.trace, %(source)s, x.version, %(mark)s, x.n
    FROM json_to_recordset(%(rows)s::json) AS x(
        fp text, msg text, stack text, meta jsonb, first bigint, last bigint, n int, type text,
        service text, env text, level text, trace text, version int
    )
    ORDER BY x.fp
    ON CONFLICT (fingerprint) DO UPDATE SET
        occurrence_count = e.occurrence_count + excluded.occurrence_count,
        first_seen_at = LEAST(e.first_seen_at, excluded.first_seen_at),
        last_seen_at = GREATEST(e.last_seen_at, excluded.last_seen_at),
        exception_type = CASE WHEN excluded.exception_type <> ''
            AND excluded.last_seen_at >= e.last_seen_at THEN excluded.exception_type
            ELSE e.exception_type END,
        service = CASE WHEN excluded.service <> ''
            AND excluded.last_seen_at >= e.last_seen_at THEN excluded.service ELSE e.service END,
        environment = CASE WHEN excluded.environment <> ''
            AND excluded.last_seen_at >= e.last_seen_at THEN excluded.environment
            ELSE e.environment END,
        level = CASE WHEN excluded.last_seen_at >= e.last_seen_at THEN excluded.level
            ELSE e.level END,
        last_trace_id = CASE WHEN excluded.last_trace_id <> ''
            AND excluded.last_seen_at >= e.last_seen_at THEN excluded.last_trace_id
            ELSE e.last_trace_id END,
        -- only the unparseable-lines group carries metadata: its latest sample replaces the last
        stack_trace = CASE WHEN excluded.metadata IS NOT NULL THEN excluded.stack_trace
            ELSE COALESCE(e.stack_trace, excluded.stack_trace) END,
        metadata = COALESCE(excluded.metadata, e.metadata),
        source = CASE WHEN e.source = '' THEN excluded.source ELSE e.source END,
        noticed_count = CASE WHEN e.noticed_at IS NULL THEN e.occurrence_count
            ELSE e.noticed_count END + excluded.occurrence_count,
        noticed_at = COALESCE(e.noticed_at, %(mark)s)
    RETURNING e.id, e.fingerprint, e.status, e.resolved_at, e.noticed_at = %(mark)s AS fresh,
        e.occurrence_count, e.last_seen_at
)
SELECT u.id, u.fingerprint, u.status, u.resolved_at, u.fresh, u.occurrence_count,
    COALESCE(prior.last_seen_at, u.last_seen_at)
FROM upserted u
LEFT JOIN LATERAL (
    SELECT b.last_seen_at FROM monitoring.errors b
    WHERE u.fresh AND b.fingerprint = u.fingerprint AND b.noticed_at IS NULL
) prior ON true
"""

OCCURRENCES_SQL = """
INSERT INTO errors_occurrence (
    error_id, timestamp, timestamp_ns, source, stream_labels, trace_id, span_id, tenant, "user",
    operation, service, environment
)
SELECT x.e, 'epoch'::timestamptz + (x.ts / 1000) * interval '1 microsecond', x.ts, %s,
    (%s::jsonb) -> x.s, x.tr, x.sp, x.te, x.us, x.op, x.svc, x.env
FROM json_to_recordset(%s::json) AS x(
    e uuid, ts bigint, s int, tr text, sp text, te text, us text, op text, svc text, env text
)
"""

HOURLY_SQL = """
INSERT INTO errors_hourlycount AS h (error_id, hour, count)
SELECT x.e, 'epoch'::timestamptz + x.h * interval '1 hour', x.n
FROM json_to_recordset(%s::json) AS x(e uuid, h bigint, n int)
ORDER BY x.e, x.h
ON CONFLICT (error_id, hour) DO UPDATE SET count = h.count + excluded.count
"""

# Between the N-th oldest and the M-th newest of each error, nothing is kept.
PRUNE_SQL = """
DELETE FROM errors_occurrence o
USING (
    SELECT e.id,
        (SELECT x.timestamp_ns FROM errors_occurrence x WHERE x.error_id = e.id
         ORDER BY x.timestamp_ns OFFSET %s - 1 LIMIT 1) AS first_edge,
        (SELECT x.timestamp_ns FROM errors_occurrence x WHERE x.error_id = e.id
         ORDER BY x.timestamp_ns DESC OFFSET %s - 1 LIMIT 1) AS recent_edge
    FROM unnest(string_to_array(%s, ',')::uuid[]) AS e(id)
) b
WHERE o.error_id = b.id AND o.timestamp_ns > b.first_edge AND o.timestamp_ns < b.recent_edge
"""

EVENTS_SQL = """
INSERT INTO errors_event AS v (kind, error_id, data)
SELECT x.kind, x.e, x.data FROM json_to_recordset(%s::json) AS x(kind text, e uuid, data jsonb)
ON CONFLICT (error_id) WHERE kind = 'frequency' AND dispatched_at IS NULL DO UPDATE SET
    data = excluded.data || jsonb_build_object(
        'lines', (v.data->>'lines')::bigint + (excluded.data->>'lines')::bigint)
"""

RECORD_SQL = """
INSERT INTO errors_countedlines AS c (source_id, minute, keys)
SELECT %s, x.m, decode(x.k, 'hex') FROM json_to_recordset(%s::json) AS x(m bigint, k text)
ON CONFLICT (source_id, minute) DO UPDATE SET keys = c.keys || excluded.keys
"""

RECORD_PRUNE_SQL = "DELETE FROM errors_countedlines WHERE source_id = %s AND minute < %s"

RECORD_LOAD_SQL = "SELECT keys FROM errors_countedlines WHERE source_id = %s AND minute >= %s"
