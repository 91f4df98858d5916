"""What an alert says, as plain frozen data: the builders turn it into Slack, JSON or e-mail.

Loaded once per delivery from the database (`alerts.loading`), so the payload builders stay pure
and tests can call them with hand-made values.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Why(StrEnum):
    """Why a rule fired; the value is what webhook bodies carry."""

    NEW = "new"
    REGRESSION = "regression"
    UNIGNORED = "unignored"
    FREQUENCY = "frequency"
    SPIKE = "spike"
    TEST = "test"


@dataclass(frozen=True)
class Reason:
    why: Why
    text: str


@dataclass(frozen=True)
class ErrorSummary:
    id: UUID
    exception_type: str
    message: str
    level: str
    service: str
    environment: str
    status: str
    count: int
    first_seen: datetime
    last_seen: datetime
    fingerprint: str
    assignee: str = ""
    trace_id: str = ""

    @property
    def title(self) -> str:
        return f"{self.exception_type}: {self.message}" if self.exception_type else self.message


@dataclass(frozen=True)
class Links:
    console: str
    logs: str = ""
    trace: str = ""


@dataclass(frozen=True)
class Alert:
    key: str
    error: ErrorSummary
    reason: Reason
    links: Links
    rule: str = ""


@dataclass(frozen=True)
class ContextLine:
    ts: datetime
    text: str
    level: str = ""
    is_error: bool = False


@dataclass(frozen=True)
class Context:
    """Lines around the error, or why there are none (`note`)."""

    lines: tuple[ContextLine, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class DigestItem:
    error: ErrorSummary
    reason: Reason
    alerts: int
    console: str


@dataclass(frozen=True)
class Digest:
    key: str
    items: tuple[DigestItem, ...] = field(default_factory=tuple)
    window_start: datetime | None = None
    window_end: datetime | None = None

    @property
    def total(self) -> int:
        return sum(item.alerts for item in self.items)
