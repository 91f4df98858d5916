"""When to try a failed Loki call again, and how long to wait first: see `outbound.retry`."""

from outbound.retry import backoff_delay, parse_retry_after

__all__ = ["backoff_delay", "parse_retry_after"]
