"""Text that is safe inside Slack mrkdwn: log lines and messages are written by anyone.

Slack reads `&`, `<` and `>` as control characters (`<!channel>`, `<url|label>`), so they are
escaped; triple backticks would close our code block, control characters garble it.
"""

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ZWSP = "\u200b"
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape Slack's three control characters; keep everything else as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def one_line(text: str, limit: int) -> str:
    """First line only, control characters dropped, cut to `limit` before escaping."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return escape(truncate(_CONTROL.sub("", first), limit))


def code_line(text: str, limit: int) -> str:
    """A log line for a ``` block: tabs kept, newlines and backtick runs neutralised."""
    flat = _CONTROL.sub("", text.replace("\n", " ⏎ ").replace("\r", ""))
    return escape(truncate(flat, limit)).replace("```", f"`{_ZWSP}`{_ZWSP}`")


def link(url: str, label: str) -> str:
    """`<url|label>`; a URL with `|` or `>` would break out of the link, so it is refused."""
    if not url or any(ch in url for ch in "|<> "):
        return label
    return f"<{url}|{label}>"
