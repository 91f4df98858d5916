""".env.example: every variable the settings and the default Loki source read is listed."""

import re

from tests.deploy.repo import ROOT

READERS = (ROOT / "console" / "settings.py", ROOT / "errors" / "ingest" / "sources.py")


def test_every_variable_read_is_listed() -> None:
    listed = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    read = {
        name
        for path in READERS
        for name in re.findall(r"\benv_[a-z_]+\(\s*\"([A-Z][A-Z0-9_]*)\"", path.read_text())
    }
    assert read, "no env_* reader found: the pattern no longer fits the settings"
    assert not read - listed, f"read but not in .env.example: {read - listed}"
