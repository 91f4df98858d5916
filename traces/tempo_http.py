"""The one place where requests go to Tempo: tenant, auth, TLS, time budget and retries.

Each call gets the profile's total budget; attempts, back-off and the body download all
spend from it, so a web request never waits longer than the web profile allows.
"""

import logging
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import httpx

from traces.tempo_auth import SecretAuth, ssl_verify
from traces.tempo_config import Profile, TempoSource
from traces.tempo_errors import (
    TempoError,
    TempoProtocolError,
    TempoRateLimited,
    TempoTimeout,
    TempoUnavailable,
)
from traces.tempo_retry import backoff_delay
from traces.tempo_status import error_for_status

logger = logging.getLogger("traces.tempo")
USER_AGENT = "triage-console-tempo/1"


MARKERS = (("/traces/", "/traces/{id}"), ("/tag/", "/tag/{name}/values"))

RequestObserver = Callable[[str, float], None]
REQUEST_OBSERVERS: list[RequestObserver] = []
"""Called with (endpoint, seconds to response headers) for every HTTP exchange.

The console registers its Prometheus histogram here; this leaf stays free of the console.
"""


def _endpoint(path: str) -> str:
    """The path with its variable part (label name, trace id) folded, for low cardinality."""
    for marker, folded in MARKERS:
        if marker in path:
            return path[: path.index(marker)] + folded
    return path


def _start_clock(request: httpx.Request) -> None:
    request.extensions["triage_started"] = time.monotonic()


def _observe(response: httpx.Response) -> None:
    started = response.request.extensions.get("triage_started")
    if started is None:
        return
    seconds = time.monotonic() - started
    endpoint = _endpoint(response.request.url.path)
    for observer in REQUEST_OBSERVERS:
        observer(endpoint, seconds)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes


class TempoTransport:
    """Sends one logical GET, retrying transient failures within the profile's budget."""

    def __init__(
        self, source: TempoSource, profile: Profile, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.source = source
        self.profile = profile
        self.sleep = sleep
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if source.tenant:
            headers["X-Scope-OrgID"] = source.tenant
        self.client = httpx.Client(
            base_url=source.base_url,
            headers=headers,
            auth=SecretAuth(source.auth) if source.auth else None,
            verify=ssl_verify(source.tls),
            follow_redirects=False,
            event_hooks={"request": [_start_clock], "response": [_observe]},
        )

    def close(self) -> None:
        self.client.close()

    def get(
        self, path: str, params: Mapping[str, str] | None = None, *, allow: Collection[int] = ()
    ) -> Answer:
        """An answer with status < 400 or in `allow`, or the TempoError of the last attempt."""
        deadline = time.monotonic() + self.profile.total_timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(path, params, allow, deadline)
            except TempoError as error:
                if attempt >= self.profile.attempts or not _retryable(error):
                    raise
                delay = backoff_delay(self.profile, attempt)
                if isinstance(error, TempoRateLimited) and error.retry_after is not None:
                    delay = max(delay, error.retry_after)
                if time.monotonic() + delay >= deadline:
                    raise
                logger.info("Tempo %s failed (%s); retry %d in %.2fs", path, error, attempt, delay)
                self.sleep(delay)

    def _attempt(
        self, path: str, params: Mapping[str, str] | None, allow: Collection[int], deadline: float
    ) -> Answer:
        timeout = self._timeout(deadline, path)
        try:
            with self.client.stream("GET", path, params=params, timeout=timeout) as response:
                body = _read_until(response, deadline, path)
        except httpx.ConnectTimeout as exc:
            raise TempoUnavailable(f"cannot connect to Tempo: {exc!r}", path=path) from exc
        except httpx.TimeoutException as exc:
            raise TempoTimeout(f"Tempo did not answer in time: {exc!r}", path=path) from exc
        except httpx.TransportError as exc:
            raise TempoUnavailable(f"cannot reach Tempo: {exc!r}", path=path) from exc
        if response.status_code >= 400 and response.status_code not in allow:
            raise error_for_status(response.status_code, body, response.headers, path)
        return Answer(response.status_code, response.headers, body)

    def _timeout(self, deadline: float, path: str) -> httpx.Timeout:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TempoTimeout(f"no time left of {self.profile.total_timeout}s budget", path=path)
        connect = min(self.source.connect_timeout or self.profile.connect_timeout, left)
        read = min(self.source.read_timeout or self.profile.read_timeout, left)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


def _retryable(error: TempoError) -> bool:
    """Connection failures, 429, 502/503/504; never a timeout (Tempo would search again)."""
    return error.transient and not isinstance(error, TempoTimeout)


def _read_until(response: httpx.Response, deadline: float, path: str) -> bytes:
    """The decoded (gunzipped) body, given up on when the budget runs out between chunks."""
    chunks = []
    try:
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise TempoTimeout("Tempo's answer took longer than the time budget", path=path)
    except httpx.DecodingError as exc:
        raise TempoProtocolError(f"Tempo's answer could not be decoded: {exc}", path=path) from exc
    return b"".join(chunks)
