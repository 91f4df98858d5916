"""A stub Tempo on 127.0.0.1 that answers with the replies recorded from a real Tempo.

Trace by id (v2 and v1), search, tags, readiness and build info come from
../shared/fixtures/tempo/. Knobs make it misbehave the way a real one does: `fail()` queues
error replies (503, 429 with Retry-After, 401, ...) and `answer_next()` any reply (a recorded
one, a slow one) for the next requests, `delay` slows every reply,
`v2_available = False` plays a Tempo without `/api/v2/traces`, `required_headers` plays a
multi-tenant or authenticating Tempo.
"""

import json
import string
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from tests.stubs.server import FIXTURES, Handler, Reply, Request, StubServer, running

ERROR_TRACE_ID = "cc6577428c2f6d6bc64e5a22fac180d6"
GRAPHQL_TRACE_ID = "793a67c9e2ed829af48d9d59ce6ca6b0"
OK_TRACE_ID = "963cc58ea44ecd5b868ec5ff527e03af"
MISSING_TRACE_ID = "0123456789abcdef0123456789abcdef"

# Recorded replies per trace id. A version that was not recorded is derived from the other
# (same resourceSpans, other wrapper): see `_derived`.
RECORDED_V1 = {
    ERROR_TRACE_ID: "tempo/trace_by_id_v1_error_trace.json",
    OK_TRACE_ID: "tempo/trace_by_id_v1_success_trace.json",
}
RECORDED_V2 = {
    ERROR_TRACE_ID: "tempo/trace_by_id_v2_error_trace.json",
    GRAPHQL_TRACE_ID: "tempo/trace_by_id_v2_graphql_error_trace.json",
}
V1_MISSING = "tempo/trace_by_id_v1_missing_404.json"
V2_MISSING = "tempo/trace_by_id_v2_missing_200_empty.json"
INVALID_ID = "tempo/trace_by_id_v1_invalid_id_400.json"
SEARCH_NO_RESULTS = "tempo/search_traceql_no_results.json"
SIMPLE_ROUTES = {
    "/ready": "tempo/ready.json",
    "/api/echo": "tempo/echo.json",
    "/api/status/buildinfo": "tempo/status_buildinfo.json",
    "/api/search/tags": "tempo/search_tag_names_v1.json",
    "/api/v2/search/tags": "tempo/search_tag_names_v2.json",
    "/api/search/tag/service.name/values": "tempo/search_tag_values_v1_service_name.json",
    "/api/v2/search/tag/resource.service.name/values": (
        "tempo/search_tag_values_v2_resource_service_name.json"
    ),
}


def _recorded_searches() -> dict[tuple[str, str], str]:
    """(q, tags) of every recorded `/api/search` request -> its fixture."""
    searches = {}
    for path in sorted((FIXTURES / "tempo").glob("search_*.json")):
        request = json.loads(path.read_text())["request"]
        if request["path"] == "/api/search":
            params = request["params"]
            key = (params.get("q", ""), params.get("tags", ""))
            searches.setdefault(key, f"tempo/{path.name}")
    return searches


SEARCHES = _recorded_searches()


class TempoStub:
    def __init__(self, server: StubServer) -> None:
        self.server = server
        self.delay = 0.0
        self.v2_available = True
        self.required_headers: dict[str, str] = {}
        self._queued: list[Reply] = []
        self._lock = threading.Lock()
        server.route("GET", "/api/v2/traces/*", self._wrap(self._trace_v2))
        server.route("GET", "/api/traces/*", self._wrap(self._trace_v1))
        server.route("GET", "/api/search", self._wrap(self._search))
        for path, fixture in SIMPLE_ROUTES.items():
            server.route("GET", path, self._wrap(lambda request, f=fixture: Reply.from_fixture(f)))

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def paths(self) -> list[str]:
        return [request.path for request in self.server.requests]

    def fail(
        self, status: int, *, times: int = 1, body: str = "", headers: dict[str, str] | None = None
    ) -> None:
        """The next `times` requests, whatever their route, answer `status`."""
        self.answer_next(Reply(status, body or f"stub failure {status}\n", headers or {}), times)

    def answer_next(self, reply: Reply, times: int = 1) -> None:
        """The next `times` requests, whatever their route, get `reply` (e.g. a recorded one)."""
        with self._lock:
            self._queued.extend([reply] * times)

    def _wrap(self, handler: Handler) -> Handler:
        def serve(request: Request) -> Reply:
            reply = self._gate(request) or handler(request)
            return replace(reply, delay=max(reply.delay, self.delay))

        return serve

    def _gate(self, request: Request) -> Reply | None:
        with self._lock:
            if self._queued:
                return self._queued.pop(0)
        for name, value in self.required_headers.items():
            if request.headers.get(name.lower()) != value:
                missing_tenant = name.lower() == "x-scope-orgid"
                return Reply(401, "no org id\n" if missing_tenant else "Unauthorized\n")
        return None

    def _trace_v2(self, request: Request) -> Reply:
        if not self.v2_available:
            return Reply(404, "404 page not found\n", {"Content-Type": "text/plain; charset=utf-8"})
        trace_id = _trace_id(request)
        if trace_id is None:
            return Reply.from_fixture(INVALID_ID)
        if trace_id in RECORDED_V2:
            return Reply.from_fixture(RECORDED_V2[trace_id])
        if trace_id in RECORDED_V1:
            return _derived(RECORDED_V1[trace_id], _v1_to_v2)
        return Reply.from_fixture(V2_MISSING)

    def _trace_v1(self, request: Request) -> Reply:
        trace_id = _trace_id(request)
        if trace_id is None:
            return Reply.from_fixture(INVALID_ID)
        if trace_id in RECORDED_V1:
            return Reply.from_fixture(RECORDED_V1[trace_id])
        if trace_id in RECORDED_V2:
            return _derived(RECORDED_V2[trace_id], _v2_to_v1)
        return Reply.from_fixture(V1_MISSING)

    def _search(self, request: Request) -> Reply:
        key = (_param(request, "q"), _param(request, "tags"))
        return Reply.from_fixture(SEARCHES.get(key, SEARCH_NO_RESULTS))


def _trace_id(request: Request) -> str | None:
    """The id as Tempo reads it: hex, up to 32 digits, zero-padded on the left."""
    raw = request.path.rsplit("/", 1)[-1].lower()
    if not raw or len(raw) > 32 or not set(raw) <= set(string.hexdigits):
        return None
    return raw.zfill(32)


def _param(request: Request, name: str) -> str:
    return request.params.get(name, [""])[0]


Body = dict[str, Any]


def _derived(fixture: str, rewrap: Callable[[Body], Body]) -> Reply:
    """A version Tempo was not asked for during the recording: same spans, other wrapper."""
    reply = Reply.from_fixture(fixture)
    assert isinstance(reply.body, dict)
    return replace(reply, body=rewrap(reply.body))


def _v1_to_v2(body: Body) -> Body:
    return {"trace": {"resourceSpans": body["batches"]}, "metrics": {}}


def _v2_to_v1(body: Body) -> Body:
    return {"batches": body["trace"]["resourceSpans"]}


@pytest.fixture
def tempo_stub() -> Iterator[TempoStub]:
    with running() as server:
        yield TempoStub(server)
