"""Counting a page stream by stream (unmerged) gives what counting it in time order gives."""

import json
from typing import Any

from errors.ingest.aggregate import HOUR_NS, Window
from errors.ingest.fields import LineFields, mapping_for
from errors.ingest.lookback import KeyRecord
from errors.ingest.streams import StreamTable
from logs.loki_types import Entry, EntryCategories, LogLine, Stream

APP, WORKER = {"job": "app", "env": "prod"}, {"job": "worker", "env": "dev"}
T0 = 1_795_800_000 * 10**9 - 3 * HOUR_NS // 2


def window(keep: int = 3) -> Window:
    fields = LineFields(mapping_for({}))
    return Window("s", fields, StreamTable(["job"], ["env"]), levels=["error"], keep=keep)


def line(fingerprint: str, n: int) -> str:
    return json.dumps({"level": "error", "message": f"failed {n}", "fingerprint": fingerprint})


def streams() -> list[Stream]:
    """Two streams whose times interleave across an hour boundary; `worker` comes second but
    holds both the oldest and the newest lines of fingerprint `a`."""
    app = [(T0 + i * 600 * 10**9, line("a" if i % 2 else "b", i)) for i in range(8)]
    worker = [Entry(T0 - 10**9 + i * 700 * 10**9, line("a", 100 + i)) for i in range(8)]
    meta = EntryCategories({"fingerprint": "from-metadata"})
    worker.insert(1, Entry(T0 + 5, '{"level": "error", "message": "m"}', meta))
    worker.append(Entry(T0 + 2 * HOUR_NS, '{"level": "error", "message": "no fingerprint"}'))
    worker.append(Entry(T0 + 2 * HOUR_NS + 1, "not json"))
    return [Stream(APP, [Entry(ts, text) for ts, text in app]), Stream(WORKER, worker)]


def summary(counted: Window) -> dict[str, Any]:
    return {
        fp: (
            group.count,
            group.hour_counts(),
            group.first[0].ts,
            [(entry.ts, stream.labels) for entry, stream in group.recent],
            group.last_ts,
        )
        for fp, group in counted.groups.items()
    }


def in_time_order(page: list[Stream]) -> list[LogLine]:
    merged = [
        LogLine(e.ts, e.line, s.labels, e.categories.metadata if e.categories else {}, {})
        for s in page
        for e in s.entries
    ]
    return sorted(merged, key=lambda item: item.ts)


def test_streams_in_any_order_count_as_the_merged_lines() -> None:
    page = streams()
    by_stream, merged, reversed_streams = window(), window(), window()
    by_stream.add_streams(page)
    merged.add(in_time_order(page))
    reversed_streams.add_streams(page[::-1])
    assert summary(by_stream) == summary(merged) == summary(reversed_streams)
    assert by_stream.lines_counted == merged.lines_counted == 19
    assert by_stream.bad_lines == 1
    a = by_stream.groups["a"]
    assert a.first[0].ts == T0 - 10**9
    assert [entry.ts for entry, _ in a.recent] == sorted(entry.ts for entry, _ in a.recent)


def test_a_page_split_over_two_adds_keeps_the_newest_lines() -> None:
    page = streams()
    whole, halves = window(keep=2), window(keep=2)
    whole.add_streams(page)
    halves.add_streams(page[1:])
    halves.add_streams(page[:1])
    assert summary(whole) == summary(halves)


def test_the_lookback_record_sees_each_stream_line_once() -> None:
    page = streams()
    record = KeyRecord(horizon_ns=T0)
    first = window()
    first.add_streams(page, record)
    stored = [b"".join(keys.tobytes() for keys in record.fresh.values())]
    again = KeyRecord(horizon_ns=T0, known=stored)
    again.checking = True
    late = Entry(T0 + 1, line("a", 999))
    sweep = window()
    sweep.add_streams([*page, Stream(APP, [late])], again)
    assert (sweep.lines_counted, again.late) == (1, 1)
    assert [entry for entry, _ in sweep.groups["a"].recent] == [late]
