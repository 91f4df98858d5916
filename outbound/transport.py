"""The one way a request leaves for a back end: tenant, auth, TLS, time budget, retries, timing.

Each call gets the profile's total budget; attempts, back-off and the body download all spend
from it, so a web request never waits longer than the web profile allows, even if the back end
drips. A client's transport subclasses `HttpTransport`, naming its error family, status
mapping, user agent, logger and timer, and says per call which failures deserve another try.
"""

import logging
import ssl
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx

from outbound.family import ErrorFamily
from outbound.observe import RequestTimer
from outbound.profile import Profile
from outbound.retry import AsksToWait, backoff_delay
from outbound.secrets import SecretAuth
from outbound.source import Source

Params = Mapping[str, str | int | float | list[str]]
ResponseHook = Callable[[httpx.Response], None]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes


class StatusMapping[E](Protocol):
    """A client's `error_for_status`: the error its back end meant by an HTTP error status."""

    def __call__(self, status: int, body: bytes, headers: Mapping[str, str], path: str) -> E: ...


class Breaker(Protocol):
    """Fails fast while a back end is known to be down (`logs.loki_breaker.CircuitBreaker`)."""

    def check(self, url: str) -> None: ...

    def record_failure(self) -> None: ...

    def record_success(self) -> None: ...


class HttpTransport[E: Exception]:
    """Sends one logical request, retrying transient failures within the profile's budget."""

    errors: ErrorFamily[E]
    status_error: StatusMapping[E]
    user_agent: str
    logger: logging.Logger
    timer: RequestTimer
    default_headers: Mapping[str, str] = {}
    response_hooks: tuple[ResponseHook, ...] = ()
    breaker: Breaker | None = None
    """Checked before each attempt, told of each connection failure and each answer."""

    def __init__(
        self,
        source: Source,
        profile: Profile,
        verify: ssl.SSLContext | bool,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.source = source
        self.profile = profile
        self.sleep = sleep
        headers = {"User-Agent": self.user_agent, **self.default_headers}
        if source.tenant:
            headers["X-Scope-OrgID"] = source.tenant
        self.client = httpx.Client(
            base_url=source.base_url,
            headers=headers,
            auth=SecretAuth(source.auth) if source.auth else None,
            verify=verify,
            transport=transport,
            follow_redirects=False,
            event_hooks={
                "request": [self.timer.start],
                "response": [self.timer.stop, *self.response_hooks],
            },
        )

    def close(self) -> None:
        self.client.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        retryable: Callable[[E], bool],
        params: Params | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        allow: Collection[int] = (),
    ) -> Answer:
        """An answer with status < 400 or in `allow`, or the error of the last attempt.

        Only errors `retryable` accepts are tried again, and only while the budget lasts.
        """
        deadline = time.monotonic() + self.profile.total_timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(method, path, params, content, headers, allow, deadline)
            except self.errors.base as error:
                if attempt >= self.profile.attempts or not retryable(error):
                    raise
                delay = backoff_delay(self.profile, attempt)
                if isinstance(error, AsksToWait) and error.retry_after is not None:
                    delay = max(delay, error.retry_after)
                if time.monotonic() + delay >= deadline:
                    raise
                what = f"{self.errors.name} {method} {path}"
                self.logger.info("%s failed (%s); retry %d in %.2fs", what, error, attempt, delay)
                self.sleep(delay)

    def _attempt(
        self,
        method: str,
        path: str,
        params: Params | None,
        content: bytes | None,
        headers: Mapping[str, str] | None,
        allow: Collection[int],
        deadline: float,
    ) -> Answer:
        if self.breaker is not None:
            self.breaker.check(self.source.base_url)
        timeout = self._timeout(deadline, path)
        try:
            with self.client.stream(
                method, path, params=params, content=content, headers=headers, timeout=timeout
            ) as response:
                body = _read_within(response, deadline)
        except httpx.TransportError as exc:
            self._failed()
            raise self._unreachable(exc, path) from exc
        if body is None:
            self._failed()
            late = f"{self.errors.name}'s answer took longer than the time budget"
            raise self.errors.timeout(late, path=path)
        if self.breaker is not None:
            self.breaker.record_success()
        if response.status_code >= 400 and response.status_code not in allow:
            raise self.status_error(response.status_code, body, response.headers, path)
        return Answer(response.status_code, response.headers, body)

    def _timeout(self, deadline: float, path: str) -> httpx.Timeout:
        left = deadline - time.monotonic()
        if left <= 0:
            budget = self.profile.total_timeout
            raise self.errors.timeout(f"no time left of {budget}s budget", path=path)
        connect = min(self.source.connect_timeout or self.profile.connect_timeout, left)
        read = min(self.source.read_timeout or self.profile.read_timeout, left)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def _unreachable(self, exc: httpx.TransportError, path: str) -> E:
        name = self.errors.name
        if isinstance(exc, httpx.ConnectTimeout):
            return self.errors.unavailable(f"cannot connect to {name}: {exc!r}", path=path)
        if isinstance(exc, httpx.TimeoutException):
            return self.errors.timeout(f"{name} did not answer in time: {exc!r}", path=path)
        return self.errors.unavailable(f"cannot reach {name}: {exc!r}", path=path)

    def _failed(self) -> None:
        if self.breaker is not None:
            self.breaker.record_failure()


def _read_within(response: httpx.Response, deadline: float) -> bytes | None:
    """The decoded body; None when the budget ran out between chunks (the rest is not read)."""
    chunks = []
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        if time.monotonic() > deadline:
            return None
    return b"".join(chunks)
