"""End-to-end ingestion: stub Loki answers → committed rows, 1,000,000 lines, 10,000 fingerprints.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/triage_h_ingest_bench \\
    REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/bench_ingest.py [--lines N]

One `poll_once` in this process reads every page from a stub Loki (another process, answers
pre-encoded so it costs the poller nothing), parses, aggregates, writes and commits. Reported:
lines per second over the whole poll, the read and write phases, and the peak resident memory
(ru_maxrss); then the CPU of the poller, the stub and the PostgreSQL backend, and the best wall
time that much CPU allows on this machine's cores however well the three overlap.
Targets: >= 200,000 lines/s and < 300 MB. The database must be a scratch one (its name must
contain "bench"): its error tables are emptied first.

`--floor` reads the same pages through the Loki client only (HTTP and Loki's JSON, nothing
counted or written): the ceiling any poller in this process could reach on this machine.
"""

import argparse
import bisect
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")

SPAN_NS = 50 * 60 * 10**9
STREAMS = [{"job": "app", "env": env, "level": "error"} for env in ("dev", "staging", "prod")]
KINDS = ["DatabaseConnectionError", "GraphQLError", "AttributeError", "PermissionDenied"]


def error_line(rng: random.Random, fingerprint: int, i: int) -> str:
    kind = KINDS[fingerprint % len(KINDS)]
    return json.dumps(
        {
            "timestamp": "2026-11-27T18:21:03.354594Z",
            "level": "error",
            "logger": "app.errors",
            "message": f"Operation {fingerprint} failed for order {i}",
            "trace_id": f"{rng.getrandbits(128):032x}",
            "span_id": f"{rng.getrandbits(64):016x}",
            "exception_type": kind,
            "fingerprint": f"bench_fp_{fingerprint:05d}",
            "context": {"user_id": f"user_{i % 997}", "tenant_id": f"tenant_{i % 13}"},
            "stack_trace": (
                "Traceback (most recent call last):\n"
                f'  File "/app/service/handlers.py", line {100 + fingerprint % 50}, in handle\n'
                "    result = await resolver(info, **args)\n"
                f'  File "/app/service/db.py", line 88, in run_{fingerprint}\n'
                f"{kind}: operation failed"
            ),
        }
    )


class Pages:
    """Every entry pre-encoded once, filed by stream; a page is one slice per stream, joined."""

    def __init__(self, lines: int, fingerprints: int, end_ns: int) -> None:
        rng = random.Random(5)
        step = SPAN_NS // lines
        self.ts = [end_ns - SPAN_NS + i * step for i in range(lines)]
        self.positions: list[list[int]] = [[] for _ in STREAMS]
        self.encoded: list[list[bytes]] = [[] for _ in STREAMS]
        for i, ts in enumerate(self.ts):
            text = json.dumps(error_line(rng, rng.randrange(fingerprints), i)).encode()
            self.positions[i % len(STREAMS)].append(i)
            self.encoded[i % len(STREAMS)].append(b'["%d",%s]' % (ts, text))
        self.labels = [json.dumps(labels).encode() for labels in STREAMS]

    def body(self, start: int, end: int, limit: int) -> bytes:
        lo, hi = bisect.bisect_left(self.ts, start), bisect.bisect_left(self.ts, end)
        hi = min(hi, lo + limit)
        result = []
        streams = zip(self.labels, self.positions, self.encoded, strict=True)
        for labels, positions, encoded in streams:
            first, last = bisect.bisect_left(positions, lo), bisect.bisect_left(positions, hi)
            if first < last:
                values = b",".join(encoded[first:last])
                result.append(b'{"stream":%s,"values":[%s]}' % (labels, values))
        return (
            b'{"status":"success","data":{"resultType":"streams","encodingFlags":'
            b'["categorize-labels"],"result":[%s],"stats":{}}}' % b",".join(result)
        )


def serve(lines: int, fingerprints: int, end_ns: int, use_gzip: bool) -> None:
    """The stub Loki process: prints its port once the pages are ready."""
    pages = Pages(lines, fingerprints, end_ns)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            body = pages.body(int(query["start"]), int(query["end"]), int(query["limit"]))
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            if use_gzip:
                body = gzip.compress(body, compresslevel=1)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def start_stub(
    lines: int, fingerprints: int, end_ns: int, use_gzip: bool
) -> tuple[subprocess.Popen[str], int]:
    """The stub Loki in its own process, and its port once its pages are ready."""
    command = [sys.executable, __file__, "--serve", str(lines), str(fingerprints), str(end_ns)]
    stub = subprocess.Popen(
        command + (["--gzip"] if use_gzip else []), stdout=subprocess.PIPE, text=True
    )
    assert stub.stdout is not None
    return stub, int(stub.stdout.readline())


def prepare_database() -> None:
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to empty {name!r}: use a database whose name has 'bench'")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring.errors CASCADE")
        cursor.execute("TRUNCATE errors_lokisource CASCADE")


