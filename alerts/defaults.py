"""`SLACK_WEBHOOK_URL` in the environment: a default Slack channel and rule, made on first use.

For scripts and the compose stack: set the variable and new errors and regressions reach Slack
(at most once an hour per error). Afterwards the rule is the admin's to change; only the URL
follows the environment.
"""

from datetime import timedelta

from django.db import transaction

from alerts import config
from alerts.models import Channel, ChannelKind, Rule

ENV = "SLACK_WEBHOOK_URL"


def ensure() -> Channel | None:
    """The default Slack channel (created with its rule the first time); None when unset."""
    url = config.slack_webhook_url()
    if not url:
        return None
    with transaction.atomic():
        channel, created = Channel.objects.get_or_create(
            from_env=ENV,
            defaults={"name": f"Slack ({ENV})", "kind": ChannelKind.SLACK, "url": url},
        )
        if not created and channel.url != url:
            Channel.objects.filter(pk=channel.pk).update(url=url)
        if created:
            rule = Rule.objects.create(
                name=f"New errors and regressions ({ENV})",
                on_new=True,
                on_regression=True,
                repeat_interval=timedelta(hours=1),
                from_env=ENV,
            )
            rule.channels.add(channel)
    return channel
