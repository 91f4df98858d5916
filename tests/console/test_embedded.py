"""The embedded default: PostgreSQL and Redis under the data folder, shared by every process."""

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import django, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
from django.conf import settings
from console import embedded
socket_dir, port = embedded.ensure_postgres(settings.DATA_DIR)
embedded.ensure_redis(settings.DATA_DIR)
pid = (settings.DATA_DIR / "postgres" / "pgdata" / "postmaster.pid").read_text().split()[0]
redis_pid = (settings.DATA_DIR / "redis" / "redis.pid").read_text().strip()
print(pid, redis_pid)
"""


def embedded_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["CONSOLE_DATA_DIR"] = str(data_dir)
    return env


@pytest.fixture
def data_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="tc-", dir="/tmp"))
    yield folder
    subprocess.run(
        [sys.executable, "manage.py", "embedded", "stop"],
        cwd=ROOT,
        env=embedded_env(folder),
        capture_output=True,
        timeout=60,
    )


def test_processes_started_together_share_one_server_each(data_dir: Path) -> None:
    env = embedded_env(data_dir)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(outputs) == 1, f"servers differ between processes: {outputs}"
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert {p.read_text().strip() for p in [data_dir / "redis" / "redis.pid"]} == {
        outputs.pop().split()[1]
    }


def test_the_write_check_is_safe_under_concurrency(tmp_path: Path) -> None:
    """Web, worker and beat connect at once and each connection checks the folder."""
    from console.embedded import _writable

    def check(_: int) -> Path:
        return _writable(tmp_path, "postgres")

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(check, range(2000))) == {tmp_path / "postgres"}
    assert list((tmp_path / "postgres").iterdir()) == []


@pytest.mark.parametrize(
    ("env_change", "variable"),
    [
        ({"DATABASE_URL": "mysql://localhost/triage"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/triage"}, "DATABASE_URL"),
        ({"DATABASE_URL": "", "CONSOLE_DATA_DIR": "/dev/null/triage"}, "CONSOLE_DATA_DIR"),
        ({"DEBUG": "perhaps"}, "DEBUG"),
    ],
)
def test_bad_configuration_is_one_clear_line(env_change: dict[str, str], variable: str) -> None:
    env = dict(os.environ) | env_change
    env.pop("REDIS_URL", None) if variable == "CONSOLE_DATA_DIR" else None
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env={k: v for k, v in env.items() if v != ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr
