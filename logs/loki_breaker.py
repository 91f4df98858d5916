"""Fail fast while Loki is known to be down: a process-local circuit breaker per base URL.

A web page that waits 5 s for a dead Loki on every request makes the whole console feel dead.
After `threshold` consecutive connection failures the breaker opens and calls fail at once for
`cooldown` seconds; then one call is let through, and its outcome closes or re-opens it.
"""

import threading
import time
from collections.abc import Callable

from logs.loki_errors import LokiCircuitOpen


class CircuitBreaker:
    def __init__(
        self, threshold: int, cooldown: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None

    def check(self, url: str) -> None:
        """Raise LokiCircuitOpen while open; after the cool-down, let the caller try."""
        with self._lock:
            if self._opened_at is None:
                return
            left = self.cooldown - (self._clock() - self._opened_at)
            failures = self._failures
        if left > 0:
            raise LokiCircuitOpen(
                f"Loki at {url} failed {failures} times in a row; not trying again for {left:.0f} s"
            )

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.threshold:
                self._opened_at = self._clock()

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None


_breakers: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(base_url: str, threshold: int, cooldown: float) -> CircuitBreaker:
    """The one breaker of this process for `base_url` (shared by every web-profile client)."""
    key = base_url.rstrip("/")
    with _registry_lock:
        breaker = _breakers.get(key)
        if breaker is None:
            breaker = _breakers[key] = CircuitBreaker(threshold, cooldown)
        return breaker


def reset_breakers() -> None:
    """Forget every breaker (tests; or an admin's "try Loki again now")."""
    with _registry_lock:
        _breakers.clear()
