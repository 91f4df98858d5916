"""Per-source Loki settings as plain dataclasses; the console maps its models onto them.

Secrets are named (an env var or a file), never held: `Secret.reveal()` reads them at use time,
so a rotated token works without a restart and no repr or traceback ever shows one.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from logs.loki_errors import LokiConfigError


@dataclass(frozen=True)
class Secret:
    """Where a secret lives: exactly one of an environment variable name or a file path."""

    env: str | None = None
    file: Path | None = None

    def __post_init__(self) -> None:
        if (self.env is None) == (self.file is None):
            raise LokiConfigError("a Secret needs exactly one of env= or file=")

    def reveal(self) -> str:
        """The secret's value now; raises LokiConfigError when it is missing or empty."""
        if self.env is not None:
            value = os.environ.get(self.env, "")
            where = f"environment variable {self.env}"
        else:
            assert self.file is not None
            where = f"file {self.file}"
            try:
                value = Path(self.file).read_text()
            except OSError as exc:
                raise LokiConfigError(f"cannot read secret {where}: {exc.strerror}") from None
        value = value.strip()
        if not value:
            raise LokiConfigError(f"secret {where} is empty or unset")
        return value


@dataclass(frozen=True)
class BasicAuth:
    username: str
    password: Secret


@dataclass(frozen=True)
class BearerToken:
    token: Secret


@dataclass(frozen=True)
class TlsConfig:
    """Verification on by default; a private CA bundle and a client certificate when needed."""

    verify: bool = True
    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None


@dataclass(frozen=True)
class Profile:
    """How long and how hard one caller may wait for Loki.

    `total_timeout` bounds a whole call, retries and back-off included; each attempt's connect and
    read timeouts are clipped to what is left of it. The breaker (web only) stops trying a base URL
    for `breaker_cooldown` seconds after `breaker_threshold` consecutive connection failures.
    """

    name: str
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    attempts: int
    backoff_base: float
    backoff_max: float
    breaker_threshold: int | None = None
    breaker_cooldown: float = 0.0


WEB = Profile(
    name="web",
    connect_timeout=1.0,
    read_timeout=4.0,
    total_timeout=5.0,
    attempts=2,
    backoff_base=0.1,
    backoff_max=0.5,
    breaker_threshold=3,
    breaker_cooldown=30.0,
)
WORKER = Profile(
    name="worker",
    connect_timeout=5.0,
    read_timeout=120.0,
    total_timeout=600.0,
    attempts=5,
    backoff_base=0.5,
    backoff_max=30.0,
)


@dataclass(frozen=True)
class LokiSource:
    """One Loki (or tenant of one). Timeouts here override the profile's, within its budget."""

    base_url: str
    tenant: str | None = None
    auth: BasicAuth | BearerToken | None = None
    tls: TlsConfig = field(default_factory=TlsConfig)
    connect_timeout: float | None = None
    read_timeout: float | None = None
