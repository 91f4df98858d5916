"""A stub Loki on 127.0.0.1 for tests: recorded fixtures plus a store-backed Loki (`loki_store`).

The store answers plain stream selectors with line filters as Loki does; anything else (parsers,
metric queries) answers 400: replay a fixture for those. Tail is a real websocket.

    loki_stub.push({"job": "app"}, [(ts_ns, "line"), (ts_ns, "line", {"trace_id": "abc"})])
    loki_stub.fail_next(503, "overloaded", times=2)    # then back to normal
    loki_stub.delay = 2.0                               # every answer comes late
    loki_stub.replay("labels.json")                     # a real recorded answer on its path
"""

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Ping, TextMessage
from wsproto.events import Request as WsRequest

from tests.stubs.loki_store import (
    HOUR_NS,
    LABEL_NAME,
    LokiBadRequest,
    LokiStore,
    StoredStream,
    parse_query,
    parse_time,
    streams_body,
)
from tests.stubs.server import FIXTURES, Reply, Request, StubServer

API = "/loki/api/v1"
MAX_LIMIT = 5000
JSON_HEADERS = {"Content-Type": "application/json; charset=UTF-8", "Vary": "Accept-Encoding"}
TEXT_HEADERS = {"Content-Type": "text/plain; charset=utf-8"}


