"""Entries parsed per second from a 5000-entry Loki query_range answer, on one core.

    .venv/bin/python bench/bench_loki_parse.py

The body has the real fixture's shape (five fraiseql-app streams, ~400-byte JSON error lines,
Loki's full `stats` block). "decode" is bytes → typed StreamsResult (ints, labels, entries);
"decode + merge" also builds the time-ordered LogLines the paging iterator yields.
Target: at least 300,000 entries/s.
"""

import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from logs.loki_decode import decode_query  # noqa: E402
from logs.loki_types import StreamsResult  # noqa: E402

FIXTURE = ROOT.parent / "shared/fixtures/loki/query_range_streams_backward_limit10.json"
ENTRIES = 5000
T0 = 1_795_803_549_517_828_563
FINGERPRINTS = [
    ("db_connection_timeout", "DatabaseConnectionError", "Database connection failed"),
    ("graphql_field_not_found", "GraphQLError", "Cannot query field 'author' on type 'Post'"),
    (
        "none_attribute_tenant_id",
        "AttributeError",
        "'NoneType' object has no attribute 'tenant_id'",
    ),
]
STREAMS = [
    {"env": "dev", "level": "error"},
    {"env": "dev", "level": "warn"},
    {"env": "dev", "level": "info"},
    {"env": "staging", "level": "error"},
    {"env": "prod", "level": "error"},
]


def error_line(i: int) -> str:
    fingerprint, kind, message = FINGERPRINTS[i % len(FINGERPRINTS)]
    return json.dumps(
        {
            "timestamp": f"2026-11-27T18:{i // 600 % 60:02d}:{i // 10 % 60:02d}.{i:06d}Z",
            "level": "error",
            "logger": "fraiseql.errors",
            "message": message,
            "trace_id": f"{i * 7919:032x}",
            "span_id": f"{i * 104729:016x}",
            "exception_type": kind,
            "fingerprint": fingerprint,
            "context": {"user_id": f"user_{i % 97}", "tenant_id": f"tenant_{i % 5}"},
            "stack_trace": f'  File "/app/fraiseql/db/pool.py", line {80 + i % 40}, in run\n{kind}',
        },
        separators=(",", ":"),
    )


def build_body() -> bytes:
    stats = json.loads(FIXTURE.read_text())["body"]["data"]["stats"] if FIXTURE.exists() else {}
    result = [
        {
            "stream": {
                "detected_level": labels["level"],
                "job": "fraiseql-app",
                "service_name": "fraiseql-app",
                **labels,
            },
            "values": [
                [str(T0 - i * 1_000_003), error_line(i)] for i in range(n, ENTRIES, len(STREAMS))
            ],
        }
        for n, labels in enumerate(STREAMS)
    ]
    data = {"resultType": "streams", "result": result, "stats": stats}
    return json.dumps({"status": "success", "data": data}, separators=(",", ":")).encode()


def rate(work: Callable[[], int], runs: int = 40) -> tuple[float, float]:
    """(median, best) entries per second over `runs` timed runs after a warm-up."""
    work()
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        count = work()
        rates.append(count / (time.perf_counter() - started))
    return statistics.median(rates), max(rates)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    body = build_body()
    line_bytes = statistics.mean(len(error_line(i)) for i in range(ENTRIES))

    def decode() -> int:
        result = decode_query(body)
        assert isinstance(result, StreamsResult)
        return result.entry_count

    def decode_and_merge() -> int:
        result = decode_query(body)
        assert isinstance(result, StreamsResult)
        return len(result.lines())

    def stdlib_json() -> int:
        data = json.loads(body)
        return sum(len(s["values"]) for s in data["data"]["result"])

    zipped = len(gzip.compress(body)) / 1e6
    print(f"body: {ENTRIES} entries in {len(STREAMS)} streams, {len(body) / 1e6:.2f} MB")
    print(f"      ({zipped:.2f} MB gzipped), mean line {line_bytes:.0f} bytes")
    print("parser: msgspec", __import__("msgspec").__version__, "typed Structs; one core")
    for name, work in (
        ("decode", decode),
        ("decode + merge", decode_and_merge),
        ("stdlib json.loads (untyped, reference)", stdlib_json),
    ):
        median, best = rate(work)
        print(f"{name:40s} median {median:>12,.0f} entries/s   best {best:>12,.0f}")


if __name__ == "__main__":
    main()
