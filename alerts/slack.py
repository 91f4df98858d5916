"""Slack Block Kit messages, built by pure functions from `Alert`/`Digest` values.

Nothing here touches the network or the database: tests call these directly, the Slack sender
posts what they return.
"""

from datetime import UTC, datetime
from typing import Any

from alerts.alert import Alert, Context, ContextLine, Digest, DigestItem
from alerts.mrkdwn import code_line, escape, link, one_line

LEVEL_EMOJI = {
    "critical": ":rotating_light:",
    "fatal": ":rotating_light:",
    "error": ":red_circle:",
    "warning": ":warning:",
    "warn": ":warning:",
}
TITLE_LIMIT = 256
LINE_LIMIT = 200
MAX_LINES = 5
DIGEST_ITEMS = 20

Block = dict[str, Any]


def build_slack_message(alert: Alert, context: Context) -> dict[str, Any]:
    """One error: linked title, why it fired, facts, surrounding lines, links."""
    error = alert.error
    title = one_line(error.title, TITLE_LIMIT)
    emoji = LEVEL_EMOJI.get(error.level.lower(), ":large_orange_circle:")
    blocks = [
        _section(f"{emoji} *{link(alert.links.console, title)}*"),
        _context(f"*Why:* {escape(alert.reason.text)}"),
        {"type": "section", "fields": [_mrkdwn(f) for f in _facts(alert)]},
        *_lines_blocks(context),
        _section(" · ".join(_links(alert))),
        _context(_footer(alert)),
    ]
    return {
        "text": f"[{escape(error.level)}] {title} ({escape(alert.reason.text)})",
        "blocks": blocks,
    }


def build_slack_digest(digest: Digest) -> dict[str, Any]:
    """Many alerts for one channel at once: one message listing them with counts."""
    head = f"{digest.total} alerts for {len(digest.items)} errors"
    shown = digest.items[:DIGEST_ITEMS]
    rows = [_digest_row(item) for item in shown]
    if len(digest.items) > len(shown):
        rows.append(f"…and {len(digest.items) - len(shown)} more errors")
    blocks = [_section(f":bell: *{head}* (digest instead of one message each)")]
    blocks += [_section("\n".join(rows[i : i + 10])) for i in range(0, len(rows), 10)]
    return {"text": head, "blocks": blocks}


def _facts(alert: Alert) -> list[str]:
    error = alert.error
    return [
        f"*Service*\n{escape(error.service or '—')}",
        f"*Environment*\n{escape(error.environment or '—')}",
        f"*Count*\n{error.count:,}",
        f"*Assignee*\n{escape(error.assignee or 'nobody')}",
        f"*First seen*\n{_date(error.first_seen)}",
        f"*Last seen*\n{_date(error.last_seen)}",
    ]


def _lines_blocks(context: Context) -> list[Block]:
    if not context.lines:
        return [_context(f"_{escape(context.note)}_")] if context.note else []
    rows = [_line(line) for line in context.lines[:MAX_LINES]]
    return [_section("```" + "\n".join(rows) + "```")]


def _line(line: ContextLine) -> str:
    level = f"{code_line(line.level.upper(), 8):<5} " if line.level else ""
    text = code_line(line.text, LINE_LIMIT)
    return f"{'▶' if line.is_error else ' '} {line.ts.astimezone(UTC):%H:%M:%S} {level}{text}"


def _links(alert: Alert) -> list[str]:
    links = [link(alert.links.console, "Open in console")]
    if alert.links.logs:
        links.append(link(alert.links.logs, "Logs in Grafana"))
    if alert.links.trace and alert.error.trace_id:
        links.append(link(alert.links.trace, "Trace"))
    return links


def _footer(alert: Alert) -> str:
    parts = [f"Rule: {escape(alert.rule)}"] if alert.rule else []
    return " · ".join([*parts, f"`{one_line(alert.error.fingerprint, 80)}`"])


def _digest_row(item: DigestItem) -> str:
    title = link(item.console, one_line(item.error.title, 120))
    times = f" x{item.alerts}" if item.alerts > 1 else ""
    facts = f"{escape(item.error.service or '—')} · {item.error.count:,} seen"
    return f"• {title}{times} — {escape(item.reason.text)} ({facts})"


def _date(when: datetime) -> str:
    fallback = f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _mrkdwn(text: str) -> dict[str, Any]:
    """Verbatim: Slack still reads our markup (`*bold*`, `<url|label>`, `<!date^…>`) but does not
    turn words from log lines into mentions, channel links or links of their own."""
    return {"type": "mrkdwn", "text": text[:3000], "verbatim": True}
