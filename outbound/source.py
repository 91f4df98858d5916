"""Where a client sends its requests: one back end, or one tenant of it."""

from dataclasses import dataclass, field

from outbound.secrets import BasicAuth, BearerToken
from outbound.tls import TlsConfig


@dataclass(frozen=True)
class Source:
    """One back end (or tenant of one). Timeouts here override the profile's, within its budget.

    `tenant` is sent as X-Scope-OrgID, the tenant header of Grafana's Loki, Tempo and Mimir.
    """

    base_url: str
    tenant: str | None = None
    auth: BasicAuth | BearerToken | None = None
    tls: TlsConfig = field(default_factory=TlsConfig)
    connect_timeout: float | None = None
    read_timeout: float | None = None
