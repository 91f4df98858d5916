"""Bodies of the replies recorded from a real Tempo and Loki, for tests that need no server."""

import json
from typing import Any

from tests.stubs.server import FIXTURES
from traces.otlp import parse_trace
from traces.trace_model import Trace


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def recorded_body(name: str) -> bytes:
    return json.dumps(recorded(name)["body"]).encode()


def recorded_trace(name: str, trace_id: str) -> Trace:
    trace = parse_trace(recorded_body(name), trace_id)
    assert trace is not None
    return trace
