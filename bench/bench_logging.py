"""How fast the logging kit is: formatted lines per second on one core, and fingerprints per second.

    .venv/bin/python bench/bench_logging.py [--seconds 2]

Lines are 500-byte messages from a checkout service with a small `extra` context, formatted by
JSONFormatter with and without scrubbing. "typical" lines hold ids, numbers, UUIDs, URLs and
durations but no personal data; "with PII" lines also carry an e-mail address, a card number
and a bearer token, so every scrubbing pattern has work to do. The fingerprint figures are the
console poller's path: `fingerprint_fields` on parsed lines.
"""

import argparse
import io
import logging
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from triage_logging import JSONFormatter, fingerprint_fields

MESSAGE_BYTES = 500
TEMPLATE = (
    "GET /api/v1/orders/{order}/items?page={page} completed with status 200 in {ms} ms for "
    "tenant acme-corp (request {uuid}, user {user}, region eu-west-1); cache hit ratio 0.{ratio}, "
    "{queries} db queries took {db} ms, inventory-service answered in {up} ms after {retries} "
    "retries, payload {size} bytes, flags checkout_v2 and fast_shipping on, client app/5.12.3 "
)
PII = (
    "contact jane.doe@example.com paid with 4111 1111 1111 1111, Authorization: Bearer s3cr3tvalue "
)


def message(rng: random.Random, pii: bool) -> str:
    text = TEMPLATE.format(
        order=rng.randint(10_000, 99_999),
        page=rng.randint(1, 9),
        ms=rng.randint(5, 900),
        uuid=f"{rng.getrandbits(128):032x}",
        user=rng.randint(1, 50_000),
        ratio=rng.randint(10, 99),
        queries=rng.randint(1, 40),
        db=rng.randint(1, 300),
        up=rng.randint(1, 500),
        retries=rng.randint(0, 3),
        size=rng.randint(100, 90_000),
    )
    if pii:
        text = PII + text
    return (text * 2)[:MESSAGE_BYTES]


def records(pii: bool, count: int = 1_000) -> list[logging.LogRecord]:
    rng = random.Random(3)
    return [
        logging.makeLogRecord(
            {
                "name": "shop.checkout",
                "levelno": logging.INFO,
                "levelname": "INFO",
                "msg": message(rng, pii),
                "user_id": rng.randint(1, 50_000),
                "tenant_id": "acme-corp",
                "operation": "checkout",
            }
        )
        for _ in range(count)
    ]


def rate(work: Callable[[], int], seconds: float) -> float:
    """Items per CPU-second of this (single-threaded) process in its fastest batch within
    `seconds`: like timeit's minimum, the figure least disturbed by other processes."""
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.process_time()
        done = work()
        best = max(best, done / max(time.process_time() - started, 1e-9))
    return best


def format_all(formatter: logging.Formatter, batch: list[logging.LogRecord]) -> Callable[[], int]:
    def work() -> int:
        for record in batch:
            formatter.format(record)
        return len(batch)

    return work


def through_logger(scrub: bool, pii: bool) -> Callable[[], int]:
    """The whole path an application pays: logger.info -> handler -> formatter -> stream."""
    logger = logging.getLogger(f"bench.{scrub}.{pii}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(JSONFormatter(scrub=scrub))
    logger.handlers = [handler]
    batch = [(r.msg, {"user_id": r.user_id, "tenant_id": "acme-corp"}) for r in records(pii)]

    def work() -> int:
        handler.stream = io.StringIO()
        for msg, extra in batch:
            logger.info(msg, extra=extra)
        return len(batch)

    return work


def fingerprints(kind: str) -> Callable[[], int]:
    """Explicit fingerprints; computed ones for 50 messages seen over and over (cache hits); and
    computed ones for 5,000 distinct messages cycled through (more than the cache holds)."""
    trace = 'Traceback (most recent call last):\n  File "/app/shop/pay.py", line 12, in charge\n'
    count = 5_000 if kind == "unique" else 1_000
    if kind == "explicit":
        lines = [{"fingerprint": f"app_error_{i % 50}", "message": "x"} for i in range(count)]
    else:
        lines = [
            {
                "exception_type": "TimeoutError",
                "message": f"payment {i if kind == 'unique' else i % 50} timed out for tenant {i}",
                "stack_trace": trace + "TimeoutError: timed out\n",
            }
            for i in range(count)
        ]

    def work() -> int:
        for line in lines:
            fingerprint_fields(line)
        return len(lines)

    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each run")
    seconds = parser.parse_args().seconds
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"Python {sys.version.split()[0]}, one core (CPU time), {MESSAGE_BYTES}-byte messages")
    for pii in (False, True):
        batch = records(pii)
        label = "with PII" if pii else "typical"
        for scrub in (False, True):
            formatted = rate(format_all(JSONFormatter(scrub=scrub), batch), seconds)
            logged = rate(through_logger(scrub, pii), seconds)
            print(
                f"{label:>9} lines, scrubbing {'on ' if scrub else 'off'}: "
                f"{formatted:>9,.0f} lines/s formatted, {logged:>9,.0f} lines/s via logger.info"
            )
    for kind in ("explicit", "repeated", "unique"):
        print(
            f"fingerprint_fields, {kind:>8} lines: {rate(fingerprints(kind), seconds):>11,.0f} /s"
        )


if __name__ == "__main__":
    main()
