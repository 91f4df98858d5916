"""The stub Loki's store: a LogQL subset and Loki's query semantics over in-memory streams.

Faithful where tests depend on it: start inclusive, end exclusive, `limit` over all streams,
equal timestamps ordered by stream labels, streams sorted by labels, structured metadata merged
into labels unless `categorize-labels`, `service_name`/`detected_level` added, exact duplicates
dropped, Loki's error texts, and `stats` in the real shape.
"""

import bisect
import copy
import heapq
import itertools
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.stubs.server import FIXTURES

HOUR_NS = 3600 * 10**9
LABEL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Loki's discover_service_name defaults, in order.
SERVICE_LABELS = ("service_name", "service", "app", "application", "name")
SERVICE_LABELS += ("app_kubernetes_io_name", "container", "container_name", "component")
SERVICE_LABELS += ("workload", "job")
LEVEL_KEYS = ("level", "LEVEL", "Level", "severity", "SEVERITY", "lvl", "LVL", "Lvl")
LINE_LEVEL = re.compile(r'"(?:level|severity|lvl)"\s*:\s*"(\w+)"|\blevel=(\w+)', re.IGNORECASE)
TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|`[^`]*`)|(?P<op>=~|!~|!=|\|=|\|~|=|[{},|])"""
    r"""|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<bad>\S))""",
    re.S,
)
ESCAPES = dict(zip("abfnrtv\\'\"", "\a\b\f\n\r\t\v\\'\"", strict=True))
EMPTY_MATCHER = (
    "parse error : queries require at least one regexp or equality matcher that does not have an "
    'empty-compatible value. For instance, app=~".*" does not meet this requirement, but '
    'app=~".+" will'
)


class LokiBadRequest(Exception):
    """Becomes a 400 text/plain answer, as Loki sends its errors."""


def _unquote(token: str) -> str:
    """A LogQL string literal: Go's double-quoted escapes, or a raw `backtick` string."""
    if token[0] == "`":
        return token[1:-1]
    out, body, i = [], token[1:-1], 0
    while i < len(body):
        if body[i] != "\\":
            out.append(body[i])
            i += 1
        elif body[i + 1] in ESCAPES:
            out.append(ESCAPES[body[i + 1]])
            i += 2
        elif body[i + 1] in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[body[i + 1]]
            out.append(chr(int(body[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        else:
            out.append(chr(int(body[i + 1 : i + 4], 8)))
            i += 4
    return "".join(out)


@dataclass
class Selector:
    matchers: list[tuple[str, str, str]] = field(default_factory=list)
    filters: list[tuple[str, str]] = field(default_factory=list)

    def matches(self, labels: dict[str, str]) -> bool:
        return all(_match(op, labels.get(name, ""), value) for name, op, value in self.matchers)

    def keep(self, line: str) -> bool:
        return all(_keep(op, line, text) for op, text in self.filters)


def _match(op: str, actual: str, value: str) -> bool:
    found = {"=": actual == value, "!=": actual != value}.get(op)
    if found is None:
        full = re.fullmatch(value, actual, re.S) is not None
        found = full if op == "=~" else not full
    return found


def _keep(op: str, line: str, text: str) -> bool:
    if op in ("|=", "!="):
        return (text in line) == (op == "|=")
    return (re.search(text, line) is not None) == (op == "|~")


def parse_query(query: str, *, filters: bool = True) -> Selector:
    """`{a="x", b=~"y.*"} |= "text" !~ "re"`; anything more is refused with a 400."""
    tokens = [
        (m.lastgroup, m.group(m.lastgroup or 0), m.start(m.lastgroup or 0))
        for m in TOKEN.finditer(query)
        if m.lastgroup
    ]
    tokens.append(("end", "", len(query)))
    pos = 0

    def take(*kinds: str) -> str:
        nonlocal pos
        kind, text, at = tokens[pos]
        if kind not in kinds and text not in kinds:
            shown = "end of input" if kind == "end" else text
            raise LokiBadRequest(
                f"parse error at line 1, col {at + 1}: syntax error: unexpected {shown}"
            )
        pos += 1
        return text

    selector = Selector()
    take("{")
    while tokens[pos][1] != "}":
        name, op = take("name"), take("=", "!=", "=~", "!~")
        selector.matchers.append((name, op, _unquote(take("str"))))
        if tokens[pos][1] != "}":
            take(",")
    take("}")
    while filters and tokens[pos][1] in ("|=", "!=", "|~", "!~"):
        op = take("|=", "!=", "|~", "!~")
        selector.filters.append((op, _unquote(take("str"))))
    if tokens[pos][0] != "end":
        raise LokiBadRequest(f"stub Loki supports only selectors and line filters, not {query!r}")
    if not any(op in ("=", "=~") and not _match(op, "", v) for _, op, v in selector.matchers):
        raise LokiBadRequest(EMPTY_MATCHER)
    return selector


def parse_time(params: dict[str, list[str]], name: str, default: int) -> int:
    """Loki's rules: ns or s integers (by length), float seconds, or RFC 3339."""
    value = params.get(name, [""])[0]
    if not value:
        return default
    if value.isdigit():
        return int(value) * 10**9 if len(value) <= 10 else int(value)
    try:
        return int(float(value) * 10**9)
    except ValueError:
        pass
    try:
        return int(datetime.fromisoformat(value).timestamp() * 10**9)
    except ValueError:
        error = f'strconv.ParseInt: parsing "{value}": invalid syntax'
        raise LokiBadRequest(f"could not parse '{name}' parameter: {error}") from None


def label_string(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(labels.items())) + "}"


def _detected_level(labels: dict[str, str], metadata: dict[str, str], line: str) -> str:
    for source in (labels, metadata):
        for key in LEVEL_KEYS:
            if source.get(key):
                return source[key].lower()
    found = LINE_LEVEL.search(line)
    return (found.group(1) or found.group(2)).lower() if found else "unknown"


@dataclass
class StoredStream:
    labels: dict[str, str]
    key: str
    ts: list[int] = field(default_factory=list)
    entries: list[tuple[str, dict[str, str]]] = field(default_factory=list)


Hit = tuple[int, StoredStream, str, dict[str, str]]


class LokiStore:
    """One tenant's streams, each a timestamp-sorted list (push order kept within a timestamp)."""

    def __init__(self) -> None:
        self.streams: dict[str, StoredStream] = {}
        self.log: list[Hit] = []
        self.lock = threading.Lock()

    def push(self, labels: dict[str, str], entries: list[tuple[Any, ...]]) -> None:
        labels = dict(labels)
        if "service_name" not in labels:
            service = next((labels[k] for k in SERVICE_LABELS if labels.get(k)), "unknown_service")
            labels["service_name"] = service
        key = label_string(labels)
        with self.lock:
            stream = self.streams.setdefault(key, StoredStream(labels, key))
            for ts, line, *rest in entries:
                metadata = dict(rest[0]) if rest else {}
                metadata.setdefault("detected_level", _detected_level(labels, metadata, line))
                at = bisect.bisect_right(stream.ts, ts)
                twin = at - 1
                while twin >= 0 and stream.ts[twin] == ts:
                    if stream.entries[twin][0] == line:
                        break
                    twin -= 1
                else:
                    stream.ts.insert(at, ts)
                    stream.entries.insert(at, (line, metadata))
                    self.log.append((ts, stream, line, metadata))

    def select(
        self, selector: Selector, start: int, end: int, forward: bool, limit: int
    ) -> tuple[list[Hit], int, int]:
        """The first `limit` entries of [start, end) in direction order, and lines/bytes scanned."""
        scanned = [0, 0]

        def walk(stream: StoredStream) -> Iterator[Hit]:
            lo, hi = bisect.bisect_left(stream.ts, start), bisect.bisect_left(stream.ts, end)
            for i in range(lo, hi) if forward else range(hi - 1, lo - 1, -1):
                line, metadata = stream.entries[i]
                scanned[0] += 1
                scanned[1] += len(line)
                if selector.keep(line):
                    yield stream.ts[i], stream, line, metadata

        with self.lock:
            walks = [walk(s) for s in self.streams.values() if selector.matches(s.labels)]
            order: Callable[[Hit], tuple[int, str]] = (
                (lambda h: (h[0], h[1].key)) if forward else (lambda h: (-h[0], h[1].key))
            )
            hits = list(itertools.islice(heapq.merge(*walks, key=order), limit))
        return hits, scanned[0], scanned[1]

    def matching(self, selectors: list[Selector], start: int, end: int) -> list[StoredStream]:
        with self.lock:
            return [
                s
                for s in self.streams.values()
                if (not selectors or any(x.matches(s.labels) for x in selectors))
                and bisect.bisect_left(s.ts, start) < bisect.bisect_left(s.ts, end)
            ]


def _zeroed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _zeroed(v) for k, v in value.items()}
    return False if isinstance(value, bool) else 0


STATS_TEMPLATE = _zeroed(
    json.loads((FIXTURES / "loki" / "query_range_streams_backward_limit10.json").read_text())[
        "body"
    ]["data"]["stats"]
)


def streams_body(
    hits: list[Hit], categorize: bool, lines: int, size: int, took: float
) -> dict[str, Any]:
    """The response shape of a real query_range over streams."""
    groups: dict[str, tuple[dict[str, str], list[list[Any]]]] = {}
    for ts, stream, line, metadata in hits:
        labels = stream.labels if categorize else {**stream.labels, **metadata}
        value: list[Any] = (
            [str(ts), line, {"structuredMetadata": metadata}]
            if categorize and metadata
            else [str(ts), line]
        )
        groups.setdefault(label_string(labels), (dict(sorted(labels.items())), []))[1].append(value)
    stats = copy.deepcopy(STATS_TEMPLATE)
    stats["summary"].update(
        totalEntriesReturned=len(hits),
        totalLinesProcessed=lines,
        totalPostFilterLines=len(hits),
        totalBytesProcessed=size,
        execTime=took,
        splits=1,
        shards=1,
    )
    data: dict[str, Any] = {"resultType": "streams"}
    if categorize:
        data["encodingFlags"] = ["categorize-labels"]
    data["result"] = [{"stream": g[0], "values": g[1]} for _, g in sorted(groups.items())]
    data["stats"] = stats
    return {"status": "success", "data": data}
