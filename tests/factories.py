"""factory_boy factories for the error domain."""

import hashlib
from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from errors.models import ErrorGroup, HourlyCount, Note, Occurrence, Status


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class ErrorGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErrorGroup

    fingerprint = factory.Sequence(lambda n: f"fp_{n:05d}")
    message = factory.Sequence(lambda n: f"Something failed number {n}")
    exception_type = "RuntimeError"
    first_seen_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    last_seen_at = factory.LazyFunction(timezone.now)
    occurrence_count = 1
    status = Status.NEW
    service = "fraiseql-app"
    environment = "dev"
    stack_trace = 'Traceback (most recent call last):\n  File "app.py", line 1, in main\n'
    metadata = factory.LazyFunction(dict)


class OccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occurrence

    error = factory.SubFactory(ErrorGroupFactory)
    timestamp = factory.LazyFunction(timezone.now)
    timestamp_ns = factory.LazyAttribute(lambda o: int(o.timestamp.timestamp() * 1e9))
    trace_id = factory.Sequence(lambda n: hashlib.md5(str(n).encode()).hexdigest())  # noqa: S324
    span_id = factory.LazyAttribute(lambda o: o.trace_id[:16])
    tenant = "tenant-a"
    user = "user-1"
    operation = "createPost"
    stream_labels = factory.LazyFunction(lambda: {"job": "fraiseql-app", "env": "dev"})


class HourlyCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HourlyCount

    error = factory.SubFactory(ErrorGroupFactory)
    hour = factory.LazyFunction(lambda: timezone.now().replace(minute=0, second=0, microsecond=0))
    count = 1


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    error = factory.SubFactory(ErrorGroupFactory)
    body = "Looked at it"
