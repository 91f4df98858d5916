"""The console's one Tempo client: a trace by id, search, readiness and build info.

Times are Unix nanoseconds (ints), as in the Loki client and the trace model; Tempo's whole
seconds are a detail of the query string. Errors are the `TempoError` family.

Trace by id asks `/api/v2/traces/<id>` first and falls back to v1 `/api/traces/<id>` when v2
answers 404 (a Tempo older than the v2 API, or a proxy that routes only v1). Both of Tempo's
ways of saying "no such trace" (v2: 200 with an empty trace; v1: 404) raise `TraceNotFound`.
"""

from collections.abc import Mapping
from types import TracebackType
from typing import Self

import msgspec

from traces.otlp import parse_trace
from traces.tempo_config import WEB, Profile, TempoSource
from traces.tempo_errors import TempoProtocolError, TempoUnavailable, TraceNotFound
from traces.tempo_http import TempoTransport
from traces.tempo_search import TraceHit, parse_search, search_params, time_params
from traces.trace_ids import normalize_trace_id
from traces.trace_model import Trace


class BuildInfo(msgspec.Struct, frozen=True, rename="camel"):
    version: str = ""
    revision: str = ""
    branch: str = ""
    go_version: str = ""


class TempoClient:
    """Tempo's HTTP API for one source. Use `WEB` in views, `WORKER` in Celery tasks."""

    def __init__(self, source: TempoSource, profile: Profile = WEB) -> None:
        self.source = source
        self.profile = profile
        self._http = TempoTransport(source, profile)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get_trace(
        self, trace_id: str, *, start_ns: int | None = None, end_ns: int | None = None
    ) -> Trace:
        """The whole trace, or `TraceNotFound` / `InvalidTraceId` / another `TempoError`.

        `start_ns`/`end_ns` narrow the blocks Tempo reads: a trace outside them is not found.
        """
        trace_id = normalize_trace_id(trace_id)
        params = time_params(start_ns, end_ns)
        path = f"/api/v2/traces/{trace_id}"
        answer = self._http.get(path, params, allow=(404,))
        api = "v2"
        if answer.status == 404:
            api, path = "v1", f"/api/traces/{trace_id}"
            answer = self._http.get(path, params, allow=(404,))
            if answer.status == 404:
                raise TraceNotFound(trace_id, api=api, path=path)
        trace = parse_trace(answer.body, trace_id)
        if trace is None:
            raise TraceNotFound(trace_id, api=api, path=path)
        return trace

    def search(
        self,
        *,
        traceql: str = "",
        tags: Mapping[str, str] | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        limit: int = 20,
        spans_per_set: int | None = None,
    ) -> list[TraceHit]:
        """Traces matching TraceQL or tags; a bad query raises `TempoQueryError`.

        Tempo's search leaves out the newest ~30 s: look a fresh trace up by id instead.
        """
        params = search_params(
            traceql=traceql,
            tags=tags,
            start_ns=start_ns,
            end_ns=end_ns,
            limit=limit,
            spans_per_set=spans_per_set,
        )
        return parse_search(self._http.get("/api/search", params).body)

    def ready(self) -> bool:
        """True when Tempo says `ready`; False on 503 (starting up); raises on other failures."""
        try:
            answer = self._http.get("/ready")
        except TempoUnavailable as error:
            if error.status == 503:
                return False
            raise
        return answer.body.strip() == b"ready"

    def buildinfo(self) -> BuildInfo:
        body = self._http.get("/api/status/buildinfo").body
        try:
            return msgspec.json.decode(body, type=BuildInfo)
        except msgspec.DecodeError as exc:
            raise TempoProtocolError(f"unreadable build info from Tempo: {exc}") from exc
