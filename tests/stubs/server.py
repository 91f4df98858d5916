"""A stub HTTP server on 127.0.0.1 (real sockets) that replays recorded responses.

Routes map (method, path) to a handler returning a Reply. Fixture files from ../shared/fixtures
load with `Reply.from_fixture`. Every request is recorded for assertions.
"""

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
HOP_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "connection", "date"}


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    gzip: bool = False

    @classmethod
    def from_fixture(cls, relative: str) -> "Reply":
        """A recorded response: same status, headers and body (gzip again if it was)."""
        data = json.loads((FIXTURES / relative).read_text())
        headers = {k: v for k, v in data.get("headers", {}).items() if k.lower() not in HOP_HEADERS}
        was_gzip = data.get("headers", {}).get("Content-Encoding", "") == "gzip"
        return cls(status=data["status"], body=data["body"], headers=headers, gzip=was_gzip)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            raw = self.body
        elif isinstance(self.body, str):
            raw = self.body.encode()
        else:
            raw = json.dumps(self.body).encode()
        return gzip.compress(raw) if self.gzip else raw


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Request], Reply]


class StubServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.requests: list[Request] = []
        self.default: Handler = lambda request: Reply(404, "no route in stub\n")
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, method: str, path: str, handler: Handler | Reply) -> None:
        self.routes[(method.upper(), path)] = (
            handler if callable(handler) else (lambda request, reply=handler: reply)
        )

    def start(self) -> "StubServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _dispatch(self, request: Request) -> Reply:
        self.requests.append(request)
        handler = self.routes.get((request.method, request.path))
        if handler is None:
            prefix_matches = [
                h
                for (m, p), h in self.routes.items()
                if m == request.method and p.endswith("*") and request.path.startswith(p[:-1])
            ]
            handler = prefix_matches[0] if prefix_matches else self.default
        return handler(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(
                    method=self.command,
                    path=parts.path,
                    params=parse_qs(parts.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                reply = stub._dispatch(request)
                if reply.delay:
                    time.sleep(reply.delay)
                payload = reply.encoded()
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.gzip:
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return _Handler


@contextmanager
def running() -> Iterator[StubServer]:
    server = StubServer().start()
    try:
        yield server
    finally:
        server.stop()
