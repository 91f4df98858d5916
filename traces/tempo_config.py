"""Per-source Tempo settings as plain dataclasses; the console maps its settings onto them.

The shapes are `outbound`'s, shared with the Loki client; here they fail as TempoConfigError.
Secrets are named (an env var or a file), never held: `Secret.reveal()` reads them at use
time, so a rotated token works without a restart and no repr or traceback ever shows one.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from outbound import secrets
from outbound.profile import WEB, WORKER, Profile
from outbound.secrets import BasicAuth, BearerToken
from outbound.source import Source
from outbound.tls import TlsConfig
from traces.tempo_errors import TempoConfigError

__all__ = [
    "WEB",
    "WORKER",
    "BasicAuth",
    "BearerToken",
    "Profile",
    "Secret",
    "TempoSource",
    "TlsConfig",
]


@dataclass(frozen=True)
class Secret(secrets.Secret):
    """Where a secret lives (env var or file); missing, empty or ill-named: TempoConfigError."""

    config_error = TempoConfigError


@dataclass(frozen=True)
class TempoSource(Source):
    """One Tempo (or tenant of one). Timeouts here override the profile's, within its budget."""

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise TempoConfigError(
                f"Tempo base URL must be http(s)://host[:port][/prefix], got {self.base_url!r}"
            )
