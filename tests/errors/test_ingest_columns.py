"""The fast path counts exactly what the careful path counts, and leaves it every odd line."""

import gc
import json
import random
from typing import Any

import pytest

from errors.ingest import collector, columns
from errors.ingest.aggregate import HOUR_NS, Window
from errors.ingest.fields import LineFields, mapping_for
from errors.ingest.lookback import KeyRecord
from errors.ingest.streams import StreamTable
from logs.loki_types import Entry, EntryCategories, Stream

T0 = 1_795_800_000 * 10**9 - HOUR_NS // 2
ODD_LINES = [
    "not json",
    '{"level": "info", "message": "fine", "fingerprint": "a"}',
    '{"level": "error", "fingerprint": "a"}',
    '{"level": "error", "message": null, "fingerprint": "a"}',
    '{"level": "error", "message": 42, "fingerprint": "n"}',
    '{"level": "ERROR", "message": "m", "fingerprint": "a"}',
    '{"level": "Warning", "message": "m", "fingerprint": "a"}',
    '{"level": "error", "message": "no fingerprint", "exception_type": "E"}',
    '{"level": "error", "message": "blank", "fingerprint": "  "}',
    '{"level": "error", "message": "caf\ufffd", "fingerprint": "a"}',
    '{"level": "error", "message": "lone \udcff", "fingerprint": "a"}',
    '{"level": "error", "message": "' + "x" * 300_000 + '", "fingerprint": "big"}',
    '{"level": "error", "message": "other name", "error_fingerprint": "b"}',
]


def window(**overrides: Any) -> Window:
    fields = LineFields(mapping_for(overrides))
    return Window("s", fields, StreamTable(["job"], ["env"]), levels=["error"], keep=3)


def line(fingerprint: str, n: int) -> str:
    return json.dumps({"level": "error", "message": f"m {n}", "fingerprint": fingerprint})


def pages(rng: random.Random, odd: float) -> list[list[Stream]]:
    """Pages in time order; streams interleave within each, some carry odd lines."""
    out, ts = [], T0
    for _ in range(6):
        streams: dict[str, list[Entry]] = {"app": [], "worker": [], "cron": []}
        for _ in range(300):
            ts += rng.choice((0, 1, 7_000_000_000))  # equal stamps, and hours crossed
            text = rng.choice(ODD_LINES) if rng.random() < odd else line(rng.choice("abcdef"), ts)
            meta = {"fingerprint": "from-meta"} if rng.random() < 0.05 else {}
            streams[rng.choice(list(streams))].append(Entry(ts, text, EntryCategories(meta)))
        page = [Stream({"job": job, "env": "prod"}, e) for job, e in streams.items() if e]
        rng.shuffle(page)
        out.append(page)
    return out


def summary(counted: Window) -> dict[str, Any]:
    groups = {
        fp: (
            group.count,
            group.hour_counts(),
            group.first[0].ts,
            [(entry.ts, entry.line, stream.labels) for entry, stream in group.recent],
            group.version,
            dict(group.reasons),
        )
        for fp, group in counted.groups.items()
    }
    return {"groups": groups, "read": counted.lines_read, "bad": counted.bad_lines}


def careful_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns.ColumnReader, "read", lambda *args: None)


@pytest.mark.parametrize("odd", [0.0, 0.002, 0.05])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_and_careful_paths_count_the_same(
    monkeypatch: pytest.MonkeyPatch, seed: int, odd: float
) -> None:
    fast, fast_record = window(), KeyRecord(horizon_ns=T0 + HOUR_NS // 4)
    for page in pages(random.Random(seed), odd):
        fast.add_streams(page, fast_record)
    careful_only(monkeypatch)
    careful, careful_record = window(), KeyRecord(horizon_ns=T0 + HOUR_NS // 4)
    for page in pages(random.Random(seed), odd):
        careful.add_streams(page, careful_record)
    assert summary(fast) == summary(careful)
    assert fast.lines_counted == careful.lines_counted
    assert {m: sorted(keys) for m, keys in fast_record.fresh.items()} == {
        m: sorted(keys) for m, keys in careful_record.fresh.items()
    }


def test_a_sweep_skips_streams_counted_before_and_counts_only_the_late_line() -> None:
    page = pages(random.Random(4), 0.0)[0]
    record = KeyRecord(horizon_ns=T0)
    window().add_streams(page, record)
    stored = [b"".join(keys.tobytes() for keys in record.fresh.values())]
    sweep_record = KeyRecord(horizon_ns=T0, known=stored)
    sweep_record.checking = True
    sweep = window()
    sweep.add_streams(page, sweep_record)
    assert (sweep.lines_counted, sweep_record.late) == (0, 0)
    late = Entry(page[0].entries[0].ts, line("late", 0))
    sweep.add_streams([Stream(page[0].labels, [*page[0].entries, late])], sweep_record)
    assert (sweep.lines_counted, sweep_record.late) == (1, 1)
    assert list(sweep.groups) == ["late"]


@pytest.mark.parametrize(
    "text",
    [
        '{"level": "debug", "message": "m", "fingerprint": "a"}',
        '{"level": "error", "message": "", "fingerprint": "a"}',
        '{"level": "error", "message": ["m"], "fingerprint": "a"}',
        '{"level": 3, "message": "m", "fingerprint": "a"}',
        '{"level": "error", "message": "m", "fingerprint": ""}',
        '{"level": "error", "message": "m"} {"message": "two objects"}',
    ],
)
def test_the_fast_path_leaves_odd_lines_to_the_careful_path(text: str) -> None:
    reader = window().columns
    entries = [Entry(T0, line("a", 1)), Entry(T0 + 1, text)]
    stream = StreamTable([], []).info({"job": "app"})
    assert reader.read(entries, stream, None) is None
    assert reader.read(entries[:1], stream, None) is not None


def test_a_nested_message_path_is_required_by_the_fast_decoder() -> None:
    reader = window(message="error.text").columns
    stream = StreamTable([], []).info({"job": "app"})
    good = Entry(T0, '{"error": {"text": "m"}, "fingerprint": "a"}')
    assert reader.read([good], stream, None) is not None
    assert reader.read([Entry(T0, '{"message": "m", "fingerprint": "a"}')], stream, None) is None


def test_several_message_paths_always_take_the_careful_path() -> None:
    counted = window(message=["msg", "message"])
    assert counted.columns.read([Entry(T0, line("a", 1))], counted.streams.info({}), None) is None
    counted.add_streams([Stream({"job": "app"}, [Entry(T0, line("a", 1))])])
    assert counted.groups["a"].count == 1


def test_the_collector_is_paused_inside_polls_and_restored_after() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        raise RuntimeError("a failed poll")
    assert gc.isenabled()
