"""Realistic demo data: 128 error groups over 14 days with bursts, triage history and notes.

Deterministic (seeded) and idempotent: a second run finds the demo rows and changes nothing.
"""

import hashlib
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from errors.models import Activity, ActivityKind, ErrorGroup, HourlyCount, Note, Occurrence, Status

SERVICES = {
    "fraiseql-app": ["createPost", "updatePost", "listPosts", "login", "signup"],
    "fraiseql-worker": ["sendDigest", "reindexSearch", "syncBilling"],
    "billing-api": ["chargeCard", "refund", "createInvoice"],
    "auth-service": ["issueToken", "refreshToken", "verifyEmail"],
}
ENVIRONMENTS = ["prod", "prod", "prod", "staging", "dev"]
TENANTS = [f"tenant-{c}" for c in "abcdefgh"]
USERS = [f"user-{n}" for n in range(1, 41)]
TEMPLATES = [
    ("DatabaseConnectionError", "Database connection failed: timeout after {n}ms", "db_connection"),
    ("GraphQLError", "Cannot query field '{w}' on type 'Post'", "graphql_field"),
    ("AttributeError", "'NoneType' object has no attribute '{w}'", "none_attribute"),
    ("PermissionDenied", "User is not allowed to {w} this post", "permission_denied"),
    ("UniqueViolation", 'duplicate key value violates unique constraint "{w}_key"', "unique"),
    ("TimeoutError", "Upstream {w} did not answer within {n}s", "upstream_timeout"),
    ("KeyError", "'{w}'", "key_error"),
    ("ValueError", "invalid literal for int() with base 10: '{w}'", "value_error"),
    ("StripeError", "Card declined for charge {w}", "card_declined"),
    ("JWTError", "Signature has expired for token issued to {w}", "jwt_expired"),
    ("RedisError", "Connection reset by peer while reading from {w}", "redis_reset"),
    ("ValidationError", "Field '{w}' is required", "validation"),
]
ERRORS = 128
WORDS = ["tenant_id", "author", "email", "title", "slug", "invoice", "search", "cache", "session"]


@dataclass
class Summary:
    created: bool
    errors: int = 0
    occurrences: int = 0
    hourly_rows: int = 0
    admin_password: str | None = None


def seed(now: datetime | None = None, seed_value: int = 42) -> Summary:
    """Create the demo world unless it is already there."""
    if ErrorGroup.objects.filter(metadata__demo=True).exists():
        return Summary(created=False)
    rng = random.Random(seed_value)
    now = (now or timezone.now()).replace(microsecond=0)
    users = _people()
    summary = Summary(created=True)
    with transaction.atomic():
        index = 0
        while summary.errors < ERRORS:
            _one_error(rng, now, index, users, summary)
            index += 1
    return summary


def _people() -> dict[str, User]:
    people = {}
    for name, role in (("alice", "triager"), ("bob", "viewer"), ("dave", "triager")):
        user, created = User.objects.get_or_create(
            username=name, defaults={"email": f"{name}@example.com"}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=role))
        people[name] = user
    return people


def _timestamps(rng: random.Random, now: datetime, age_hours: int) -> list[datetime]:
    base = rng.choice([12, 60, 150, 300, 500, 900])
    stamps = [now - timedelta(seconds=rng.uniform(0, age_hours * 3600)) for _ in range(base)]
    if rng.random() < 0.35:
        burst_at = now - timedelta(hours=rng.uniform(0, min(age_hours, 48)))
        stamps += [burst_at + timedelta(seconds=rng.uniform(0, 900)) for _ in range(base * 3)]
    return sorted(s for s in stamps if s <= now)