def timed(module: Any, name: str, times: dict[str, float]) -> None:
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            times[name] = times.get(name, 0.0) + time.perf_counter() - started

    setattr(module, name, wrapper)


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process on this host; nan where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(lines: int, fingerprints: int, use_gzip: bool) -> None:
    import django

    django.setup()
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.utils import timezone

    from errors import triage
    from errors.ingest import effects, poll, settle
    from errors.ingest.cursor import epoch_ns
    from errors.ingest.poll import poll_once
    from errors.models import ErrorGroup, LokiSource, Occurrence

    prepare_database()
    now = timezone.now()
    end_ns = epoch_ns(now) - 11 * 10**9
    stub, port = start_stub(lines, fingerprints, end_ns, use_gzip)
    try:
        source = LokiSource.objects.create(
            name="bench", url=f"http://127.0.0.1:{port}", selector='{job="app"}'
        )
        times: dict[str, float] = {}
        for module, name in ((poll, "_read"), (poll, "_write"), (settle, "upsert_groups")):
            timed(module, name, times)
        for name in ("insert_occurrences", "upsert_hourly", "prune_occurrences", "apply_effects"):
            timed(settle, name, times)
        timed(triage, "mark_created", times)
        timed(effects.Outbox, "write", times)
        timed(poll.lookback, "save", times)
        timed(BaseDatabaseWrapper, "run_and_clear_commit_hooks", times)  # tasks sent on commit
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        backend = _backend_pid()
        others_before = _cpu_of(stub.pid), _cpu_of(backend)
        cpu_before = _cpu()
        started = time.perf_counter()
        summary = poll_once(source.pk, now=now)
        elapsed = time.perf_counter() - started
        cpu = _cpu() - cpu_before
        stub_cpu = _cpu_of(stub.pid) - others_before[0]
        database_cpu = _cpu_of(backend) - others_before[1]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        stub.kill()
    total = sum(ErrorGroup.objects.values_list("occurrence_count", flat=True))
    assert summary.lines_counted == total == lines, (summary, total)
    print(f"lines {lines:,} over {summary.groups_touched:,} fingerprints, gzip={use_gzip}")
    print(f"end to end   {elapsed:6.2f} s   {lines / elapsed:,.0f} lines/s  (target 200,000)")
    committed = elapsed - times.get("run_and_clear_commit_hooks", 0.0)
    print(f"committed    {committed:6.2f} s   {lines / committed:,.0f} lines/s  (before on_commit)")
    print(f"poller CPU   {cpu:6.2f} s   {lines / cpu:,.0f} lines per CPU second")
    for name, seconds in times.items():
        print(f"  {name:<20} {seconds:6.2f} s")
    _print_bound(lines, cpu, stub_cpu, database_cpu)
    print(f"occurrence rows {Occurrence.objects.count():,}")
    print(f"peak RSS {peak:,.0f} MB (before the poll {before:,.0f} MB; target < 300 MB)")


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone() or (0,)
    return int(pid)


def _print_bound(lines: int, poller: float, stub: float, database: float) -> None:
    """The three processes share this machine's cores: their CPU over the core count is the
    shortest wall time any overlap could give (nan when PostgreSQL runs on another host)."""
    cores = os.cpu_count() or 1
    total = poller + stub + database
    print(f"stub CPU     {stub:6.2f} s   PostgreSQL backend CPU {database:6.2f} s")
    print(
        f"CPU of all three {total:6.2f} s on {cores} cores: at best {total / cores:.2f} s wall, "
        f"{lines * cores / total:,.0f} lines/s with perfect overlap"
    )


def floor(lines: int, fingerprints: int, use_gzip: bool) -> None:
    import django

    django.setup()
    from errors.ingest.prefetch import prefetched
    from errors.ingest.read import PAGE_LIMIT
    from logs.loki import WORKER, LokiClient
    from logs.loki_config import LokiSource

    end_ns = time.time_ns()
    stub, port = start_stub(lines, fingerprints, end_ns, use_gzip)
    try:
        stub_before = _cpu_of(stub.pid)
        client = LokiClient(LokiSource(base_url=f"http://127.0.0.1:{port}"), WORKER)
        cpu_before, started, read = _cpu(), time.perf_counter(), 0
        pages = client.stream_pages(
            '{job="app"}',
            start_ns=end_ns - SPAN_NS,
            end_ns=end_ns,
            direction="forward",
            page_limit=PAGE_LIMIT,
            categorize_labels=True,
        )
        for page in prefetched(iter(pages)):
            read += sum(len(stream.entries) for stream in page.streams)
        elapsed, cpu = time.perf_counter() - started, _cpu() - cpu_before
        print(f"stub CPU while serving {_cpu_of(stub.pid) - stub_before:.2f} s")
    finally:
        stub.kill()
    assert read == lines, read
    print(f"floor: {lines:,} lines through the Loki client only, gzip={use_gzip}")
    print(f"read         {elapsed:6.2f} s   {lines / elapsed:,.0f} lines/s")
    print(f"reader CPU   {cpu:6.2f} s   {lines / cpu:,.0f} lines per CPU second")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--fingerprints", type=int, default=10_000)
    parser.add_argument("--gzip", action="store_true", help="gzip the answers as Loki does")
    parser.add_argument("--floor", action="store_true", help="only read the pages (see above)")
    parser.add_argument("--serve", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve, use_gzip=args.gzip)
    elif args.floor:
        floor(args.lines, args.fingerprints, args.gzip)
    else:
        run(args.lines, args.fingerprints, args.gzip)


if __name__ == "__main__":
    main()
