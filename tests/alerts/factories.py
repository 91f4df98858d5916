"""factory_boy factories for channels, rules, outbox events, firings, deliveries, attempts."""

from datetime import timedelta

import factory
from django.utils import timezone

from alerts.models import Attempt, Channel, ChannelKind, Delivery, Firing, Outcome, Rule
from errors.models import Event, EventKind
from tests.factories import ErrorGroupFactory


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    name = factory.Sequence(lambda n: f"channel-{n}")
    kind = ChannelKind.WEBHOOK
    url = "http://127.0.0.1:9/hook"
    secret = "s3cret"


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"rule-{n}")
    on_new = True
    on_regression = True
    repeat_interval = timedelta(hours=1)

    @factory.post_generation
    def channels(self, create: bool, extracted: list[Channel] | None) -> None:
        if create and extracted:
            self.channels.set(extracted)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.NEW
    error = factory.SubFactory(ErrorGroupFactory)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    key = factory.Sequence(lambda n: f"event-{n}-channel-x")
    channel = factory.SubFactory(ChannelFactory)
    error = factory.SubFactory(ErrorGroupFactory)
    why = "new"
    reason = "New error"
    rule_name = "rule"
    next_attempt_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyFunction(timezone.now)


class FiringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firing

    rule = factory.SubFactory(RuleFactory)
    error = factory.SubFactory(ErrorGroupFactory)
    why = "new"
    text = "New error"
    created_at = factory.LazyFunction(timezone.now)


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attempt

    delivery = factory.SubFactory(DeliveryFactory)
    started_at = factory.LazyAttribute(lambda a: a.delivery.created_at)
    finished_at = factory.LazyAttribute(lambda a: a.started_at)
    outcome = Outcome.SENT
    status_code = 200