def _one_error(
    rng: random.Random, now: datetime, index: int, users: dict[str, User], summary: Summary
) -> None:
    exc_type, template, slug = TEMPLATES[index % len(TEMPLATES)]
    service = list(SERVICES)[index % len(SERVICES)]
    environment = ENVIRONMENTS[index % len(ENVIRONMENTS)]
    word = WORDS[(index // len(TEMPLATES)) % len(WORDS)]
    fingerprint = f"{slug}_{word}_{service}_{environment}"
    if ErrorGroup.objects.filter(fingerprint=fingerprint).exists():
        return
    message = template.format(w=word, n=rng.choice([500, 1000, 3000, 5000]))
    stamps = _timestamps(rng, now, rng.choice([6, 30, 100, 336]))
    if not stamps:
        stamps = [now - timedelta(minutes=rng.randint(1, 600))]
    error = ErrorGroup.objects.create(
        fingerprint=fingerprint,
        message=message,
        exception_type=exc_type,
        service=service,
        environment=environment,
        first_seen_at=stamps[0],
        last_seen_at=stamps[-1],
        occurrence_count=len(stamps),
        stack_trace=_stack(exc_type, message, service),
        metadata={"demo": True, "logger": f"{service}.handlers", "release": "2026.11.3"},
        last_trace_id=_hex(f"{index}-last", 32),
        noticed_at=stamps[0],
        noticed_count=len(stamps),
        source="demo",
    )
    Activity.objects.create(error=error, kind=ActivityKind.CREATED, actor_label="poller")
    _triage_history(rng, now, error, users)
    keep = (
        stamps[: settings.OCCURRENCES_KEEP_FIRST]
        + stamps[settings.OCCURRENCES_KEEP_FIRST :][-settings.OCCURRENCES_KEEP_RECENT :]
    )
    operations = SERVICES[service]
    Occurrence.objects.bulk_create(
        Occurrence(
            error=error,
            timestamp=stamp,
            timestamp_ns=int(stamp.timestamp()) * 1_000_000_000 + n,
            source="demo",
            stream_labels={"job": service, "env": environment, "level": "error"},
            trace_id=_hex(f"{index}-{n}", 32),
            span_id=_hex(f"{index}-{n}-span", 16),
            tenant=rng.choice(TENANTS),
            user=rng.choice(USERS),
            operation=rng.choice(operations),
            service=service,
            environment=environment,
        )
        for n, stamp in enumerate(keep)
    )
    hours = Counter(s.replace(minute=0, second=0, microsecond=0) for s in stamps)
    HourlyCount.objects.bulk_create(
        HourlyCount(error=error, hour=hour, count=count) for hour, count in hours.items()
    )
    summary.errors += 1
    summary.occurrences += len(stamps)
    summary.hourly_rows += len(hours)


def _triage_history(
    rng: random.Random, now: datetime, error: ErrorGroup, users: dict[str, User]
) -> None:
    roll = rng.random()
    alice = users["alice"]
    if roll < 0.15:
        _set(error, Status.RESOLVED, alice, resolved_at=now - timedelta(days=3), resolved_by=alice)
    elif roll < 0.25:
        _set(error, Status.IGNORED, alice)
    elif roll < 0.40:
        _set(error, Status.INVESTIGATING, alice, assignee=rng.choice([alice, users["dave"]]))
        Note.objects.create(error=error, author=alice, body="Looking into it; seems load related.")
        Activity.objects.create(error=error, kind=ActivityKind.NOTE_ADDED, actor=alice)
    elif roll < 0.50:
        error.regression_count = rng.randint(1, 3)
        error.last_regressed_at = error.last_seen_at - timedelta(minutes=5)
        error.save(update_fields=["regression_count", "last_regressed_at"])
        Activity.objects.create(error=error, kind=ActivityKind.REGRESSED, actor_label="poller")


def _set(error: ErrorGroup, status: str, actor: User, **fields: object) -> None:
    """Demo history written directly: it describes the past, it is not a triage action."""
    old = error.status
    for name, value in {"status": status, **fields}.items():
        setattr(error, name, value)
    error.save()
    Activity.objects.create(
        error=error, kind=ActivityKind.STATUS_CHANGED, actor=actor, data={"from": old, "to": status}
    )
    if "assignee" in fields:
        Activity.objects.create(
            error=error, kind=ActivityKind.ASSIGNED, actor=actor, data={"to": actor.username}
        )


def _hex(seed_text: str, length: int) -> str:
    return hashlib.sha256(seed_text.encode()).hexdigest()[:length]


def _stack(exc_type: str, message: str, service: str) -> str:
    module = service.replace("-", "_")
    return (
        "Traceback (most recent call last):\n"
        f'  File "/app/{module}/handlers.py", line 88, in handle\n'
        "    result = resolver(info, **args)\n"
        f'  File "/app/{module}/resolvers.py", line 142, in resolve\n'
        "    return service.run(payload)\n"
        f'  File "/app/{module}/service.py", line 57, in run\n'
        "    row = self.repository.fetch(payload.id)\n"
        f"{exc_type}: {message}"
    )
