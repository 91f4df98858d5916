"""Messages per channel spaced out across workers: Slack takes about one a second per webhook.

A generic cell rate algorithm on the channel row: `next_send_at` is the theoretical arrival
time of the next message; up to BURST messages may leave together (Slack allows short bursts),
after which they leave one `interval` apart. A deferred delivery keeps its reserved slot, so
waiting never costs it its place in the line.
"""

from datetime import datetime, timedelta

from django.db import transaction

from alerts.models import Channel

BURST = 3
SLOT_GRACE = timedelta(seconds=2)


def reserve(channel_id: int, interval: timedelta, now: datetime, held: datetime | None) -> datetime:
    """When this message may leave: a slot held from before, or the next free one."""
    if held is not None and held >= now - SLOT_GRACE:
        return held
    if not interval:
        return now
    with transaction.atomic():
        channel = Channel.objects.select_for_update().only("next_send_at").get(pk=channel_id)
        theoretical = max(channel.next_send_at or now, now)
        slot = max(now, theoretical - (BURST - 1) * interval)
        Channel.objects.filter(pk=channel_id).update(next_send_at=theoretical + interval)
    return slot
