"""The kit on the standard library alone: no Django, no OpenTelemetry, no psycopg."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WITHOUT_EXTRAS = """
import sys
for name in ("django", "opentelemetry", "psycopg", "msgspec"):
    sys.modules[name] = None  # any import of them now fails

import json, logging
import triage_logging

line = triage_logging.JSONFormatter().format(logging.makeLogRecord({"msg": "a@b.io"}))
fields = json.loads(line)
assert fields["message"] == "[EMAIL]", fields
assert "trace_id" not in fields, fields

logging.getLogger("triage_logging.report").addHandler(logging.NullHandler())
report = triage_logging.report_error(ValueError("x"), connection="postgresql://127.0.0.1:1/x")
assert report.stored is False
print("ok")
"""


def test_works_without_django_opentelemetry_or_psycopg() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
