"""Alert rules, channels, and the delivery outbox with its attempt log."""

from alerts.models.channels import Channel, ChannelKind
from alerts.models.deliveries import (
    Attempt,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Firing,
    Outcome,
)
from alerts.models.rules import Assigned, Rule

__all__ = [
    "Assigned",
    "Attempt",
    "Channel",
    "ChannelKind",
    "Delivery",
    "DeliveryKind",
    "DeliveryStatus",
    "Firing",
    "Outcome",
    "Rule",
]
