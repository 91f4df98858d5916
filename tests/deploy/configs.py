"""The Loki and Tempo configs the HTTP fixtures were recorded against (shared/fixtures/README.md),
flattened to dotted key paths: a reference of keys these versions accept."""

import re
from typing import Any

import pytest
import yaml

from tests.deploy.repo import FIXTURES_README


def _block_after(text: str, heading: str) -> dict[str, Any]:
    start = text.index(heading)
    match = re.compile(r"```yaml\n(.*?)```", re.DOTALL).search(text, start)
    assert match, f"no yaml block after {heading!r}"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict)
    return data


def captured(which: str) -> dict[str, Any]:
    if not FIXTURES_README.is_file():
        pytest.skip(f"{FIXTURES_README} not found: the recorded configs are not at hand")
    text = FIXTURES_README.read_text()
    heading = {
        "loki": "Loki without auth (`loki-local.yaml`",
        "tempo": "Tempo (`tempo-local.yaml`)",
    }
    return _block_after(text, heading[which])


def key_paths(data: Any, prefix: str = "") -> set[str]:
    """Every key as a dotted path; list items share the path with `[]`."""
    paths: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            paths.add(path)
            paths |= key_paths(value, path)
    elif isinstance(data, list):
        for item in data:
            paths |= key_paths(item, f"{prefix}[]")
    return paths
