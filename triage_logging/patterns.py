"""The two kinds of scrubbing pattern, built for speed: every log line passes through them.

Python's `re` is fast only when a pattern starts with a literal it can jump to; a pattern that
starts with a character class is attempted at nearly every position. So a `ScrubPattern` may
name a cheap `prefilter` that must match first, or `anchors`: literals every match contains
(the `@` of an e-mail address), where the regex is then tried, reaching back over `lead`
characters. (Secrets in `key=value` form are found from their separator: key_values.py.)
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class Scrubber(Protocol):
    """Anything `scrub` can run: a name and a text-to-text function."""

    @property
    def name(self) -> str: ...

    def apply(self, text: str) -> str: ...


@dataclass(frozen=True, slots=True)
class ScrubPattern:
    """One kind of sensitive text; `replacement` is an `re.sub` template. A `validate` check
    judges what a regex cannot (a card number's checksum); a failing match is left alone."""

    name: str
    regex: re.Pattern[str]
    replacement: str
    validate: Callable[[str], bool] | None = None
    prefilter: re.Pattern[str] | None = None
    anchors: tuple[str, ...] = ()
    lead: str = ""
    lead_letters: bool = False
    max_lead: int = 64
    _cased: bool = field(init=False, repr=False, compare=False)
    _literal: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cased", any(a != a.upper() for a in self.anchors))
        object.__setattr__(self, "_literal", "\\" not in self.replacement)

    def apply(self, text: str) -> str:
        if self.prefilter is not None and self.prefilter.search(text) is None:
            return text
        if not self.anchors:
            return self.regex.sub(self._replace if self.validate else self.replacement, text)
        haystack = text.lower() if self._cased else text
        if len(haystack) != len(text):  # a few characters lower-case to two
            return self.regex.sub(self._replace, text)
        starts = []
        for anchor in self.anchors:
            index = haystack.find(anchor)
            while index != -1:
                starts.append(index)
                index = haystack.find(anchor, index + 1)
        return self._apply_at(text, sorted(starts)) if starts else text

    def _apply_at(self, text: str, anchors: list[int]) -> str:
        """Try the regex once per anchor, from as far back as `lead` characters reach."""
        pieces: list[str] = []
        done = 0
        lead, match_at = self.lead, self.regex.match
        for at in anchors:
            if at < done:
                continue
            limit = max(done, at - self.max_lead)
            start = _reach_back(text, limit, at, lead, self.lead_letters)
            match = match_at(text, start)
            if match is not None:
                pieces += (text[done : match.start()], self._replace(match))
                done = match.end()
        if not pieces:
            return text
        pieces.append(text[done:])
        return "".join(pieces)

    def _replace(self, match: re.Match[str]) -> str:
        if self.validate is not None and not self.validate(match[0]):
            return match[0]
        return self.replacement if self._literal else match.expand(self.replacement)


def _reach_back(text: str, limit: int, at: int, lead: str, letters: bool) -> int:
    """Where the run of `lead` characters that ends at `at` starts (not before `limit`); with
    `letters`, any letter or digit belongs to the run too (`\\w`), looked at only where the
    fast ASCII step stopped on one."""
    if not lead:
        return at
    start = limit + len(text[limit:at].rstrip(lead))
    while letters and start > limit and (text[start - 1].isalnum() or text[start - 1] in lead):
        start -= 1
    return start
