"""Server time of the stream, search, a deep keyset page and the error page on 1M errors.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/triage_bench \\
    REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/bench_stream.py [--fill-only]

The first run creates and fills the database (a few minutes, see bench/fill.py); later runs
reuse it. Each scenario is a full request through Django's middleware (session, auth,
permissions, template) with the test Client, timed many times after a warm-up.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

WARM_UP = 5
RUNS = 200


def _deep_cursor(params: dict[str, str], depth: int) -> str:
    """The cursor a person reaches after paging `depth` rows into a filtered list."""
    from django.http import QueryDict
    from django.utils import timezone

    from errors.forms import stream_query
    from errors.paging import Cursor
    from errors.querysets import errors_for

    query, _ = stream_query(QueryDict(_encode(params)))
    errors = errors_for(query, None, timezone.now()).order_by("-last_seen_at", "-id")
    row = errors.values("last_seen_at", "id")[depth]
    return Cursor(row["last_seen_at"], row["id"]).encode()


def _measure(call: Callable[[], Any], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds per request, each sorted.

    CPU time leaves out PostgreSQL's share but also the waiting for a core, so on a busy
    machine it shows how much of the budget the Django side itself takes.
    """
    for _ in range(WARM_UP):
        call()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return sorted(wall), sorted(cpu)


def _row(name: str, wall: list[float], cpu: list[float], target: str) -> str:
    p95 = wall[max(0, int(len(wall) * 0.95) - 1)]
    return (
        f"| {name:<46} | {len(wall):>4} | {statistics.median(wall):>6.1f} | {p95:>6.1f} "
        f"| {wall[-1]:>6.1f} | {statistics.median(cpu):>7.1f} | {target:<22} |"
    )


def scenarios() -> list[tuple[str, str, dict[str, str], int, str]]:
    from errors.models import ErrorGroup

    error = ErrorGroup.objects.order_by("-occurrence_count", "-id").first()
    assert error is not None
    filtered = {"service": "billing", "env": "prod"}
    deep = filtered | {"cursor": _deep_cursor(filtered, 10_000)}
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}
    return [
        ("stream, default (unresolved, last seen)", "/", {}, RUNS, "median<30, p95<60"),
        ("stream, HTMX fragment", "/", htmx, RUNS, "median<30, p95<60"),
        ("stream, sorted by total events", "/?sort=count", {}, RUNS, "median<30, p95<60"),
        ("search, common word (q=failed, 29%)", "/?q=failed", {}, RUNS, "p95<150"),
        ("search, rare word (q=quokka, 50 rows)", "/?q=quokka", {}, RUNS, "p95<150"),
        (
            "search, syntax (is:new service:api times:>100)",
            "/?q=is:new+service:api+times:>100",
            {},
            RUNS,
            "p95<150",
        ),
        ("filtered, keyset 10,000 rows deep", "/?" + _encode(deep), {}, RUNS, "median<30, p95<60"),
        ("error page (200 stored occurrences)", f"/errors/{error.id}/", {}, RUNS, "p95<50"),
        ("tab counts fragment, uncached", "/errors/counts/", {}, 50, "(lazy, after the page)"),
        ("sort by events in 24h (window)", "/?sort=window", {}, 10, "(no target)"),
    ]


def _encode(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from bench.fill import fill
    from errors import stats

    call_command("migrate", verbosity=0)
    fill()
    if "--fill-only" in sys.argv:
        return
    stats.COUNTS_TTL = 0
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="bench0"))
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"\nload average before the runs: {load} on {os.cpu_count()} CPUs")
    header = (
        f"| {'scenario':<46} | runs | median |    p95 |    max | CPU med | {'target (ms)':<22} |"
    )
    print("\n" + header)
    print("|" + "|".join("-" * len(cell) for cell in header.strip("|").split("|")) + "|")
    for name, url, headers, runs, target in scenarios():
        wall, cpu = _measure(lambda url=url, headers=headers: client.get(url, **headers), runs)
        print(_row(name, wall, cpu, target), flush=True)


if __name__ == "__main__":
    main()
