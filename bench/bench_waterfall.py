"""Time to read a large trace reply and build its waterfall (no Tempo, no Django needed).

    .venv/bin/python bench/bench_waterfall.py [spans]

A synthetic v2 reply in Tempo's own shape (base64 ids, string integers, 8 services, a random
tree up to 30 deep, an exception every 50 spans) is parsed and laid out several times.
"""

import base64
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from traces.otlp import parse_trace
from traces.waterfall import build_waterfall

T0 = 1_795_803_564_255_029_086


def reply(spans: int, seed: int = 7) -> tuple[bytes, str]:
    rng = random.Random(seed)
    trace_id = rng.randbytes(16)
    ids = [rng.randbytes(8) for _ in range(spans)]
    depth = [0] * spans
    by_service: dict[int, list[dict[str, object]]] = {}
    for index, span_id in enumerate(ids):
        parent = rng.randrange(index) if index else None
        while parent is not None and depth[parent] >= 30:
            parent = rng.randrange(index)
        depth[index] = 0 if parent is None else depth[parent] + 1
        start = T0 + index * 1_000 + rng.randrange(1_000_000)
        span: dict[str, object] = {
            "traceId": base64.b64encode(trace_id).decode(),
            "spanId": base64.b64encode(span_id).decode(),
            "name": f"op-{index % 40}",
            "kind": "SPAN_KIND_INTERNAL",
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(start + rng.randrange(10_000_000)),
            "attributes": [{"key": "n", "value": {"intValue": str(index)}}],
            "status": {"code": "STATUS_CODE_ERROR"} if index % 50 == 0 else {},
        }
        if parent is not None:
            span["parentSpanId"] = base64.b64encode(ids[parent]).decode()
        if index % 50 == 0:
            event_attrs = [{"key": "exception.type", "value": {"stringValue": "Boom"}}]
            span["events"] = [
                {"timeUnixNano": str(start), "name": "exception", "attributes": event_attrs}
            ]
        by_service.setdefault(index % 8, []).append(span)
    resource_spans = [
        {
            "resource": {
                "attributes": [{"key": "service.name", "value": {"stringValue": f"s{k}"}}]
            },
            "scopeSpans": [{"scope": {"name": "bench"}, "spans": spans_of}],
        }
        for k, spans_of in by_service.items()
    ]
    body = {"trace": {"resourceSpans": resource_spans}, "metrics": {}}
    return json.dumps(body).encode(), trace_id.hex()


def main() -> None:
    spans = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    body, trace_id = reply(spans)
    parse_times, layout_times = [], []
    for _ in range(5):
        started = time.perf_counter()
        trace = parse_trace(body, trace_id)
        parsed = time.perf_counter()
        assert trace is not None
        waterfall = build_waterfall(trace)
        parse_times.append(parsed - started)
        layout_times.append(time.perf_counter() - parsed)
    assert waterfall.summary.span_count == spans
    print(f"{spans} spans, {len(body) / 1e6:.1f} MB JSON")
    print(f"parse   best {min(parse_times) * 1e3:7.1f} ms")
    print(f"layout  best {min(layout_times) * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
