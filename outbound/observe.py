"""Request timing for the console's histograms, without importing the console.

Each client has one `RequestTimer`; the console appends observers to its `observers` list,
called with (endpoint, seconds to response headers) for every HTTP exchange. The endpoint is
the path with its variable part (a label name, a trace id) folded, for low cardinality.
"""

import time
from collections.abc import Callable, Sequence

import httpx

RequestObserver = Callable[[str, float], None]
STARTED = "triage_started"


class RequestTimer:
    """The request and response hooks of one client, and the observers they report to."""

    def __init__(self, markers: Sequence[tuple[str, str]]) -> None:
        """`markers`: (marker, folded) pairs; a path with the marker ends in the folded form."""
        self.markers = tuple(markers)
        self.observers: list[RequestObserver] = []

    def endpoint(self, path: str) -> str:
        for marker, folded in self.markers:
            if marker in path:
                return path[: path.index(marker)] + folded
        return path

    def start(self, request: httpx.Request) -> None:
        request.extensions[STARTED] = time.monotonic()

    def stop(self, response: httpx.Response) -> None:
        started = response.request.extensions.get(STARTED)
        if started is None:
            return
        seconds = time.monotonic() - started
        endpoint = self.endpoint(response.request.url.path)
        for observer in self.observers:
            observer(endpoint, seconds)
