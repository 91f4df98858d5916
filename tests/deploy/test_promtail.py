"""deploy/promtail/promtail.yaml: the JSON pipeline, labels job/env/level only, debug dropped,
personal data and secrets scrubbed, the tenant set. The replace stages are run here the way
Promtail runs them (each participating capture group replaced), on lines in the kit's format."""

import json
import logging
import re
import sys
from typing import Any

import pytest

import triage_logging
from tests.deploy.repo import DEPLOY, load_yaml

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture(scope="module")
def promtail() -> dict[str, Any]:
    data = load_yaml(DEPLOY / "promtail" / "promtail.yaml")
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def stages(promtail: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = promtail["scrape_configs"]
    result = job["pipeline_stages"]
    assert isinstance(result, list)
    return result


def _of(stages: list[dict[str, Any]], kind: str) -> list[Any]:
    return [stage[kind] for stage in stages if kind in stage]


def scrub(stages: list[dict[str, Any]], line: str) -> str:
    """Promtail's replace stage on the whole line: every participating group gets `replace`."""
    for stage in _of(stages, "replace"):
        pattern = re.compile(stage["expression"], re.ASCII)
        pieces, last = [], 0
        for match in pattern.finditer(line):
            for group in range(1, (pattern.groups or 0) + 1):
                start, end = match.span(group)
                if start == -1 or start < last:
                    continue
                pieces.append(line[last:start] + stage["replace"])
                last = end
        line = "".join(pieces) + line[last:]
    return line


def kit_line(message: str, **fields: Any) -> str:
    record = {
        "timestamp": "2026-11-27T18:00:00.123Z",
        "level": "error",
        "message": message,
        "logger": "example_app",
        "trace_id": TRACE_ID,
        "span_id": "00f067aa0ba902b7",
        "context": {"user_id": "u42", "tenant_id": "acme"},
        **fields,
    }
    return json.dumps(record, separators=(",", ":"))


def test_tails_the_example_apps_files_with_job_and_env(promtail: dict[str, Any]) -> None:
    (job,) = promtail["scrape_configs"]
    labels = job["static_configs"][0]["labels"]
    assert labels["job"] == "example-app"
    assert labels["env"] == "${DEPLOY_ENV:-dev}"
    assert labels["__path__"] == "/var/log/example-app/*.log"
    assert "docker_sd_configs" not in job


def test_pushes_to_loki_as_the_tenant(promtail: dict[str, Any]) -> None:
    (client,) = promtail["clients"]
    assert client["url"] == "http://loki:3100/loki/api/v1/push"
    assert client["tenant_id"] == "${LOKI_TENANT:-triage}"
    assert promtail["positions"]["filename"].startswith("/var/lib/promtail/")


def test_json_pipeline_labels_only_level(stages: list[dict[str, Any]]) -> None:
    (parsed,) = _of(stages, "json")
    assert {"level", "timestamp", "trace_id", "span_id"} <= set(parsed["expressions"])
    (labels,) = _of(stages, "labels")
    assert set(labels) == {"level"}
    assert _of(stages, "labeldrop") == [["filename"]]
    (metadata,) = _of(stages, "structured_metadata")
    assert set(metadata) == {"trace_id", "span_id"}
    (timestamp,) = _of(stages, "timestamp")
    assert timestamp["source"] == "timestamp"


def test_debug_and_trace_lines_are_dropped(stages: list[dict[str, Any]]) -> None:
    drops = _of(stages, "drop")
    assert {(drop["source"], drop["value"]) for drop in drops} == {
        ("level", "debug"),
        ("level", "trace"),
    }
    kinds = [next(iter(stage)) for stage in stages]
    assert kinds.index("template") < kinds.index("drop"), "levels are lower-cased before"


def test_scrubs_before_labels_and_no_other_dollar_sign(
    promtail: dict[str, Any], stages: list[dict[str, Any]]
) -> None:
    kinds = [next(iter(stage)) for stage in stages]
    assert max(i for i, kind in enumerate(kinds) if kind == "replace") < kinds.index("labels")
    text = (DEPLOY / "promtail" / "promtail.yaml").read_text()
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert re.findall(r"\$[^{]", body) == [], "-config.expand-env would rewrite it"


@pytest.mark.parametrize(
    ("secret", "marker"),
    [
        ("alice@example.com", "[EMAIL]"),
        ("first.last+tag@mail.example.co.uk", "[EMAIL]"),
        ("4532-1234-5678-9010", "[CREDIT_CARD]"),
        ("4532 1234 5678 9010", "[CREDIT_CARD]"),
        ("4532123456789010", "[CREDIT_CARD]"),
        ("371449635398431", "[CREDIT_CARD]"),
        ("AKIAIOSFODNN7EXAMPLE", "[AWS_KEY]"),
        ("sk_live_51HqLyjWDarjtT1zdp7dc", "[REDACTED]"),
        ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "[REDACTED]"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "[JWT_TOKEN]",
        ),
    ],
)
def test_scrubs_personal_data_in_the_message(
    stages: list[dict[str, Any]], secret: str, marker: str
) -> None:
    line = scrub(stages, kit_line(f"payment for {secret} failed"))
    assert secret not in line
    assert json.loads(line)["message"] == f"payment for {marker} failed"


