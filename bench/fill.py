"""Fill a dedicated database with 1,000,000 errors and 10,000,000 hourly counts, in SQL.

generate_series inside PostgreSQL takes minutes where the ORM would take hours. The secondary
indexes of monitoring.errors are dropped during the load and rebuilt from their own definitions
afterwards, so the benchmark runs against exactly the schema the migrations create. A second
run finds the marker row and does nothing.
"""

import time

from django.db import connection

ERRORS = 1_000_000
HOURS_PER_ERROR = 10
ERRORS_WITH_OCCURRENCES = 2_000
OCCURRENCES_PER_ERROR = 200
USERS = 20
COMMON_WORD = "failed"
RARE_WORD = "quokka"

MESSAGES = [
    "Database connection failed after 3 retries",
    "Timeout while calling payments gateway",
    "KeyError in checkout handler",
    "Permission denied for tenant",
    "Failed to render invoice template",
    "Upstream returned 502 Bad Gateway",
    "Serialization error in GraphQL resolver",
]
TYPES = ["OperationalError", "TimeoutError", "KeyError", "PermissionDenied", "TemplateError"]
SERVICES = ["api", "worker", "billing", "auth", "search", "gateway", "scheduler", "mailer"]
ENVIRONMENTS = ["prod", "staging", "dev"]
LEVELS = ["error", "error", "error", "critical", "warning"]
STACK = (
    "Traceback (most recent call last):\n"
    '  File "/app/api/views.py", line 42, in handle\n    return service.run(request)\n'
    '  File "/app/api/service.py", line 118, in run\n    rows = db.fetch(query)\n'
    '  File "/app/db/pool.py", line 77, in fetch\n    raise OperationalError(msg)\n'
    "OperationalError: connection failed"
)


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


ERRORS_SQL = f"""
INSERT INTO monitoring.errors (
    fingerprint, first_seen_at, last_seen_at, occurrence_count, message, stack_trace, metadata,
    status, exception_type, service, environment, level, last_trace_id, source, assignee_id,
    regression_count, last_regressed_at, noticed_at, noticed_count)
SELECT
    'fp-' || lpad(i::text, 7, '0') || '-' || left(md5(i::text), 12),
    last_seen - (random() * interval '30 days'),
    last_seen,
    count,
    ({_array(MESSAGES)})[1 + i % 7] || ' for user ' || (i % 5000)
        || CASE WHEN i % 20000 = 7 THEN ' {RARE_WORD}' ELSE '' END,
    '{STACK}',
    jsonb_build_object('request_id', md5(i::text), 'region', 'eu-' || (i % 3)),
    CASE WHEN r < 0.60 THEN 'new' WHEN r < 0.65 THEN 'investigating'
         WHEN r < 0.90 THEN 'resolved' ELSE 'ignored' END,
    ({_array(TYPES)})[1 + i % 5],
    ({_array(SERVICES)})[1 + (i / 7) % 8],
    ({_array(ENVIRONMENTS)})[1 + (i / 3) % 3],
    ({_array(LEVELS)})[1 + i % 5],
    md5((i * 7)::text),
    'loki-main',
    CASE WHEN i % 20 = 0 THEN (SELECT min(id) FROM auth_user) + i % {USERS} END,
    CASE WHEN i % 33 = 0 THEN 1 + i % 3 ELSE 0 END,
    CASE WHEN i % 33 = 0 THEN last_seen - interval '1 hour' END,
    last_seen,
    count
FROM generate_series(1, {ERRORS}) AS i,
LATERAL (SELECT now() - (power(random(), 2) * interval '30 days') AS last_seen,
                1 + floor(power(random(), 4) * 50000)::int AS count,
                random() AS r, i AS j) AS v
"""  # noqa: S608 (built from this file's constants only)

HOURLY_SQL = f"""
INSERT INTO errors_hourlycount (error_id, hour, count)
SELECT e.id, date_trunc('hour', e.last_seen_at) - make_interval(hours => (k * (1 + n % 7))::int),
       1 + floor(random() * 40)::int
FROM (SELECT id, last_seen_at, row_number() OVER () AS n FROM monitoring.errors) AS e,
     generate_series(0, {HOURS_PER_ERROR - 1}) AS k
"""  # noqa: S608 (built from this file's constants only)

OCCURRENCES_SQL = f"""
INSERT INTO errors_occurrence (error_id, timestamp, timestamp_ns, source, stream_labels,
    trace_id, span_id, tenant, "user", operation, service, environment)
SELECT e.id, t, (extract(epoch FROM t) * 1e9)::bigint, 'loki-main',
       jsonb_build_object('job', e.service, 'env', e.environment),
       md5(e.id::text || k), left(md5(k::text), 16), 'tenant-' || (k % 6), 'user-' || (k % 40),
       ({_array(["createPost", "login", "checkout", "search"])})[1 + k % 4],
       e.service, e.environment
FROM (SELECT id, service, environment, last_seen_at FROM monitoring.errors
      ORDER BY occurrence_count DESC, id DESC LIMIT {ERRORS_WITH_OCCURRENCES}) AS e,
     generate_series(1, {OCCURRENCES_PER_ERROR}) AS k,
     LATERAL (SELECT e.last_seen_at - k * interval '7 minutes' AS t) AS ts
"""  # noqa: S608 (built from this file's constants only)


def _secondary_indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'monitoring' "
            "AND tablename = 'errors' AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        return list(cursor.fetchall())


def is_filled() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_filled (errors int, filled_at timestamptz)"
        )
        cursor.execute("SELECT errors FROM bench_filled")
        return cursor.fetchone() == (ERRORS,)


def _step(label: str, sql: str) -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


def fill() -> None:
    """Load the data set unless a previous run already did."""
    if is_filled():
        print("bench database already filled", flush=True)
        return
    from django.contrib.auth.models import Group, User

    print(f"filling {ERRORS:,} errors and {ERRORS * HOURS_PER_ERROR:,} hourly counts", flush=True)
    admin = Group.objects.get(name="admin")
    for n in range(USERS):
        user, _ = User.objects.get_or_create(username=f"bench{n}", email=f"bench{n}@example.com")
        user.groups.add(admin)
    indexes = _secondary_indexes()
    _step("truncate", "TRUNCATE monitoring.errors, errors_hourlycount, errors_occurrence CASCADE")
    _step("settings", "SET maintenance_work_mem = '1GB'; SET session_replication_role = replica")
    for name, _ in indexes:
        _step(f"drop {name}", f"DROP INDEX monitoring.{name}")
    _step("errors", ERRORS_SQL)
    for name, definition in indexes:
        _step(f"index {name}", definition)
    _step("hourly counts", HOURLY_SQL)
    _step("occurrences", OCCURRENCES_SQL)
    _step("replication role", "SET session_replication_role = origin")
    _step("analyze", "VACUUM ANALYZE")
    _step("marker", f"INSERT INTO bench_filled VALUES ({ERRORS}, now())")  # noqa: S608 (a constant)
