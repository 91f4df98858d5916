"""The admin: write-only secrets, a test alert per channel, a rule preview."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alerts.models import Channel, ChannelKind, Delivery, DeliveryKind
from tests.alerts.conftest import Receiver
from tests.alerts.factories import ChannelFactory, RuleFactory
from tests.factories import ErrorGroupFactory
from tests.stubs.server import Reply

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/alerts/channel/"
SECRET_URL = "https://hooks.slack.example/services/T000/B000/XXXXSECRET"


@pytest.fixture
def admin_client_carol(carol: Any) -> Client:
    client = Client()
    client.force_login(carol)
    return client


def channel_form(**changes: str) -> dict[str, str]:
    return {"name": "ops", "kind": ChannelKind.SLACK, "enabled": "on", "url": "", "secret": "",
            "recipients": "", "digest_threshold": "10"} | changes  # fmt: skip


def test_url_and_secret_are_never_rendered_back(admin_client_carol: Client) -> None:
    channel = ChannelFactory(url=SECRET_URL, secret="whsec_XXXXSECRET")
    for url in (reverse("admin:alerts_channel_change", args=[channel.pk]),
                reverse("admin:alerts_channel_changelist")):  # fmt: skip
        page = admin_client_carol.get(url).content.decode()
        assert "XXXXSECRET" not in page


def test_saving_with_empty_fields_keeps_the_secrets(admin_client_carol: Client) -> None:
    channel = ChannelFactory(kind=ChannelKind.WEBHOOK, url=SECRET_URL, secret="keep-me")
    url = reverse("admin:alerts_channel_change", args=[channel.pk])
    response = admin_client_carol.post(url, channel_form(name="renamed", kind="webhook"))
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.url, channel.secret) == ("renamed", SECRET_URL, "keep-me")


def test_a_new_slack_channel_needs_a_url(admin_client_carol: Client) -> None:
    response = admin_client_carol.post(reverse("admin:alerts_channel_add"), channel_form())
    assert response.status_code == 200 and not Channel.objects.exists()
    response = admin_client_carol.post(
        reverse("admin:alerts_channel_add"), channel_form(url=SECRET_URL)
    )
    assert response.status_code == 302 and Channel.objects.get().url == SECRET_URL


def test_send_test_alert_action(admin_client_carol: Client, receiver: Receiver) -> None:
    good = ChannelFactory(name="good", kind=ChannelKind.SLACK, url=receiver.url)
    data = {"action": "send_test_alert", "_selected_action": [str(good.pk)]}
    response = admin_client_carol.post(
        reverse("admin:alerts_channel_changelist"), data, follow=True
    )
    assert "Test alert to good: sent." in response.content.decode()
    assert b"TestAlert" in receiver.received[0].body
    assert Delivery.objects.get().kind == DeliveryKind.TEST
    receiver.answer(Reply(404, "invalid_token"))
    response = admin_client_carol.post(
        reverse("admin:alerts_channel_changelist"), data, follow=True
    )
    assert "Test alert to good: failed: HTTP 404: invalid_token" in response.content.decode()
    good.refresh_from_db()
    assert "invalid_token" in good.last_failure


def test_rule_preview_lists_the_errors_it_would_fire_for(admin_client_carol: Client) -> None:
    rule = RuleFactory(services=["api"])
    ErrorGroupFactory(service="api", message="api is down")
    ErrorGroupFactory(service="worker", message="worker is down")
    data = {"action": "preview_rules", "_selected_action": [str(rule.pk)]}
    page = admin_client_carol.post(reverse("admin:alerts_rule_changelist"), data).content.decode()
    assert "api is down" in page and "worker is down" not in page
    assert "New error" in page


def test_a_rule_that_cannot_fire_is_refused(admin_client_carol: Client) -> None:
    channel = ChannelFactory()
    data = {"name": "quiet", "enabled": "on", "window_minutes": "5", "assigned": "any",
            "channels": [str(channel.pk)], "repeat_interval": "1:00:00"}  # fmt: skip
    response = admin_client_carol.post(reverse("admin:alerts_rule_add"), data)
    assert "Choose at least one trigger" in response.content.decode()
    response = admin_client_carol.post(reverse("admin:alerts_rule_add"), data | {"on_new": "on"})
    assert response.status_code == 302
