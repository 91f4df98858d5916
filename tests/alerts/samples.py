"""Hand-made alert values for the pure builders."""

import uuid
from datetime import UTC, datetime

from alerts.alert import Alert, Context, ContextLine, ErrorSummary, Links, Reason, Why

WHEN = datetime(2026, 11, 27, 18, 20, 5, tzinfo=UTC)
ERROR_ID = uuid.UUID("0b9f3a4e-8f7c-4a53-9a53-4f2b3c1d2e10")


def summary(**changes: object) -> ErrorSummary:
    values: dict[str, object] = {
        "id": ERROR_ID, "exception_type": "OperationalError",
        "message": "Database connection failed", "level": "error", "service": "fraiseql-app",
        "environment": "prod", "status": "new", "count": 1234, "first_seen": WHEN,
        "last_seen": WHEN, "fingerprint": "db_connection_timeout", "assignee": "alice",
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
    }  # fmt: skip
    return ErrorSummary(**(values | changes))  # type: ignore[arg-type]


def alert(**changes: object) -> Alert:
    links = Links(
        console=f"https://console.example/errors/{ERROR_ID}/",
        logs="https://grafana.example/explore?x=1",
        trace="https://grafana.example/explore?trace=1",
    )
    return Alert(
        key="event-1-channel-1",
        error=summary(**changes),
        reason=Reason(Why.NEW, "New error"),
        links=links,
        rule="Prod errors",
    )


def lines(*texts: str) -> Context:
    return Context(
        lines=tuple(
            ContextLine(WHEN, text, "info", is_error=i == len(texts) - 1)
            for i, text in enumerate(texts)
        )
    )
