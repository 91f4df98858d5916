"""One sender per channel kind, in one registry: build the payload, hand it to its transport."""

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from alerts import email, webhook
from alerts.alert import Alert, Context, Digest
from alerts.models import Channel, ChannelKind
from alerts.slack import build_slack_digest, build_slack_message
from alerts.transport import Sent, post

JSON = {"Content-Type": "application/json"}


class Sender(Protocol):
    @property
    def interval(self) -> timedelta: ...

    @property
    def wants_context(self) -> bool: ...

    def alert(self, channel: Channel, alert: Alert, context: Context) -> Sent: ...

    def digest(self, channel: Channel, digest: Digest) -> Sent: ...


@dataclass(frozen=True)
class SlackSender:
    interval: timedelta = timedelta(seconds=1)
    wants_context: bool = True

    def alert(self, channel: Channel, alert: Alert, context: Context) -> Sent:
        return post(channel.url, json.dumps(build_slack_message(alert, context)).encode(), JSON)

    def digest(self, channel: Channel, digest: Digest) -> Sent:
        return post(channel.url, json.dumps(build_slack_digest(digest)).encode(), JSON)


@dataclass(frozen=True)
class WebhookSender:
    interval: timedelta = timedelta(0)
    wants_context: bool = True

    def alert(self, channel: Channel, alert: Alert, context: Context) -> Sent:
        body = webhook.build_webhook_body(alert, context)
        return webhook.send_signed(channel.url, channel.secret, body, alert.key)

    def digest(self, channel: Channel, digest: Digest) -> Sent:
        body = webhook.build_webhook_digest(digest)
        return webhook.send_signed(channel.url, channel.secret, body, digest.key)


@dataclass(frozen=True)
class EmailSender:
    interval: timedelta = timedelta(0)
    wants_context: bool = True

    def alert(self, channel: Channel, alert: Alert, context: Context) -> Sent:
        subject, body = email.alert_subject(alert), email.alert_body(alert, context)
        return email.send(channel.recipients, subject, body)

    def digest(self, channel: Channel, digest: Digest) -> Sent:
        return email.send(
            channel.recipients, email.digest_subject(digest), email.digest_body(digest)
        )


SENDERS: dict[str, Sender] = {
    ChannelKind.SLACK: SlackSender(),
    ChannelKind.WEBHOOK: WebhookSender(),
    ChannelKind.EMAIL: EmailSender(),
}
