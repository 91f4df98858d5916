"""The console's Dockerfile (multi-stage, pip install ., non-root, static files collected) and
the example app's image; what the build context leaves out."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.deploy.repo import DEPLOY, ROOT, load_yaml


def _instructions(path_text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", path_text)
    result = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def test_console_image_is_multi_stage_and_runs_unprivileged() -> None:
    steps = _instructions((ROOT / "Dockerfile").read_text())
    stages = [rest for keyword, rest in steps if keyword == "FROM"]
    assert len(stages) >= 2
    assert any(
        keyword == "COPY" and rest.startswith("--from=build /opt/venv") for keyword, rest in steps
    )
    runs = " ".join(rest for keyword, rest in steps if keyword == "RUN")
    assert "pip install ." in runs
    assert "manage.py collectstatic --noinput" in runs
    users = [rest for keyword, rest in steps if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    assert any(keyword == "USER" for keyword, _ in steps[last_from:])
    assert ("CMD", '["triage-web"]') in steps


def test_console_image_ships_its_entry_scripts() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "deploy/console/healthcheck.py /usr/local/bin/triage-healthcheck" in text
    assert "deploy/console/start-web.sh /usr/local/bin/triage-web" in text
    start = (DEPLOY / "console" / "start-web.sh").read_text()
    assert "manage.py migrate --noinput" in start
    assert "exec gunicorn console.wsgi:application" in start
    assert '--workers "${WEB_CONCURRENCY:-3}"' in start


def test_example_app_image_uses_the_logging_kit() -> None:
    text = (DEPLOY / "example-app" / "Dockerfile").read_text()
    steps = _instructions(text)
    assert ("COPY", "triage_logging/ ./triage_logging/") in steps
    assert any(keyword == "USER" and rest == "app" for keyword, rest in steps)
    requirements = (DEPLOY / "example-app" / "requirements.txt").read_text().split()
    names = {line.split("==")[0] for line in requirements}
    assert {"opentelemetry-sdk", "opentelemetry-exporter-otlp-proto-http"} <= names
    assert all("==" in line for line in requirements), "pinned"


def test_build_context_leaves_out_local_state() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".env", "tests", "staticfiles", ".data"} <= ignored
    compose = load_yaml(ROOT / "docker-compose.yml")
    for name in ("web", "example-app"):
        assert compose["services"][name]["build"]["context"] == "."
    assert "deploy" not in ignored and "triage_logging" not in ignored


def test_the_images_collectstatic_step_works(tmp_path: Path) -> None:
    """The RUN line that collects static files, run here as the build runs it (no services)."""
    runs = [rest for keyword, rest in _instructions((ROOT / "Dockerfile").read_text())]
    step = next(rest for rest in runs if "collectstatic" in rest).split("&&")[0]
    words = shlex.split(step)
    assignments = dict(word.split("=", 1) for word in words if re.match(r"^[A-Z_]+=", word))
    command = [word for word in words if not re.match(r"^[A-Z_]+=", word)]
    assert command[:2] == ["python", "manage.py"]
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "STATIC_ROOT": str(tmp_path / "staticfiles"),
        **assignments,
    }
    result = subprocess.run(
        [sys.executable, *command[1:]], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles" / "admin").is_dir()
