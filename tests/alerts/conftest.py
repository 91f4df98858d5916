"""A receiver on 127.0.0.1 that stands in for Slack and webhook targets, with scripted answers."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.stubs.server import Reply, Request, StubServer

PATH = "/hook"


@dataclass
class Receiver:
    """Answers POST /hook from a script of replies (the last one repeats), records the rest."""

    server: StubServer
    script: list[Reply] = field(default_factory=lambda: [Reply(200, "ok")])

    @property
    def url(self) -> str:
        return f"{self.server.url}{PATH}"

    @property
    def received(self) -> list[Request]:
        return [r for r in self.server.requests if r.path == PATH]

    def answer(self, *replies: Reply) -> None:
        self.script = list(replies)

    def _reply(self, request: Request) -> Reply:
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]


@pytest.fixture
def receiver(stub_server: StubServer) -> Iterator[Receiver]:
    receiver = Receiver(stub_server)
    stub_server.route("POST", PATH, receiver._reply)
    yield receiver


@pytest.fixture(autouse=True)
def _alert_settings(settings: Any) -> None:
    """Short timeouts, and no default Slack channel unless a test asks for one."""
    settings.ALERTS_HTTP_TIMEOUT = 1.0
    settings.ALERTS_CONNECT_TIMEOUT = 0.5
    settings.ALERTS_CONTEXT_TIMEOUT = 0.5
    settings.SLACK_WEBHOOK_URL = ""
    settings.CONSOLE_BASE_URL = "https://console.example"
