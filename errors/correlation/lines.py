"""One Loki line made fit to show: clean text, short form, JSON pretty view, level, links.

Everything a line carries is text for the template to escape; here it is only made safe to
*read*: terminal colour codes and other control characters are taken out (they would hide or
fake text), lone surrogates become U+FFFD (they cannot be sent as UTF-8 at all), and very
long lines are cut with the rest one click away.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

import msgspec

from errors.correlation.times import stamp
from logs.loki_types import LogLine
from traces.tempo_errors import InvalidTraceId
from traces.trace_ids import normalize_trace_id

SHORT_CHARS = 2_000
FULL_CHARS = 100_000
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SURROGATES = re.compile(r"[\ud800-\udfff]")
LEVEL_KEYS = ("level", "severity", "lvl", "levelname")
LEVELS = {"warn": "warning", "err": "error", "crit": "critical", "fatal": "critical"}
MESSAGE_KEYS = ("message", "msg", "event")
FINGERPRINT_KEYS = ("fingerprint", "error_fingerprint")
QUIET_LABELS = frozenset({"level", "detected_level", "service_name"})
NO_LABELS: Mapping[str, str] = {}


def clean(text: str) -> str:
    """No ANSI sequences, no control characters but tab and newline, no lone surrogates."""
    text = SURROGATES.sub("\ufffd", text)
    text = ANSI.sub("", text)
    return CONTROLS.sub(_picture, text)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


@dataclass(frozen=True, slots=True)
class ShownLine:
    """Flat on purpose: a row is drawn a hundred times, each attribute lookup costs."""

    ts: int
    short: str
    full: str
    iso: str
    level: str
    css: str
    text: str
    rest: str
    hidden_chars: int
    pretty: str
    fingerprint: str
    trace_id: str
    span_id: str
    labels: tuple[tuple[str, str], ...]
    hit: bool

    @property
    def tagged(self) -> bool:
        return bool(self.labels or self.fingerprint or self.trace_id)


def show(
    line: LogLine,
    zone: tzinfo,
    *,
    anchor_ns: int = -1,
    anchor_labels: Mapping[str, str] = NO_LABELS,
) -> ShownLine:
    """The line as the row template wants it; `hit` marks the anchor's own line."""
    raw = clean(line.line)
    record = _record(raw)
    fields = {**line.metadata, **line.parsed}
    text = _summary(record, raw) if record is not None else raw
    pretty = _pretty(raw) if record is not None else ""
    full = raw if record is None else ""
    when = stamp(line.ts, zone)
    level = _level(record, line.labels, fields)
    hit = line.ts == anchor_ns and _within(anchor_labels, line.labels)
    return ShownLine(
        ts=line.ts,
        short=when.short,
        full=when.full,
        iso=when.iso,
        level=level,
        css=f"ll lv-{level or 'none'}{' hit' if hit else ''}",
        text=text[:SHORT_CHARS],
        rest=full[:FULL_CHARS] if len(full) > SHORT_CHARS else "",
        hidden_chars=max(0, len(full) - FULL_CHARS),
        pretty=pretty,
        fingerprint=_first(record, fields, FINGERPRINT_KEYS),
        trace_id=_trace_id(_first(record, fields, ("trace_id", "traceId", "traceID"))),
        span_id=_first(record, fields, ("span_id", "spanId", "spanID"))[:32],
        labels=tuple(
            (k, clean(v))
            for k, v in sorted(line.labels.items())
            if k not in QUIET_LABELS and anchor_labels.get(k) != v
        ),
        hit=hit,
    )


def _record(text: str) -> dict[str, Any] | None:
    """The line's JSON object (msgspec: C speed, and strict about what JSON is)."""
    if not text.startswith("{"):
        return None
    try:
        record = msgspec.json.decode(text)
    except msgspec.DecodeError:
        return None
    return record if isinstance(record, dict) else None


def _summary(record: dict[str, Any], raw: str) -> str:
    for key in MESSAGE_KEYS:
        if isinstance(record.get(key), str) and record[key]:
            return clean(record[key])
    return raw


def _pretty(raw: str) -> str:
    """The line indented as it is (escapes kept), so the pretty view adds nothing of its own."""
    text = msgspec.json.format(raw, indent=2)
    if len(text) > FULL_CHARS:
        text = f"{text[:FULL_CHARS]}\n… {len(text) - FULL_CHARS} more characters"
    return text


def _first(record: dict[str, Any] | None, fields: Mapping[str, str], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = (record or {}).get(key) or fields.get(key)
        if isinstance(value, str) and value:
            return clean(value)[:500]
    return ""


def _level(
    record: dict[str, Any] | None, labels: Mapping[str, str], fields: Mapping[str, str]
) -> str:
    """The line's own level first, then the stream's, then the one Loki detected."""
    detected = fields.get("detected_level") or labels.get("detected_level", "")
    name = (_first(record, labels, LEVEL_KEYS) or detected).lower()[:12]
    return LEVELS.get(name, name) if name != "unknown" else ""


def _trace_id(value: str) -> str:
    try:
        return normalize_trace_id(value) if value else ""
    except InvalidTraceId:
        return ""


def _within(anchor: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return bool(anchor) and all(labels.get(k) == v for k, v in anchor.items())


def common_labels(lines: list[LogLine]) -> dict[str, str]:
    """Labels every line shares: said once by the query, not again on each row."""
    if not lines:
        return {}
    shared = set(lines[0].labels.items())
    for line in lines[1:]:
        shared &= line.labels.items()
    return dict(shared)
