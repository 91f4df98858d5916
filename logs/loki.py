"""The console's one Loki client: every read of Loki goes through `LokiClient`.

Timestamps are Unix nanoseconds (ints) everywhere, as Loki's own log API uses them. Metric
samples keep Loki's float seconds. Errors are the `LokiError` family in `logs.loki_errors`.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Self
from urllib.parse import quote

import httpx

from logs.loki_config import (
    WEB,
    WORKER,
    BasicAuth,
    BearerToken,
    LokiSource,
    Profile,
    Secret,
    TlsConfig,
)
from logs.loki_decode import (
    decode_build_info,
    decode_detected_fields,
    decode_detected_labels,
    decode_index_stats,
    decode_query,
    decode_series,
    decode_strings,
    decode_text,
    decode_values,
)
from logs.loki_errors import (
    LokiAuthError,
    LokiCircuitOpen,
    LokiConfigError,
    LokiError,
    LokiProtocolError,
    LokiQueryError,
    LokiRateLimited,
    LokiResponseTooLarge,
    LokiServerError,
    LokiTimeout,
    LokiUnavailable,
)
from logs.loki_paging import (
    DEFAULT_PAGE_LIMIT,
    MAX_LIMIT,
    Fetch,
    Page,
    StreamPage,
    iter_pages,
    iter_stream_pages,
)
from logs.loki_push import PushStream, encode_push
from logs.loki_tail import TailSession, open_tail
from logs.loki_transport import LokiTransport, Params
from logs.loki_types import (
    BuildInfo,
    DetectedField,
    DetectedLabel,
    Direction,
    IndexStats,
    Labels,
    LogLine,
    QueryResult,
    StreamsResult,
)

__all__ = [
    "WEB",
    "WORKER",
    "BasicAuth",
    "BearerToken",
    "LokiAuthError",
    "LokiCircuitOpen",
    "LokiClient",
    "LokiConfigError",
    "LokiError",
    "LokiProtocolError",
    "LokiQueryError",
    "LokiRateLimited",
    "LokiResponseTooLarge",
    "LokiServerError",
    "LokiSource",
    "LokiTimeout",
    "LokiUnavailable",
    "Profile",
    "PushStream",
    "Secret",
    "TlsConfig",
]

API = "/loki/api/v1"
CATEGORIZE = {"X-Loki-Response-Encoding-Flags": "categorize-labels"}


class LokiClient:
    """Loki's HTTP API for one source. Use `WEB` in views, `WORKER` in Celery tasks.

    `transport` is for unit tests of parsing (httpx.MockTransport); real tests use the stub.
    """

    def __init__(
        self,
        source: LokiSource,
        profile: Profile = WEB,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.source = source
        self.profile = profile
        self._http = LokiTransport(source, profile, transport=transport)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def ready(self) -> bool:
        """True when Loki says `ready`; False on 503 (starting up); raises on other failures."""
        try:
            answer = self._http.request("GET", "/ready")
        except LokiUnavailable as error:
            if error.status == 503:
                return False
            raise
        return answer.body.strip() == b"ready"

    def push(self, *streams: PushStream) -> None:
        body = encode_push(streams)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        self._http.request("POST", f"{API}/push", content=body, headers=headers)

    def query(
        self,
        query: str,
        *,
        time_ns: int | None = None,
        limit: int = 100,
        direction: Direction = "backward",
    ) -> QueryResult:
        """Instant query (metric queries only: Loki refuses log selectors here with a 400)."""
        params: dict[str, str | int] = {"query": query, "limit": limit, "direction": direction}
        if time_ns is not None:
            params["time"] = time_ns
        return decode_query(self._get("query", params))

    def query_range(
        self,
        query: str,
        *,
        start_ns: int,
        end_ns: int,
        limit: int = 100,
        direction: Direction = "backward",
        step: str | float | None = None,
        categorize_labels: bool = False,
        adaptive: bool = False,
    ) -> QueryResult:
        """Streams for a log query, a matrix for a metric query. `end_ns` is exclusive."""
        params: dict[str, str | int | float] = {
            "query": query,
            "start": start_ns,
            "end": end_ns,
            "limit": limit,
            "direction": direction,
        }
        if step is not None:
            params["step"] = step
        headers = CATEGORIZE if categorize_labels else None
        answer = self._http.request(
            "GET", f"{API}/query_range", params=params, headers=headers, adaptive=adaptive
        )
        return decode_query(answer.body)

    def pages(
        self,
        query: str,
        *,
        start_ns: int,
        end_ns: int,
        direction: Direction = "backward",
        page_limit: int = DEFAULT_PAGE_LIMIT,
        max_limit: int = MAX_LIMIT,
        categorize_labels: bool = False,
    ) -> Iterator[Page]:
        """Every entry of [start_ns, end_ns) page by page; see `logs.loki_paging`.

        Each page has the profile's own time budget, so a view should bound the walk itself.
        """
        return iter_pages(
            self._page_fetch(query, direction, categorize_labels),
            start_ns=start_ns,
            end_ns=end_ns,
            direction=direction,
            page_limit=page_limit,
            max_limit=max_limit,
            label=query,
        )

    def stream_pages(
        self,
        query: str,
        *,
        start_ns: int,
        end_ns: int,
        direction: Direction = "backward",
        page_limit: int = DEFAULT_PAGE_LIMIT,
        max_limit: int = MAX_LIMIT,
        categorize_labels: bool = False,
    ) -> Iterator[StreamPage]:
        """`pages` with each page's entries left in their streams, unmerged and unsorted
        across streams (each stream in `direction` order): for callers that aggregate."""
        return iter_stream_pages(
            self._page_fetch(query, direction, categorize_labels),
            start_ns=start_ns,
            end_ns=end_ns,
            direction=direction,
            page_limit=page_limit,
            max_limit=max_limit,
            label=query,
        )

    def _page_fetch(self, query: str, direction: Direction, categorize_labels: bool) -> Fetch:
        def fetch(start: int, end: int, limit: int) -> StreamsResult:
            result = self.query_range(
                query,
                start_ns=start,
                end_ns=end,
                limit=limit,
                direction=direction,
                categorize_labels=categorize_labels,
                adaptive=True,
            )
            if not isinstance(result, StreamsResult):
                raise LokiQueryError(f"not a log query (got {type(result).__name__})")
            return result

        return fetch

    def iterate(
        self,
        query: str,
        *,
        start_ns: int,
        end_ns: int,
        direction: Direction = "backward",
        page_limit: int = DEFAULT_PAGE_LIMIT,
        categorize_labels: bool = False,
    ) -> Iterator[LogLine]:
        """Every entry of [start_ns, end_ns), merged across streams in time order.

        Leave `| json` out when only the lines are needed: it makes each line its own stream and
        the pages heavy for Loki; parse the JSON in Python instead.
        """
        for page in self.pages(
            query,
            start_ns=start_ns,
            end_ns=end_ns,
            direction=direction,
            page_limit=page_limit,
            categorize_labels=categorize_labels,
        ):
            yield from page.lines

    def labels(
        self, *, start_ns: int | None = None, end_ns: int | None = None, query: str | None = None
    ) -> list[str]:
        return decode_strings(self._get("labels", _range(start_ns, end_ns, query=query)))

    def label_values(
        self,
        name: str,
        *,
        start_ns: int | None = None,
        end_ns: int | None = None,
        query: str | None = None,
    ) -> list[str]:
        path = f"label/{quote(name, safe='')}/values"
        return decode_strings(self._get(path, _range(start_ns, end_ns, query=query)))

    def series(
        self, *matchers: str, start_ns: int | None = None, end_ns: int | None = None
    ) -> list[Labels]:
        """Label sets of the streams matching any selector; all series when none is given."""
        params = _range(start_ns, end_ns)
        if matchers:
            params["match[]"] = list(matchers)
        return decode_series(self._get("series", params))

    def index_stats(self, query: str, *, start_ns: int, end_ns: int) -> IndexStats:
        """Flushed chunks only: lines still in the ingester's memory are not counted."""
        return decode_index_stats(self._get("index/stats", _range(start_ns, end_ns, query=query)))

    def index_volume(
        self, query: str, *, start_ns: int, end_ns: int, step: str | float | None = None
    ) -> QueryResult:
        """Bytes per label set: a vector, or a matrix over time when `step` is given."""
        params = _range(start_ns, end_ns, query=query)
        if step is None:
            return decode_query(self._get("index/volume", params))
        params["step"] = str(step)
        return decode_query(self._get("index/volume_range", params))

    def detected_fields(self, query: str, *, start_ns: int, end_ns: int) -> list[DetectedField]:
        params = _range(start_ns, end_ns, query=query)
        return decode_detected_fields(self._get("detected_fields", params))

    def detected_field_values(
        self, name: str, query: str, *, start_ns: int, end_ns: int
    ) -> list[str]:
        params = _range(start_ns, end_ns, query=query)
        return decode_values(self._get(f"detected_field/{quote(name, safe='')}/values", params))

    def detected_labels(self, query: str, *, start_ns: int, end_ns: int) -> list[DetectedLabel]:
        params = _range(start_ns, end_ns, query=query)
        return decode_detected_labels(self._get("detected_labels", params))

    def format_query(self, query: str) -> str:
        """Loki's canonical form of `query`; a 400 LokiQueryError when it does not parse."""
        return decode_text(self._get("format_query", {"query": query}))

    def build_info(self) -> BuildInfo:
        return decode_build_info(self._get("status/buildinfo", {}))

    def tail(
        self, query: str, *, start_ns: int | None = None, limit: int = 100, delay_for: int = 0
    ) -> AbstractContextManager[TailSession]:
        """`with client.tail(q) as tail: for frame in tail.frames(idle_timeout=30): ...`."""
        params = {"query": query, "limit": str(limit), "delay_for": str(delay_for)}
        if start_ns is not None:
            params["start"] = str(start_ns)
        return open_tail(self._http.client, params)

    def _get(self, path: str, params: Params) -> bytes:
        return self._http.request("GET", f"{API}/{path}", params=params).body


def _range(
    start_ns: int | None, end_ns: int | None, *, query: str | None = None
) -> dict[str, str | int | float | list[str]]:
    params: dict[str, str | int | float | list[str]] = {}
    if query is not None:
        params["query"] = query
    if start_ns is not None:
        params["start"] = start_ns
    if end_ns is not None:
        params["end"] = end_ns
    return params
