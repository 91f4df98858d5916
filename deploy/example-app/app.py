"""A small application for the compose stack: JSON log lines for Promtail, traces for Tempo.

Every tick it handles one simulated request inside a span: info lines always, an error with its
exception now and then, a debug line that Promtail drops, and now and then a message carrying an
e-mail address or a card number (scrubbed by the kit, and by Promtail for applications without
it). Lines go through the repository's logging kit (`triage_logging.JSONFormatter`), which adds
trace_id and span_id from the active span, so a log line and its trace share ids. Spans go to
Tempo over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME).

    python app.py            run until SIGTERM
    python app.py --check    exit 0 when the log file was written recently (the health check)
"""

import importlib
import logging
import os
import random
import signal
import sys
import threading
import time
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Status, StatusCode

from triage_logging import JSONFormatter

logger = logging.getLogger("example_app")

TENANTS = ["acme", "globex", "initech", "umbrella"]
OPERATIONS = ["listPosts", "getPost", "createPost", "updatePost", "checkout"]


class DatabaseConnectionError(Exception):
    pass


class PaymentDeclined(Exception):
    pass


def _db_timeout(rng: random.Random) -> None:
    raise DatabaseConnectionError(
        f"Database connection failed: timeout after {rng.randint(5, 30)}s to postgres:5432"
    )


def _missing_field(rng: random.Random) -> None:
    raise KeyError(f"Cannot query field 'author{rng.randint(1, 9)}' on type 'Post'")


def _none_tenant(rng: random.Random) -> None:
    tenant = None
    tenant.id  # type: ignore[attr-defined]  # noqa: B018  (the bug this app exists to show)


def _permission(rng: random.Random) -> None:
    user, post = rng.randint(100, 999), rng.randint(1, 5000)
    raise PermissionError(f"user {user} may not update post {post}")


def _card_declined(rng: random.Random) -> None:
    raise PaymentDeclined("payment declined for card 4532-1234-5678-9010")


FAILURES = [_db_timeout, _missing_field, _none_tenant, _permission, _card_declined]


@dataclass(frozen=True)
class Settings:
    log_file: Path
    interval: float
    error_ratio: float
    check_max_age: float

    @classmethod
    def from_env(cls) -> "Settings":
        interval = float(os.environ.get("EXAMPLE_APP_INTERVAL", "1.0"))
        return cls(
            log_file=Path(os.environ.get("EXAMPLE_APP_LOG_FILE", "/var/log/example-app/app.log")),
            interval=interval,
            error_ratio=float(os.environ.get("EXAMPLE_APP_ERROR_RATIO", "0.2")),
            check_max_age=max(30.0, 5 * interval),
        )


def configure_logging(log_file: Path) -> logging.Handler:
    """JSON lines into a rotating file that Promtail tails (rotated files end in .1, .2)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(log_file, maxBytes=10 * 1024 * 1024, backupCount=3)
    handler.setFormatter(JSONFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return handler


def configure_tracing(processor: SpanProcessor) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"deployment.environment": "dev"}))
    provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return provider


def handle_request(tracer: trace.Tracer, rng: random.Random, error_ratio: float) -> None:
    """One simulated request: a server span, a client span below it, and its log lines."""
    operation = rng.choice(OPERATIONS)
    context = {
        "user_id": f"u{rng.randint(1, 500)}",
        "tenant_id": rng.choice(TENANTS),
        "operation": operation,
    }
    with tracer.start_as_current_span(
        f"POST /graphql {operation}", kind=trace.SpanKind.SERVER
    ) as server:
        server.set_attribute("graphql.operation.name", operation)
        server.set_attribute("tenant.id", context["tenant_id"])
        logger.debug("resolving %s", operation, extra=context)
        logger.info("request started", extra=context)
        if rng.random() < 0.05:
            logger.info("password reset mail sent to alice@example.com", extra=context)
        failure = rng.choice(FAILURES) if rng.random() < error_ratio else None
        with tracer.start_as_current_span("db query", kind=trace.SpanKind.CLIENT) as client:
            client.set_attribute("db.system", "postgresql")
            try:
                if failure is not None:
                    failure(rng)
            except Exception as exc:
                client.record_exception(exc)
                client.set_status(Status(StatusCode.ERROR, str(exc)))
                server.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                server.set_attribute("http.response.status_code", 500)
                logger.exception("request failed: %s", exc, extra=context)
                return
        server.set_attribute("http.response.status_code", 200)
        logger.info("request finished", extra=context)


def run(settings: Settings, stop: threading.Event) -> None:
    # The OTLP exporter is installed in the app's image only (requirements.txt), not in the
    # console's environment where the tests import this module.
    otlp_http = importlib.import_module("opentelemetry.exporter.otlp.proto.http.trace_exporter")

    configure_logging(settings.log_file)
    provider = configure_tracing(BatchSpanProcessor(otlp_http.OTLPSpanExporter()))
    tracer = provider.get_tracer("example_app")
    rng = random.Random()
    logger.info("example app started", extra={"operation": "startup"})
    try:
        while not stop.is_set():
            handle_request(tracer, rng, settings.error_ratio)
            stop.wait(settings.interval)
    finally:
        logger.info("example app stopping", extra={"operation": "shutdown"})
        provider.shutdown()


def check(settings: Settings, now: float | None = None) -> bool:
    """Healthy when the log file exists and was written within the last few ticks."""
    try:
        modified = settings.log_file.stat().st_mtime
    except OSError:
        return False
    return (now if now is not None else time.time()) - modified <= settings.check_max_age


def main(argv: list[str]) -> int:
    settings = Settings.from_env()
    if argv[1:] == ["--check"]:
        return 0 if check(settings) else 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    run(settings, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
