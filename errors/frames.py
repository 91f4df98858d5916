"""Lay a stack trace out by frame: file, line, function and code, library frames marked.

Traces arrive as text in whatever shape the application logged; we recognise Python's
`File "x", line n, in f` and the `at f (file:line:col)` form of JavaScript and the JVM, and
keep any other line as it is so nothing the application wrote is lost.
"""

import re
from dataclasses import dataclass, field

PYTHON = re.compile(
    r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d{1,9})(?:, in (?P<function>.+))?$'
)
AT = re.compile(
    r"^\s*at (?:(?P<function>[^\s(]+) \()?(?P<file>[^\s()]+?):(?P<line>\d{1,9})(?::\d+)?\)?$"
)
LIBRARY = ("site-packages", "dist-packages", "node_modules", "<frozen", "/usr/lib/", "java.")


@dataclass
class Frame:
    file: str
    line: int
    function: str
    code: str = ""

    @property
    def in_app(self) -> bool:
        return not any(marker in self.file for marker in LIBRARY)


@dataclass
class Trace:
    frames: list[Frame] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def _frame(match: re.Match[str]) -> Frame:
    return Frame(match["file"], int(match["line"]), match["function"] or "")


def parse(text: str | None) -> Trace:
    """Frames in the order written, plus the lines that are not frames (the exception line)."""
    trace = Trace()
    for raw in (text or "").splitlines():
        match = PYTHON.match(raw) or AT.match(raw)
        if match:
            trace.frames.append(_frame(match))
        elif raw.startswith("    ") and trace.frames and not trace.frames[-1].code:
            trace.frames[-1].code = raw.strip()
        elif raw.strip() and not raw.startswith("Traceback (most recent call last)"):
            trace.other.append(raw.rstrip())
    return trace
