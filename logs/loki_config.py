"""Per-source Loki settings as plain dataclasses; the console maps its models onto them.

The shapes are `outbound`'s, shared with the Tempo client; here they fail as LokiConfigError.
Secrets are named (an env var or a file), never held: `Secret.reveal()` reads them at use time,
so a rotated token works without a restart and no repr or traceback ever shows one.
"""

from dataclasses import dataclass, replace

from logs.loki_errors import LokiConfigError
from outbound import profile, secrets
from outbound.profile import Profile
from outbound.secrets import BasicAuth, BearerToken
from outbound.source import Source
from outbound.tls import TlsConfig

__all__ = [
    "WEB",
    "WORKER",
    "BasicAuth",
    "BearerToken",
    "LokiSource",
    "Profile",
    "Secret",
    "TlsConfig",
]


@dataclass(frozen=True)
class Secret(secrets.Secret):
    """Where a secret lives (env var or file); missing, empty or ill-named: LokiConfigError."""

    config_error = LokiConfigError


WEB = replace(profile.WEB, breaker_threshold=3, breaker_cooldown=30.0)
"""The shared web budget, and a breaker: a dead Loki must not make every page wait."""

WORKER = replace(profile.WORKER, read_timeout=120.0, total_timeout=600.0)
"""Longer than the shared worker budget: a range query over hours of logs reads for minutes."""


@dataclass(frozen=True)
class LokiSource(Source):
    """One Loki (or tenant of one). Timeouts here override the profile's, within its budget."""