@pytest.mark.parametrize(
    "text",
    [
        "retrying with api_key=abcdef0123456789",
        "login as bob password: hunter22",
        'config {"client_secret": "s3cr3t-value"}',
        "Authorization: Bearer abcdefghijklmnop.qrs",
    ],
)
def test_scrubs_keys_and_passwords(stages: list[dict[str, Any]], text: str) -> None:
    line = scrub(stages, kit_line(text))
    message = json.loads(line)["message"]
    assert "[REDACTED]" in message
    for value in ("abcdef0123456789", "hunter22", "s3cr3t-value", "abcdefghijklmnop"):
        assert value not in message


def test_scrubs_secrets_in_context_fields(stages: list[dict[str, Any]]) -> None:
    line = scrub(stages, kit_line("login failed", context={"email": "bob@example.org"}))
    assert json.loads(line)["context"]["email"] == "[EMAIL]"
    line = scrub(stages, kit_line("login failed", context={"password": "hunter22"}))
    assert json.loads(line)["context"]["password"] == "[REDACTED]"


@pytest.mark.parametrize(
    "message",
    [
        "order 12345 shipped",
        "Database connection failed: timeout after 30s to postgres:5432",
        "password reset requested",
        "listed 1500 posts in 12.5 ms",
    ],
)
def test_leaves_ordinary_lines_alone(stages: list[dict[str, Any]], message: str) -> None:
    line = kit_line(message)
    assert scrub(stages, line) == line


def test_ids_and_timestamps_survive_even_when_all_digits(stages: list[dict[str, Any]]) -> None:
    line = kit_line(
        "card 4532123456789010 declined",
        span_id="1234567890123456",
        trace_id="12345678901234567890123456789012",
        fingerprint="1234567890123456",
    )
    record = json.loads(scrub(stages, line))
    assert record["span_id"] == "1234567890123456"
    assert record["trace_id"] == "12345678901234567890123456789012"
    assert record["fingerprint"] == "1234567890123456"
    assert record["timestamp"] == "2026-11-27T18:00:00.123Z"
    assert record["message"] == "card [CREDIT_CARD] declined"
    assert scrub(stages, record["message"]) == record["message"]


def test_scrubs_lines_as_the_logging_kit_writes_them(stages: list[dict[str, Any]]) -> None:
    """An application that turned the kit's own scrubbing off is still cleaned by Promtail."""
    try:
        formatter = triage_logging.JSONFormatter(scrub=False)
    except TypeError:
        pytest.skip("this logging kit has no scrub option")
    try:
        raise ValueError("charge 4532 1234 5678 9010 for bob@example.org failed")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "shop", logging.ERROR, __file__, 1, "checkout failed for %s", ("bob@example.org",), exc_info
    )
    record.api_key = "api_key=abcdef0123456789"
    line = formatter.format(record)
    assert "bob@example.org" in line, "the kit did not scrub: Promtail must"
    scrubbed = json.loads(scrub(stages, line))
    assert scrubbed["message"] == "checkout failed for [EMAIL]"
    assert "bob@example.org" not in scrubbed["stack_trace"]
    assert "4532 1234 5678 9010" not in scrubbed["stack_trace"]
    assert "abcdef0123456789" not in json.dumps(scrubbed)
    assert scrubbed["level"] == "error" and scrubbed["exception_type"] == "ValueError"
