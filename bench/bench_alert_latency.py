"""Latency from an error line becoming visible in (stub) Loki to the alert reaching a receiver.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/triage_h_alerts_bench \\
    REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/bench_alert_latency.py \\
        [--errors 50] [--poll 5] [--slack]

Everything real but Loki and the receiver (stubs on 127.0.0.1): PostgreSQL, Redis, a Celery
worker subprocess running the poller (`errors.poll_source`, enqueued every --poll seconds as
beat would) and the alert tasks. Errors arrive about one a second at random moments, so each
waits a random part of the poll interval. Target: p95 under the poll interval plus 2 s.
The database is dedicated: every run empties it first. Redis: the DB named is flushed.
"""

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
os.environ["SLACK_WEBHOOK_URL"] = ""
LABELS = {"job": "bench-app", "env": "bench", "level": "error"}


def prepare(receiver_url: str, loki_url: str, poll: float, slack: bool) -> int:
    """Empty the bench database; one source (no delay), one rule, one channel: the source id."""
    from django.core.management import call_command
    from django.db import connection

    from alerts.models import Channel, ChannelKind, Rule
    from errors.models import LokiSource

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring.errors CASCADE")
    call_command("flush", interactive=False, verbosity=0)
    source = LokiSource.objects.create(
        name="bench", url=loki_url, selector='{job="bench-app"}', delay=timedelta(0),
        poll_interval=timedelta(seconds=poll),
    )  # fmt: skip
    kind = ChannelKind.SLACK if slack else ChannelKind.WEBHOOK
    channel = Channel.objects.create(
        name="bench", kind=kind, url=receiver_url, digest_threshold=1000
    )
    rule = Rule.objects.create(name="bench: new errors", on_new=True)
    rule.channels.add(channel)
    return source.pk


def start_worker() -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "celery", "-A", "console", "worker", "-c", "4",
               "--without-gossip", "--without-mingle", "--without-heartbeat",
               "-l", "WARNING"]  # fmt: skip
    worker = subprocess.Popen(command, cwd=ROOT, env=os.environ | {"LOG_LEVEL": "WARNING"},
                              start_new_session=True)  # fmt: skip
    from console.celery import app

    while not app.control.ping(timeout=0.5):
        if worker.poll() is not None:
            raise SystemExit("the worker did not start")
    return worker


def line(fingerprint: str) -> str:
    return json.dumps({"level": "error", "message": f"bench failure {fingerprint}",
                       "exception_type": "BenchError", "fingerprint": fingerprint})  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", type=int, default=50)
    parser.add_argument("--poll", type=float, default=5.0)
    parser.add_argument("--slack", action="store_true", help="a Slack channel (1 msg/s)")
    args = parser.parse_args()

    import django

    django.setup()
    import redis
    from django.conf import settings

    from console.celery import app
    from tests.stubs.loki import LokiStub
    from tests.stubs.server import Reply, Request, StubServer

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    arrived: dict[str, float] = {}

    def receive(request: Request) -> Reply:
        body = json.loads(request.body)
        fingerprint = body["error"]["fingerprint"] if "error" in body else _slack_fp(body)
        arrived.setdefault(fingerprint, time.time())
        return Reply(200, "ok")

    receiver, loki = StubServer().start(), LokiStub()
    loki.start()
    receiver.route("POST", "/hook", receive)
    source_id = prepare(f"{receiver.url}/hook", loki.url, args.poll, args.slack)
    worker = start_worker()
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            app.send_task("errors.poll_source", args=[source_id])
            stop.wait(args.poll)

    threading.Thread(target=beat, daemon=True).start()
    visible: dict[str, float] = {}
    run = int(time.time())
    try:
        time.sleep(args.poll + 1)
        for i in range(args.errors):
            time.sleep(random.uniform(0.5, 1.5))
            fingerprint = f"bench-{run}-{i:03d}"
            loki.push(LABELS, [(time.time_ns(), line(fingerprint))])
            visible[fingerprint] = time.time()
        deadline = time.time() + args.poll + 60
        while len(arrived) < args.errors and time.time() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        receiver.stop()
        loki.stop()
    report(visible, arrived, args.poll)


def _slack_fp(body: dict[str, object]) -> str:
    text = str(body.get("text", ""))
    return text.split("bench failure ")[-1].split(" ")[0]


def report(visible: dict[str, float], arrived: dict[str, float], poll: float) -> None:
    latencies = sorted(arrived[fp] - t for fp, t in visible.items() if fp in arrived)
    missing = len(visible) - len(latencies)
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(f"errors: {len(visible)}  alerts received: {len(latencies)}  missing: {missing}")
    print(f"latency  min {latencies[0]:.2f}s  p50 {p50:.2f}s  p95 {p95:.2f}s  "
          f"max {latencies[-1]:.2f}s  (poll interval {poll:g}s)")  # fmt: skip
    target = poll + 2
    print(f"target p95 < {target:g}s: {'met' if p95 < target and not missing else 'NOT met'}")


if __name__ == "__main__":
    main()
