"""A small, realistic set of errors for the browser tests and their screenshots."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from errors.models import HourlyCount, Status
from tests.factories import ErrorGroupFactory, OccurrenceFactory

KINDS = [
    ("OperationalError", "Database connection failed: timeout after 3000ms", "api"),
    ("GraphQLError", "Cannot query field 'slug' on type 'Post'", "api"),
    ("TimeoutError", "Read timeout calling payments gateway", "billing"),
    ("KeyError", "'tenant_id' missing from request context", "worker"),
    ("ValidationError", "Field 'email' is required", "auth"),
    ("PermissionDenied", "User 4411 may not publish to tenant acme", "api"),
    ("IntegrityError", "duplicate key value violates unique constraint posts_slug_key", "worker"),
    ("RedisError", "Connection reset by peer while reading response", "worker"),
]
STACK = (
    "Traceback (most recent call last):\n"
    '  File "/app/api/handlers.py", line 88, in handle\n'
    "    result = resolver(info, **args)\n"
    '  File "/app/api/resolvers.py", line 142, in resolve\n'
    "    return service.run(payload)\n"
    '  File "/usr/lib/python3.12/site-packages/psycopg/connection.py", line 119, in connect\n'
    "    raise last_ex.with_traceback(None)\n"
    "psycopg.OperationalError: connection failed: timeout after 3000ms"
)


def _count(n: int, back: int) -> int:
    burst = 6 if back < 10 and n % 3 == 0 else 1
    return ((back * 13 + n) % 9 + 1) * burst


def build(count: int = 64) -> list[Any]:
    """`count` errors newest first, with hourly counts for sparklines; the first has it all."""
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    errors = []
    for n in range(count):
        exc_type, message, service = KINDS[n % len(KINDS)]
        error = ErrorGroupFactory(
            exception_type=exc_type,
            message=message if n < len(KINDS) else f"{message} (#{n})",
            fingerprint=f"{service}_{exc_type.lower()}_{n:03d}",
            service=service,
            environment=["prod", "prod", "staging"][n % 3],
            level=["error", "error", "critical", "warning"][n % 4],
            last_seen_at=now - timedelta(minutes=7 * n + 1),
            first_seen_at=now - timedelta(days=1 + n % 9, hours=n),
            occurrence_count=(n * 7919) % 4000 + 12,
            regression_count=1 if n % 11 == 3 else 0,
            stack_trace=STACK,
            metadata={"request": {"path": "/graphql", "method": "POST"}, "pod": f"api-{n % 4}"},
        )
        HourlyCount.objects.bulk_create(
            HourlyCount(error=error, hour=hour - timedelta(hours=back), count=_count(n, back))
            for back in range(0, 24 * 14, 1 + n % 4)
        )
        errors.append(error)
    for n in range(30):
        OccurrenceFactory(
            error=errors[0],
            timestamp=now - timedelta(minutes=9 * n),
            tenant=["acme", "acme", "globex", "initech"][n % 4],
            user=f"user-{n % 6}",
            operation=["createPost", "createPost", "login"][n % 3],
            service="api",
            environment="prod",
        )
    ErrorGroupFactory(message="Old resolved error", status=Status.RESOLVED)
    return errors
