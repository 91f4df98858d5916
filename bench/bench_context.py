"""The log context panel: server time without Loki's own, and how much less Loki has to read.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/triage_bench_context \\
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/bench_context.py [runs]

Data: the real seed hour Loki was loaded with for the fixtures (472 JSON lines in five
streams, ../shared/fixtures/loki/push_seed_batch_204.json) repeated over 24 hours, in the stub
Loki on 127.0.0.1. A throwaway test database holds one error with one occurrence on a
`db_connection_timeout` line in the 18th hour.

1. Server time: the panel request through Django (session, auth, permissions, queries,
   template) with 100 lines (50 before, 50 after, ±15 min), minus the wall time spent inside
   Loki calls (both sides run at once, so the union of their intervals is taken).
2. Bytes Loki reports processed (`stats.summary.totalBytesProcessed`) for the console's context
   query versus the naive `{job="fraiseql-app"} | json | fingerprint="..."` over 24 h.

The stub's `bytes_processed` is a model, not Loki: the sum of `len(line)` (characters) of every
entry it walks in the matching streams of [start, end) until it has `limit` matches (plus one
look-ahead entry per stream). It counts no label or metadata bytes, no compression, and no chunk
granularity: a real Loki decompresses whole chunks (often an hour or more of a quiet stream), so
a narrow window costs it more than the model says and the real ratio is smaller. The stub cannot
run `| json`, so the naive query is measured by walking the same store with the same model and
applying the JSON filter in Python, with Grafana's default limit (1000) and as a full scan (what
Loki does when matches are sparse, or for any metric over the query).
"""

import json
import os
import statistics
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
os.environ.setdefault("ALLOWED_HOSTS", "localhost")

SEED = ROOT.parent / "shared" / "fixtures" / "loki" / "push_seed_batch_204.json"
HOUR = 3600 * 10**9
HOURS = 24
FINGERPRINT = "db_connection_timeout"
RUNS = 200
WARM_UP = 10


def seed_streams() -> list[tuple[dict[str, str], list[tuple[int, str, dict[str, str]]]]]:
    """The seed hour, repeated `HOURS` times so the last copy ends at the seed's own end."""
    body = json.loads(SEED.read_text())["request"]["body"]
    streams = []
    for stream in body["streams"]:
        entries = []
        for back in range(HOURS - 1, -1, -1):
            for value in stream["values"]:
                metadata = value[2] if len(value) > 2 else {}
                entries.append((int(value[0]) - back * HOUR, value[1], metadata))
        streams.append((stream["stream"], entries))
    return streams


def anchor_line(
    streams: list[tuple[dict[str, str], list[tuple[int, str, dict[str, str]]]]],
) -> tuple[dict[str, str], int, str]:
    """A `FINGERPRINT` error line of the dev app stream, six hours before the end."""
    labels, entries = next(s for s in streams if s[0]["level"] == "error")
    last = entries[-1][0]
    for ts, line, _ in reversed(entries):
        if ts < last - 6 * HOUR and json.loads(line).get("fingerprint") == FINGERPRINT:
            return labels, ts, line
    raise LookupError("no anchor line")


