"""Message parameterisation: the variable parts of a message must not split an error group.

Follows Sentry's parameteriser (as vendored by Bugsink): keep the first two non-empty lines and
replace e-mails, URLs, UUIDs, dates, times, IPs, durations, hex, quoted strings and numbers with
placeholders. Part of fingerprint version 1: changing it means bumping FINGERPRINT_VERSION.
"""

import re

# "Not preceded / followed by a letter or digit": unlike \b, an underscore is a separator,
# so `order_42` and `order_43` normalise alike.
_NOT_AFTER_ALNUM = r"(?<![^\W_])"
_NOT_BEFORE_ALNUM = r"(?![^\W_])"

_PARAMETERS = re.compile(
    rf"""
    (?P<email>[\w.+%-]{{1,64}}@[\w-]{{1,63}}(?:\.[\w-]{{1,63}})+)
    |(?P<url>\b[a-zA-Z][a-zA-Z0-9+.-]{{1,20}}://[^\s'"<>]+)
    |(?P<uuid>{_NOT_AFTER_ALNUM}[0-9a-fA-F]{{8}}-?[0-9a-fA-F]{{4}}-?[0-9a-fA-F]{{4}}-?
        [0-9a-fA-F]{{4}}-?[0-9a-fA-F]{{12}}{_NOT_BEFORE_ALNUM})
    |(?P<date>{_NOT_AFTER_ALNUM}(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})
        (?:[T\ ]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:[.,]\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?
        {_NOT_BEFORE_ALNUM})
    |(?P<time>{_NOT_AFTER_ALNUM}\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?{_NOT_BEFORE_ALNUM})
    |(?P<ip>{_NOT_AFTER_ALNUM}\d{{1,3}}(?:\.\d{{1,3}}){{3}}(?::\d{{1,5}})?{_NOT_BEFORE_ALNUM}
        |(?<![\w:])(?:[0-9a-fA-F]{{0,4}}:){{2,7}}[0-9a-fA-F]{{0,4}}(?![\w:]))
    |(?P<duration>{_NOT_AFTER_ALNUM}\d+(?:\.\d+)?\ ?
        (?:ns|us|µs|ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b)
    |(?P<hex>{_NOT_AFTER_ALNUM}(?:0[xX][0-9a-fA-F]+
        |(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{{8,}}){_NOT_BEFORE_ALNUM})
    |(?P<quoted>(?<!\w)(?:'[^'\n]*'|"[^"\n]*")(?!\w))
    |(?P<float>{_NOT_AFTER_ALNUM}\d+\.\d+(?:[eE][-+]?\d+)?{_NOT_BEFORE_ALNUM})
    |(?P<int>{_NOT_AFTER_ALNUM}\d+{_NOT_BEFORE_ALNUM})
    """,
    re.VERBOSE,
)


# Every variable part above contains one of these, and starts in the run of `_lead` characters
# right before the first of them: the regex need only be tried there (`parameterise`).
_MARKS = re.compile(r"[\d'\"@:]")


def _lead(char: str) -> bool:
    return char.isalnum() or char in "_.+%-"


def _placeholder(match: re.Match[str]) -> str:
    return f"<{match.lastgroup}>"


def parameterise(text: str) -> str:
    """`_PARAMETERS.sub(_placeholder, text)`, several times faster: instead of trying the
    regex at every position, try it only from the start of the word around each mark, and
    never at the same position twice."""
    pieces: list[str] = []
    done = tried = 0
    for mark in _MARKS.finditer(text):
        at = mark.start()
        if at < tried:
            continue
        start = at
        while start > tried and _lead(text[start - 1]):
            start -= 1
        for position in range(start, at + 1):
            match = _PARAMETERS.match(text, position)
            if match is not None:
                pieces += (text[done:position], _placeholder(match))
                done = tried = match.end()
                break
        else:
            tried = at + 1
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def normalise_message(message: str) -> str:
    """The message with its variable parts replaced, so that one bug makes one group."""
    lines: list[str] = []
    for line in message.splitlines():
        stripped = line.strip()
        if stripped:
            lines.append(stripped)
            if len(lines) == 2:
                break
    return parameterise("\n".join(lines))
