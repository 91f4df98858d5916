"""A trace as the console uses it: hex ids, integer nanoseconds, plain attribute values.

Tempo's wire format (base64 ids, string integers, typed value wrappers) stops at `otlp.py`;
everything after that, the waterfall and the views, speaks this model.
"""

from dataclasses import dataclass, field
from enum import StrEnum

type AttrValue = str | int | float | bool | bytes | list[AttrValue] | dict[str, AttrValue] | None
type Attributes = dict[str, AttrValue]


class SpanKind(StrEnum):
    UNSPECIFIED = "unspecified"
    INTERNAL = "internal"
    SERVER = "server"
    CLIENT = "client"
    PRODUCER = "producer"
    CONSUMER = "consumer"


class StatusCode(StrEnum):
    UNSET = "unset"
    OK = "ok"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class SpanEvent:
    name: str
    time_ns: int
    attributes: Attributes = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    """An OpenTelemetry `exception` event, read with the semantic-convention keys."""

    type: str
    message: str
    stacktrace: str
    time_ns: int
    escaped: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: SpanKind
    start_ns: int
    end_ns: int
    service: str
    status: StatusCode = StatusCode.UNSET
    status_message: str = ""
    attributes: Attributes = field(default_factory=dict)
    resource: Attributes = field(default_factory=dict)
    events: tuple[SpanEvent, ...] = ()
    scope: str = ""

    @property
    def duration_ns(self) -> int:
        return max(0, self.end_ns - self.start_ns)

    @property
    def is_error(self) -> bool:
        return self.status is StatusCode.ERROR

    @property
    def exceptions(self) -> tuple[ExceptionInfo, ...]:
        return tuple(exception_info(event) for event in self.events if event.name == "exception")


@dataclass(frozen=True, slots=True)
class Trace:
    trace_id: str
    spans: tuple[Span, ...]


def exception_info(event: SpanEvent) -> ExceptionInfo:
    attrs = event.attributes
    return ExceptionInfo(
        type=str(attrs.get("exception.type") or ""),
        message=str(attrs.get("exception.message") or ""),
        stacktrace=str(attrs.get("exception.stacktrace") or ""),
        time_ns=event.time_ns,
        escaped=attrs.get("exception.escaped") is True,
    )
