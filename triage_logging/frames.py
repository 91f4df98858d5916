"""The innermost frames of a stack trace, reduced to what is stable across deployments.

Part of fingerprint version 1. A frame is `file:function`: the file's base name only (checkouts,
virtualenvs and Python versions live under different directories on different machines), never
a line number (any edit above the failing line would move it).
"""

import re

TOP_FRAMES = 5

_TRACEBACK_HEADER = "Traceback (most recent call last):"
# Both start with a newline: `re` jumps from line to line instead of trying every position.
_PYTHON_FRAME = re.compile(r'\n[ \t|+-]*File "(?P<file>[^"\n]+)", line \d+, in (?P<func>[^\n]+)')
_AT_FRAME = re.compile(r"\n[ \t]*at[ \t]+(?P<frame>[^\n]+)")
_LINE_NUMBERS = re.compile(r"(?::\d+)+")
_PACKAGING = re.compile(r"\s+~?\[[^\]]*\]$")
_DIRECTORIES = re.compile(r"[^\s()\[\]]*[/\\]")
_STDLIB = re.compile(r"[/\\]lib[/\\]python\d+(?:\.\d+)?[/\\](?!(?:site|dist)-packages)|^<frozen ")
_THIRD_PARTY = re.compile(r"[/\\](?:site|dist)-packages[/\\]")


def _basename(path: str) -> str:
    return re.split(r"[/\\]", path)[-1]


def _python_frames(stack_trace: str) -> list[str]:
    """Innermost last, as Python prints them; application frames preferred over libraries."""
    start = stack_trace.rfind(_TRACEBACK_HEADER)
    section = stack_trace[start:] if start >= 0 else stack_trace
    frames = [(m["file"], m["func"].strip()) for m in _PYTHON_FRAME.finditer("\n" + section)]
    ours = [f for f in frames if not _STDLIB.search(f[0])] or frames
    application = [f for f in ours if not _THIRD_PARTY.search(f[0])] or ours
    return [f"{_basename(file)}:{func}" for file, func in application[-TOP_FRAMES:]]


def _at_frames(stack_trace: str) -> list[str]:
    """Java, JavaScript and .NET print `at ...` lines, innermost first."""
    frames = []
    for match in _AT_FRAME.finditer("\n" + stack_trace):
        located = _LINE_NUMBERS.sub("", _PACKAGING.sub("", match["frame"].strip()))
        frame = _DIRECTORIES.sub("", located)
        frames.append(frame)
        if len(frames) == TOP_FRAMES:
            break
    return frames


def top_frames(stack_trace: str) -> tuple[str, ...]:
    """The innermost frames of the (last) exception in a stack trace, innermost last."""
    frames = _python_frames(stack_trace)
    if not frames:
        frames = _at_frames(stack_trace)[::-1]
    return tuple(frames)