class LokiClock:
    """Wall-clock intervals spent inside Loki calls, from any thread."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self.lock = threading.Lock()

    def install(self) -> None:
        from logs import loki_transport

        original = loki_transport.LokiTransport.request
        clock = self

        def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                with clock.lock:
                    clock.spans.append((started, time.perf_counter()))

        loki_transport.LokiTransport.request = timed  # type: ignore[method-assign]

    def take(self) -> float:
        """Seconds covered by the recorded intervals (overlaps counted once), then forget them."""
        with self.lock:
            spans, self.spans = sorted(self.spans), []
        covered, end = 0.0, float("-inf")
        for start, stop in spans:
            if stop > end:
                covered += stop - max(start, end)
                end = stop
        return covered


def naive_bytes(store: Any, start: int, end: int, limit: int | None) -> tuple[int, int, int]:
    """(bytes, lines walked, matches) of `{job="fraiseql-app"} | json | fingerprint="..."`,
    walking backward like the stub does for a line filter, with the JSON filter in Python."""
    import heapq

    def backward(stream: Any) -> Iterator[tuple[int, str]]:
        for i in range(len(stream.ts) - 1, -1, -1):
            if start <= stream.ts[i] < end:
                yield -stream.ts[i], stream.entries[i][0]

    app = [s for s in store.streams.values() if s.labels.get("job") == "fraiseql-app"]
    walks = [backward(stream) for stream in app]
    size = lines = matches = 0
    for _, line in heapq.merge(*walks):
        size, lines = size + len(line), lines + 1
        if json.loads(line).get("fingerprint") == FINGERPRINT:
            matches += 1
            if limit is not None and matches >= limit:
                break
    return size, lines, matches


def measure(call: Callable[[], Any], clock: LokiClock, runs: int) -> dict[str, list[float]]:
    for _ in range(WARM_UP):
        call()
        clock.take()
    total, loki, cpu = [], [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = call()
        took = time.perf_counter() - started
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
        inside = clock.take()
        total.append(took * 1000)
        loki.append(inside * 1000)
    server = sorted(t - lk for t, lk in zip(total, loki, strict=True))
    return {"total": sorted(total), "loki": sorted(loki), "server": server, "cpu": sorted(cpu)}


def p(values: list[float], q: float) -> float:
    return values[max(0, int(len(values) * q) - 1)]


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.urls import include, path

    from tests.stubs.loki import LokiStub

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else RUNS
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    urls = types.ModuleType("bench_context_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("", include("errors.correlation.urls")),
        path("", include("console.urls")),
    ]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    loki = LokiStub().start()
    try:
        run(loki, runs)
    finally:
        loki.stop()
        connection.creation.destroy_test_db(test_db, verbosity=0)


def run(loki: Any, runs: int) -> None:
    from datetime import UTC, datetime

    from django.contrib.auth.models import Group, User
    from django.test import Client
    from django.utils import timezone

    from errors.correlation.context_panel import build_panel
    from errors.correlation.scope import Scope
    from errors.models import ErrorGroup, LokiSource, Occurrence

    streams = seed_streams()
    for labels, entries in streams:
        loki.push(labels, entries)
    labels, at, line = anchor_line(streams)
    record = json.loads(line)
    LokiSource.objects.create(name="seed", url=loki.url, selector='{job=~"fraiseql-.+"}')
    moment = datetime.fromtimestamp(at / 1e9, UTC)
    error = ErrorGroup.objects.create(
        fingerprint=FINGERPRINT, message=record["message"], first_seen_at=moment,
        last_seen_at=moment, source="seed", exception_type=record["exception_type"],
    )  # fmt: skip
    Occurrence.objects.create(
        error=error, timestamp=moment, timestamp_ns=at, source="seed", stream_labels=labels,
        trace_id=record["trace_id"], span_id=record["span_id"],
    )  # fmt: skip
    viewer = User.objects.create_user("bench-viewer", password="pw")
    viewer.groups.add(Group.objects.get(name="viewer"))
    client = Client(HTTP_HOST="localhost")
    client.force_login(viewer)
    clock = LokiClock()
    clock.install()
    url = f"/errors/{error.id}/context/?window=15m&lines=50"
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "log-context"}
    html = client.get(url, **headers).content.decode()
    shown = html.count('class="ll ')
    assert shown == 100, f"{shown} lines shown"
    times = measure(lambda: client.get(url, **headers), clock, runs)

    panel = build_panel(error, Scope(window="15m", lines=50), timezone.get_default_timezone())
    context_bytes, context_lines = panel.bytes_processed, panel.lines_processed
    store = loki.store()
    end = max(ts for _, entries in streams for ts, _, _ in entries) + 1
    grafana = naive_bytes(store, end - HOURS * HOUR, end, 1000)
    full = naive_bytes(store, end - HOURS * HOUR, end, None)

    print(f"\ndata: {sum(len(e) for _, e in streams)} lines in {len(streams)} streams over "
          f"{HOURS} h; load {', '.join(f'{n:.2f}' for n in os.getloadavg())} on "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    print(f"\ncontext panel, {shown} lines, {runs} runs (ms)")
    print("|                     | median |   p95 |   max |")
    print("|---------------------|--------|-------|-------|")
    for name in ("total", "loki", "server", "cpu"):
        values = times[name]
        label = {"total": "request, wall", "loki": "inside Loki calls",
                 "server": "server (wall - Loki)", "cpu": "server CPU"}[name]  # fmt: skip
        print(f"| {label:<19} | {statistics.median(values):>6.1f} | {p(values, .95):>5.1f} "
              f"| {values[-1]:>5.1f} |")  # fmt: skip
    print("\nbytes Loki reports processed (stub model, see the docstring)")
    print(f"  console: {panel.query}  ±15 min, 50 + 50 lines")
    print(f"           {context_bytes:>10,} bytes, {context_lines:>6,} lines")
    print(f'  naive:   {{job="fraiseql-app"}} | json | fingerprint="{FINGERPRINT}"  24 h')
    for name, (size, walked, matches) in (("limit 1000", grafana), ("full scan", full)):
        print(f"    {name:<10} {size:>10,} bytes, {walked:>6,} lines ({matches} matches)"
              f"  ratio {size / context_bytes:,.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
