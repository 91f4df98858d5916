"""The one place where requests go to Loki: tenant, auth, TLS, time budget, retries, breaker.

Each call gets the profile's total budget; attempts, back-off and the body download all spend
from it, so a web request never waits longer than the web profile allows, even if Loki drips.
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from logs.loki_auth import SecretAuth, ssl_verify
from logs.loki_breaker import CircuitBreaker, breaker_for
from logs.loki_config import LokiSource, Profile
from logs.loki_errors import (
    LokiCircuitOpen,
    LokiError,
    LokiRateLimited,
    LokiTimeout,
    LokiUnavailable,
)
from logs.loki_retry import backoff_delay
from logs.loki_status import error_for_status

logger = logging.getLogger("logs.loki")
USER_AGENT = "triage-console-loki/1"
Params = Mapping[str, str | int | float | list[str]]


MARKERS = (
    ("/label/", "/label/{name}/values"),
    ("/detected_field/", "/detected_field/{name}/values"),
)

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


class LokiTransport:
    """Sends one logical request, retrying transient failures within the profile's budget."""

    def __init__(
        self,
        source: LokiSource,
        profile: Profile,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.source = source
        self.profile = profile
        self.sleep = sleep
        headers = {"User-Agent": USER_AGENT}
        if source.tenant:
            headers["X-Scope-OrgID"] = source.tenant
        self.client = httpx.Client(
            base_url=source.base_url,
            headers=headers,
            auth=SecretAuth(source.auth) if source.auth else None,
            verify=ssl_verify(source.tls),
            transport=transport,
            follow_redirects=False,
            event_hooks={"request": [_start_clock], "response": [_observe, _keep_error_body]},
        )
        self.breaker: CircuitBreaker | None = None
        if profile.breaker_threshold:
            self.breaker = breaker_for(
                source.base_url, profile.breaker_threshold, profile.breaker_cooldown
            )

    def close(self) -> None:
        self.client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        adaptive: bool = False,
    ) -> Answer:
        """One answer with status < 400, or the LokiError of the last attempt.

        `adaptive`: the caller shrinks its request after a 504 itself, so 504 is not retried here.
        """
        deadline = time.monotonic() + self.profile.total_timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(method, path, params, content, headers, deadline)
            except LokiError as error:
                if attempt >= self.profile.attempts or not _retryable(error, adaptive):
                    raise
                delay = backoff_delay(self.profile, attempt)
                if isinstance(error, LokiRateLimited) and error.retry_after is not None:
                    delay = max(delay, error.retry_after)
                if time.monotonic() + delay >= deadline:
                    raise
                logger.info(
                    "Loki %s %s failed (%s); retry %d in %.2fs", method, path, error, attempt, delay
                )
                self.sleep(delay)

    def _attempt(
        self,
        method: str,
        path: str,
        params: Params | None,
        content: bytes | None,
        headers: Mapping[str, str] | None,
        deadline: float,
    ) -> Answer:
        if self.breaker is not None:
            self.breaker.check(self.source.base_url)
        timeout = self._timeout(deadline, path)
        try:
            with self.client.stream(
                method, path, params=params, content=content, headers=headers, timeout=timeout
            ) as response:
                body = _read_until(response, deadline, path)
        except httpx.ConnectTimeout as exc:
            self._failed()
            raise LokiUnavailable(f"cannot connect to Loki: {exc!r}", path=path) from exc
        except httpx.TimeoutException as exc:
            self._failed()
            raise LokiTimeout(f"Loki did not answer in time: {exc!r}", path=path) from exc
        except httpx.TransportError as exc:
            self._failed()
            raise LokiUnavailable(f"cannot reach Loki: {exc!r}", path=path) from exc
        except LokiTimeout:
            self._failed()
            raise
        if self.breaker is not None:
            self.breaker.record_success()
        if response.status_code >= 400:
            raise error_for_status(response.status_code, body, response.headers, path)
        return Answer(response.status_code, response.headers, body)

    def _timeout(self, deadline: float, path: str) -> httpx.Timeout:
        left = deadline - time.monotonic()
        if left <= 0:
            raise LokiTimeout(f"no time left of {self.profile.total_timeout}s budget", path=path)
        connect = min(self.source.connect_timeout or self.profile.connect_timeout, left)
        read = min(self.source.read_timeout or self.profile.read_timeout, left)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def _failed(self) -> None:
        if self.breaker is not None:
            self.breaker.record_failure()


def _retryable(error: LokiError, adaptive: bool) -> bool:
    """Connection failures, 429, 502/503/504; never a read timeout (the query would run again)."""
    if isinstance(error, LokiTimeout | LokiCircuitOpen) or not error.transient:
        return False
    return not (adaptive and error.status == 504)


def _keep_error_body(response: httpx.Response) -> None:
    """Read error bodies while the stream is open: httpx-ws closes it before raising."""
    if response.status_code >= 400:
        response.read()


def _read_until(response: httpx.Response, deadline: float, path: str) -> bytes:
    """The decoded body, given up on when the budget runs out between chunks."""
    chunks = []
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise LokiTimeout("Loki's answer took longer than the time budget", path=path)
    return b"".join(chunks)
