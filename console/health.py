"""/healthz (alive), /readyz (dependencies answer) and /metrics (Prometheus, token or allow-list).

These answer without a login: probes and Prometheus have none. /metrics is guarded instead by
METRICS_TOKEN (Bearer) or METRICS_ALLOWED_IPS.
"""

import hmac
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from console.metrics import DatabaseCollector

REGISTRY.register(DatabaseCollector())

Check = Callable[[], str]


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_broker() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def source_checks() -> dict[str, Check]:
    """One check per enabled Loki source: its /ready endpoint, with the web timeouts."""
    from errors.ingest.read import client_config
    from errors.models import LokiSource
    from logs.loki import WEB, LokiClient

    def probe(source: LokiSource) -> Check:
        def check() -> str:
            with LokiClient(client_config(source), WEB) as client:
                if not client.ready():
                    raise RuntimeError("Loki answered /ready: not ready")
            return "ok"

        return check

    return {f"loki:{s.name}": probe(s) for s in LokiSource.objects.filter(enabled=True)}


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Check] = {"database": check_database, "broker": check_broker}
    results: dict[str, str] = {}
    for name, check in checks.items():
        results[name] = _run(check)
    if results["database"] == "ok":
        for name, check in source_checks().items():
            results[name] = _run(check)
    failing = [name for name, result in results.items() if result != "ok"]
    body = {"status": "unavailable" if failing else "ready", "failing": failing, "checks": results}
    return JsonResponse(body, status=503 if failing else 200)


def _run(check: Check) -> str:
    started = time.monotonic()
    try:
        return check()
    except Exception as exc:
        return f"failed after {time.monotonic() - started:.1f}s: {type(exc).__name__}: {exc}"[:300]


@login_not_required
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _metrics_allowed(request):
        return HttpResponse(
            "metrics need METRICS_TOKEN (Authorization: Bearer) or METRICS_ALLOWED_IPS\n",
            status=403,
            content_type="text/plain",
        )
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS
