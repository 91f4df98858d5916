"""SLACK_WEBHOOK_URL gives a default Slack channel and rule, once."""

from datetime import timedelta
from typing import Any

import pytest

from alerts import defaults
from alerts.dispatch import dispatch_pending
from alerts.models import Channel, ChannelKind, Delivery, Rule
from tests.alerts.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_unset_makes_nothing() -> None:
    assert defaults.ensure() is None
    assert not Channel.objects.exists()


def test_set_makes_a_channel_and_a_rule_once(settings: Any) -> None:
    settings.SLACK_WEBHOOK_URL = "https://hooks.slack.example/T/B/x"
    defaults.ensure()
    defaults.ensure()
    (channel,) = Channel.objects.all()
    assert channel.kind == ChannelKind.SLACK and channel.url == settings.SLACK_WEBHOOK_URL
    (rule,) = Rule.objects.all()
    assert (rule.on_new, rule.on_regression, rule.on_unignored) == (True, True, False)
    assert rule.repeat_interval == timedelta(hours=1)
    assert list(rule.channels.all()) == [channel]


def test_the_url_follows_the_environment_the_rule_stays_the_admins(settings: Any) -> None:
    settings.SLACK_WEBHOOK_URL = "https://hooks.slack.example/old"
    defaults.ensure()
    Rule.objects.update(repeat_interval=timedelta(days=1))
    settings.SLACK_WEBHOOK_URL = "https://hooks.slack.example/new"
    defaults.ensure()
    assert Channel.objects.get().url == "https://hooks.slack.example/new"
    assert Rule.objects.get().repeat_interval == timedelta(days=1)


def test_dispatch_uses_the_default(settings: Any) -> None:
    settings.SLACK_WEBHOOK_URL = "https://hooks.slack.example/T/B/x"
    EventFactory()
    dispatch_pending()
    assert Delivery.objects.get().channel.from_env == "SLACK_WEBHOOK_URL"
