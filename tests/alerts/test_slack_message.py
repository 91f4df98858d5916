"""The Slack message is built by a pure function: tests hand it values and read the blocks."""

import json
from typing import Any

from alerts.alert import Context, Digest, DigestItem, Reason, Why
from alerts.slack import build_slack_digest, build_slack_message
from tests.alerts.samples import ERROR_ID, alert, lines, summary


def mrkdwn_objects(node: Any) -> list[dict[str, Any]]:
    """Every mrkdwn text object under `node`, in order."""
    if isinstance(node, dict):
        found = [node] if node.get("type") == "mrkdwn" else []
        return found + [o for value in node.values() for o in mrkdwn_objects(value)]
    if isinstance(node, list):
        return [o for value in node for o in mrkdwn_objects(value)]
    return []


def texts(message: dict[str, Any]) -> str:
    """Every mrkdwn text of the message, joined: what a reader would see."""
    return "\n".join(o["text"] for o in mrkdwn_objects(message["blocks"]))


def test_log_text_cannot_mention_anyone() -> None:
    """Slack parses `@channel`, `#general` and bare URLs in text objects unless verbatim."""
    message = build_slack_message(alert(), lines("@channel #general https://evil.example"))
    item = DigestItem(summary(), Reason(Why.NEW, "New error"), 3, "https://console.example/")
    digest = build_slack_digest(Digest("digest-1", (item,)))
    objects = mrkdwn_objects([message["blocks"], digest["blocks"]])
    assert objects and all(o["verbatim"] is True for o in objects)


def test_title_is_linked_to_the_console_with_level_and_reason() -> None:
    message = build_slack_message(alert(), lines("booting", "boom"))
    shown = texts(message)
    assert (
        f":red_circle: *<https://console.example/errors/{ERROR_ID}/|"
        "OperationalError: Database connection failed>*" in shown
    )
    assert "*Why:* New error" in shown
    assert message["text"].startswith("[error] OperationalError: Database connection failed")


def test_facts_service_environment_count_dates_and_assignee() -> None:
    shown = texts(build_slack_message(alert(), Context()))
    for fact in ("*Service*\nfraiseql-app", "*Environment*\nprod", "*Count*\n1,234",
                 "*Assignee*\nalice", "*First seen*\n<!date^", "*Last seen*\n<!date^"):  # fmt: skip
        assert fact in shown
    assert "*Assignee*\nnobody" in texts(build_slack_message(alert(assignee=""), Context()))


def test_links_to_console_grafana_and_trace_only_with_a_trace_id() -> None:
    shown = texts(build_slack_message(alert(), Context()))
    assert "|Open in console>" in shown and "|Logs in Grafana>" in shown and "|Trace>" in shown
    assert "|Trace>" not in texts(build_slack_message(alert(trace_id=""), Context()))


def test_surrounding_lines_in_a_code_block_with_the_error_marked() -> None:
    shown = texts(build_slack_message(alert(), lines("GET /posts 200", "pool exhausted", "boom")))
    block = shown[shown.index("```") : shown.rindex("```")]
    assert block.count("\n") == 2
    assert "▶ 18:20:05 INFO  boom" in block and "  18:20:05 INFO  GET /posts 200" in block


def test_at_most_five_lines() -> None:
    shown = texts(build_slack_message(alert(), lines(*(f"line {i}" for i in range(9)))))
    assert "line 4" in shown and "line 5" not in shown


def test_loki_timeout_leaves_a_note_instead_of_lines() -> None:
    note = Context(note="Loki did not answer in time; log lines left out.")
    shown = texts(build_slack_message(alert(), note))
    assert "_Loki did not answer in time; log lines left out._" in shown
    assert "```" not in shown


def test_hostile_lines_cannot_mention_link_or_break_out_of_the_block() -> None:
    hostile = lines(
        "<!channel> wake up",
        "<https://evil.example|click here> & <@U123>",
        "```closing the block``` *bold* \x1b[31mred\x07",
        "x" * 5000,
    )
    shown = texts(build_slack_message(alert(message="<!here> fail & <b>"), hostile))
    assert "<!channel>" not in shown and "<!here>" not in shown and "<@U123>" not in shown
    assert "&lt;!channel&gt;" in shown and "&lt;https://evil.example|click here&gt; &amp;" in shown
    block = shown[shown.index("```") : shown.rindex("```") + 3]
    assert block.count("```") == 2
    assert "\x1b" not in shown and "\x07" not in shown
    assert "x" * 200 not in shown and "…" in shown
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in build_slack_message(
        alert(), hostile)["blocks"])  # fmt: skip


def test_title_is_truncated_and_keeps_its_link() -> None:
    shown = texts(build_slack_message(alert(message="m" * 1000), Context()))
    title = shown.splitlines()[0]
    assert len(title) < 400 and title.endswith("…>*")


def test_message_is_json_serialisable() -> None:
    json.dumps(build_slack_message(alert(), lines("a", "b")))


def test_digest_lists_errors_with_counts_instead_of_one_message_each() -> None:
    items = tuple(
        DigestItem(summary(message=f"failure {i}"), Reason(Why.NEW, "New error"), 1 + i % 2,
                   f"https://console.example/errors/{i}/")
        for i in range(30)
    )  # fmt: skip
    message = build_slack_digest(Digest("digest-1", items))
    shown = texts(message)
    assert message["text"] == "45 alerts for 30 errors"
    assert shown.count("• ") == 20 and "…and 10 more errors" in shown
    assert "failure 1> x2 — New error" in shown
