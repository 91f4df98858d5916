"""A client family of errors of the smallest kind, to show what the shared plumbing raises."""

from collections.abc import Mapping

from outbound.family import ErrorFamily
from outbound.secrets import Secret
from outbound.status import body_message, error_for_status


class ToyError(Exception):
    transient = False

    def __init__(self, message: str, *, status: int | None = None, path: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.path = path


class Unavailable(ToyError):
    transient = True


class Timeout(Unavailable):
    pass


class RateLimited(Unavailable):
    def __init__(self, message: str, *, retry_after: float | None, path: str = "") -> None:
        super().__init__(message, status=429, path=path)
        self.retry_after = retry_after


class Misconfigured(ToyError):
    pass


class BadQuery(ToyError):
    pass


class Forbidden(ToyError):
    pass


class Broken(ToyError):
    pass


TOY = ErrorFamily[ToyError](
    name="Toy",
    base=ToyError,
    other=ToyError,
    config=Misconfigured,
    query=BadQuery,
    auth=Forbidden,
    rate_limited=RateLimited,
    unavailable=Unavailable,
    timeout=Timeout,
    server=Broken,
)


class ToySecret(Secret):
    config_error = Misconfigured


def toy_error_for_status(
    status: int, body: bytes, headers: Mapping[str, str], path: str
) -> ToyError:
    return error_for_status(TOY, status, body_message(status, body), headers, path)
