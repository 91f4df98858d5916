"""The `alerted` lines of an error's history: every alert a person received shows up there."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from errors import triage


def record_alerted(error_ids: Iterable[UUID], data: dict[str, Any]) -> None:
    """Written in the same transaction that marks the delivery sent."""
    triage.mark_alerted(error_ids, data=data)
