"""Paths and loaders shared by the deployment tests (they read files, they start nothing)."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = ROOT / "docker-compose.yml"
FIXTURES_README = ROOT.parent / "shared" / "fixtures" / "README.md"

# What the stack's .env must define (the compose file refuses to start without them).
REQUIRED_ENV = {
    "POSTGRES_PASSWORD": "compose-test-postgres",
    "SECRET_KEY": "compose-test-secret-key",
    "METRICS_TOKEN": "compose-test-metrics-token",
    "GRAFANA_ADMIN_PASSWORD": "compose-test-grafana",
}


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def load_module(path: Path, name: str) -> ModuleType:
    """Import a script that lives outside any package (deploy/...)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def docker_engine_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "info"], capture_output=True, timeout=30)
    return probe.returncode == 0