class LokiStub(StubServer):
    """The generic stub with Loki's routes over per-tenant stores (tenant `fake` without auth)."""

    def __init__(self, *, auth_enabled: bool = False) -> None:
        super().__init__()
        self.auth_enabled = auth_enabled
        self.delay = 0.0
        self.required_authorization: str | None = None
        self.stores: dict[str, LokiStore] = {}
        self._failures: list[tuple[Reply, list[int], str]] = []
        self._failures_lock = threading.Lock()
        self._tail_replay: list[str] | None = None
        self._stopping = threading.Event()
        for method, path, handler in (
            ("POST", f"{API}/push", self._push),
            ("GET", f"{API}/query_range", self._query_range),
            ("GET", f"{API}/query", self._query),
            ("GET", f"{API}/labels", self._labels),
            ("GET", f"{API}/label/*", self._label_values),
            ("GET", f"{API}/series", self._series),
            ("GET", f"{API}/index/stats", self._index_stats),
            ("GET", f"{API}/tail", self._tail_gate),
        ):
            self.route(method, path, self._guarded(handler))
        ready = Reply(200, "ready\n", TEXT_HEADERS)
        self.route("GET", "/ready", self._guarded(lambda r, s: ready, tenant=False))

    def store(self, tenant: str = "fake") -> LokiStore:
        return self.stores.setdefault(tenant, LokiStore())

    def push(
        self, labels: dict[str, str], entries: list[tuple[Any, ...]], *, tenant: str = "fake"
    ) -> None:
        """Entries `(ts_ns, line)` or `(ts_ns, line, metadata)`, straight into the store."""
        self.store(tenant).push(labels, entries)

    def fail_next(
        self,
        status: int,
        body: str = "",
        *,
        times: int = 1,
        path: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        """The next `times` requests (to paths starting with `path`) get this answer instead."""
        reply = Reply(status, body, {**TEXT_HEADERS, **(headers or {})})
        self._failures.append((reply, [times], path))

    def replay(self, fixture: str) -> None:
        """Answer the fixture's method and path with its recorded response from now on."""
        recorded = json.loads((FIXTURES / "loki" / fixture).read_text())
        if recorded["status"] == 101:
            self._tail_replay = [frame["raw"] for frame in recorded["body"]["frames"]]
            return
        request = recorded["request"]
        reply = Reply.from_fixture(f"loki/{fixture}")
        self.route(
            request["method"], request["path"], self._guarded(lambda r, s: reply, tenant=False)
        )

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def stop(self) -> None:
        self._stopping.set()
        super().stop()

    def _guarded(
        self, handler: Callable[[Request, LokiStore], Reply], *, tenant: bool = True
    ) -> Callable[[Request], Reply]:
        """Failures queued by fail_next, auth and tenant checks, delay, gzip: as Loki would."""

        def answer(request: Request) -> Reply:
            reply = self._queued_failure(request.path) or self._refusal(request, tenant)
            if reply is None:
                try:
                    reply = handler(request, self.store(self.tenant_of(request)))
                except LokiBadRequest as exc:
                    reply = Reply(400, str(exc), TEXT_HEADERS)
            gzip_ok = "gzip" in request.headers.get("accept-encoding", "")
            return Reply(
                reply.status,
                reply.body,
                reply.headers,
                max(reply.delay, self.delay),
                reply.gzip or (gzip_ok and "json" in reply.headers.get("Content-Type", "")),
            )

        return answer

    def tenant_of(self, request: Request) -> str:
        """Without auth Loki ignores X-Scope-OrgID and files everything under `fake`."""
        return request.headers.get("x-scope-orgid", "") if self.auth_enabled else "fake"

    def _queued_failure(self, path: str) -> Reply | None:
        with self._failures_lock:
            for reply, left, prefix in self._failures:
                if left[0] > 0 and path.startswith(prefix):
                    left[0] -= 1
                    return reply
        return None

    def _refusal(self, request: Request, check_tenant: bool) -> Reply | None:
        wanted = self.required_authorization
        if wanted is not None and request.headers.get("authorization") != wanted:
            return Reply(401, "unauthorized\n", TEXT_HEADERS)
        org = request.headers.get("x-scope-orgid", "")
        if not (check_tenant and self.auth_enabled):
            return None
        if not org:
            return Reply(401, "no org id\n", TEXT_HEADERS)
        if "|" in org:
            return Reply(500, "multiple org IDs present", TEXT_HEADERS)
        return None

    def _push(self, request: Request, store: LokiStore) -> Reply:
        body = request.body
        if request.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        if "json" not in request.headers.get("content-type", ""):
            raise LokiBadRequest("stub Loki accepts JSON pushes only")
        try:
            streams = json.loads(body)["streams"]
            batches = [
                (s.get("stream", {}), [(int(v[0]), v[1], *v[2:]) for v in s["values"]])
                for s in streams
            ]
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise LokiBadRequest(f"loghttp.PushRequest.Streams: {exc}") from None
        for labels, _ in batches:
            for name in labels:
                if not LABEL_NAME.fullmatch(name):
                    bad = next(c for c in name if not (c.isalnum() or c == "_"))
                    col = 2 + name.index(bad)
                    raise LokiBadRequest(
                        f"couldn't parse labels: 1:{col}: parse error: "
                        f"unexpected character inside braces: '{bad}'\n"
                    )
        for labels, entries in batches:
            store.push(labels, entries)
        return Reply(204, b"")

    def _query_range(self, request: Request, store: LokiStore) -> Reply:
        started, params = time.perf_counter(), request.params
        limit_text = params.get("limit", ["100"])[0]
        limit = int(limit_text) if limit_text.lstrip("-").isdigit() else 100
        if limit > MAX_LIMIT:
            raise LokiBadRequest(
                "max entries limit per query exceeded, limit > max_entries_limit_per_query "
                f"({limit} > {MAX_LIMIT})"
            )
        if limit <= 0:
            raise LokiBadRequest("limit must be a positive value")
        end = parse_time(params, "end", time.time_ns())
        start = parse_time(params, "start", end - HOUR_NS)
        if end < start:
            raise LokiBadRequest("end timestamp must not be before or equal to start time")
        direction = params.get("direction", ["backward"])[0].lower()
        if direction not in ("forward", "backward"):
            raise LokiBadRequest(f"invalid direction '{direction}'")
        selector = parse_query(params.get("query", [""])[0])
        hits, lines, size = store.select(selector, start, end, direction == "forward", limit)
        categorize = "categorize-labels" in request.headers.get(
            "x-loki-response-encoding-flags", ""
        )
        body = streams_body(hits, categorize, lines, size, time.perf_counter() - started)
        return Reply(200, json.dumps(body, separators=(",", ":")), dict(JSON_HEADERS))

    def _query(self, request: Request, store: LokiStore) -> Reply:
        parse_query(request.params.get("query", [""])[0])
        raise LokiBadRequest(
            "log queries are not supported as an instant query type, please change your query to "
            "a range query type"
        )

    def _range_streams(
        self, request: Request, store: LokiStore, key: str = "query"
    ) -> list[StoredStream]:
        end = parse_time(request.params, "end", time.time_ns())
        start = parse_time(request.params, "start", end - 6 * HOUR_NS)
        selectors = [parse_query(q, filters=False) for q in request.params.get(key, []) if q]
        return store.matching(selectors, start, end)

    def _labels(self, request: Request, store: LokiStore) -> Reply:
        names = {name for s in self._range_streams(request, store) for name in s.labels}
        return _data(sorted(names))

    def _label_values(self, request: Request, store: LokiStore) -> Reply:
        name = request.path.removeprefix(f"{API}/label/").removesuffix("/values")
        streams = self._range_streams(request, store)
        return _data(sorted({s.labels[name] for s in streams if name in s.labels}))

    def _series(self, request: Request, store: LokiStore) -> Reply:
        return _data([s.labels for s in self._range_streams(request, store, "match[]")])

    def _index_stats(self, request: Request, store: LokiStore) -> Reply:
        streams = self._range_streams(request, store)
        counts = {
            "streams": len(streams),
            "chunks": len(streams),
            "bytes": sum(len(e[0]) for s in streams for e in s.entries),
            "entries": sum(len(s.entries) for s in streams),
        }
        return Reply(200, json.dumps(counts), dict(JSON_HEADERS))

    def _tail_gate(self, request: Request, store: LokiStore) -> Reply:
        """101 lets the websocket handler take over; anything else is answered as HTTP."""
        if self._tail_replay is None:
            parse_query(request.params.get("query", [""])[0])
        if request.headers.get("upgrade", "").lower() != "websocket":
            raise LokiBadRequest("websocket: the client is not using the websocket protocol")
        return Reply(101)

    def tail_messages(self, request: Request, store: LokiStore) -> Iterator[str | None]:
        """Recorded frames, or history then live pushes; None while there is nothing new."""
        if self._tail_replay is not None:
            yield from self._tail_replay
            while True:
                yield None
        selector = parse_query(request.params.get("query", [""])[0])
        start = parse_time(request.params, "start", time.time_ns() - HOUR_NS)
        limit = int(request.params.get("limit", ["100"])[0])
        seen = len(store.log)
        history, _, _ = store.select(selector, start, 2**63 - 1, False, limit)
        batch = history[::-1]
        while True:
            if batch:
                yield json.dumps(
                    {
                        "streams": [
                            {"stream": {**h[1].labels, **h[3]}, "values": [[str(h[0]), h[2]]]}
                            for h in batch
                        ]
                    }
                )
            else:
                yield None
            fresh, seen = store.log[seen:], len(store.log)
            batch = [h for h in fresh if selector.matches(h[1].labels) and selector.keep(h[2])]

    def _handler_class(self) -> type:
        base: Any = super()._handler_class()
        stub = self

        class _Handler(base):  # type: ignore[misc,valid-type]
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall

            def do_GET(self) -> None:
                if self.headers.get("Upgrade", "").lower() != "websocket":
                    return super().do_GET()
                parts = urlsplit(self.path)
                request = Request(
                    "GET",
                    parts.path,
                    parse_qs(parts.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    b"",
                )
                reply = stub._dispatch(request)
                if reply.status != 101:
                    payload = reply.encoded()
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return None
                self.close_connection = True
                store = stub.store(stub.tenant_of(request))
                return stub._websocket(self, stub.tail_messages(request, store))

        return _Handler

    def _websocket(self, handler: Any, messages: Iterator[str | None]) -> None:
        sock, ws = handler.connection, WSConnection(ConnectionType.SERVER)
        head = [handler.requestline, *(f"{k}: {v}" for k, v in handler.headers.items()), "", ""]
        ws.receive_data("\r\n".join(head).encode("latin-1"))
        for event in ws.events():
            if isinstance(event, WsRequest):
                sock.sendall(ws.send(AcceptConnection()))
        sock.settimeout(0.05)
        for text in messages:
            if self._stopping.is_set():
                return
            if text is not None:
                sock.sendall(ws.send(TextMessage(data=text)))
            try:
                data = sock.recv(65536)
            except TimeoutError:
                continue
            if not data:
                return
            ws.receive_data(data)
            for event in ws.events():
                if isinstance(event, CloseConnection):
                    sock.sendall(ws.send(event.response()))
                    return
                if isinstance(event, Ping):
                    sock.sendall(ws.send(event.response()))


def _data(values: list[Any]) -> Reply:
    """Loki leaves `data` out altogether when there is nothing to list."""
    body = {"status": "success", "data": values} if values else {"status": "success"}
    return Reply(200, json.dumps(body), dict(JSON_HEADERS))


@pytest.fixture
def loki_stub() -> Iterator[LokiStub]:
    """A started store-backed stub Loki (tenant `fake`, no auth); its `.url` is the base URL."""
    stub = LokiStub()
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()
