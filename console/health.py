"""/healthz (alive), /readyz (dependencies answer) and /metrics (Prometheus, token or allow-list).

These answer without a login: probes and Prometheus have none. /metrics is guarded instead by
METRICS_TOKEN (Bearer) or METRICS_ALLOWED_IPS.
"""

import hashlib
import hmac
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from console.metrics import DatabaseCollector

REGISTRY.register(DatabaseCollector())

Check = Callable[[], str]
SOURCE_PROBE_KEY = "readyz:loki-sources"
SOURCE_PROBE_SECONDS = 15


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


def source_checks() -> tuple[dict[str, Check], str]:
    """One check per enabled Loki source (its /ready, web timeouts), and a key for the set."""
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

    sources = list(LokiSource.objects.filter(enabled=True).order_by("pk"))
    identity = "|".join(f"{s.pk}:{s.name}:{s.url}:{s.tenant}" for s in sources)
    fingerprint = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return {f"loki:{s.name}": probe(s) for s in sources}, fingerprint


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def source_results() -> dict[str, str]:
    """The Loki probes, run together and remembered for a while.

    /readyz needs no login, so a flood of probes while Loki is slow must not hold a web worker
    per request for seconds: at most one round of Loki calls per SOURCE_PROBE_SECONDS for a
    given set of sources.
    """
    checks, fingerprint = source_checks()
    if not checks:
        return {}
    key = f"{SOURCE_PROBE_KEY}:{fingerprint}"
    try:
        cached: dict[str, str] | None = cache.get(key)
    except Exception:  # the broker check reports a Redis outage
        cached = None
    if cached is not None:
        return cached
    with ThreadPoolExecutor(max_workers=min(8, len(checks))) as pool:
        results = dict(zip(checks, pool.map(_run, checks.values()), strict=True))
    with suppress(Exception):
        cache.set(key, results, SOURCE_PROBE_SECONDS)
    return results


@login_not_required
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """503 naming the failing part; the failures' details only for the metrics token."""
    results = {"database": _run(check_database), "broker": _run(check_broker)}
    if results["database"] == "ok":
        results |= source_results()
    failing = [name for name, result in results.items() if result != "ok"]
    shown = (
        results
        if _metrics_allowed(request)
        else {name: "ok" if result == "ok" else "failed" for name, result in results.items()}
    )
    body = {"status": "unavailable" if failing else "ready", "failing": failing, "checks": shown}
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
