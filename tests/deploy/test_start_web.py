"""deploy/console/start-web.sh, the web container's entry point, run for real: migrations on a
fresh PostgreSQL database, the first admin created once (in the admin group), then gunicorn
(a stand-in here that records its arguments)."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.deploy.repo import DEPLOY, ROOT

SCRIPT = DEPLOY / "console" / "start-web.sh"


@pytest.fixture
def fresh_database() -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        pytest.skip("DATABASE_URL names no PostgreSQL server: the entry point is not run")
    name = f"{parts.path.lstrip('/') or 'triage'}_start_web"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fake_gunicorn(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "gunicorn"
    stub.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/gunicorn-args"\n')
    stub.chmod(0o755)
    return bin_dir


def _start(database_url: str, bin_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    python_dir = str(Path(sys.executable).parent)
    environment = {
        "PATH": os.pathsep.join([str(bin_dir), python_dir, os.environ["PATH"]]),
        "HOME": str(bin_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7"),
        "SECRET_KEY": "start-web-test",
        **env,
    }
    return subprocess.run(
        ["sh", str(SCRIPT)], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=240
    )


def _admins(database_url: str) -> list[tuple[str, bool, list[str]]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT u.username, u.is_superuser, "
            "array_remove(array_agg(g.name ORDER BY g.name), NULL) "
            "FROM auth_user u LEFT JOIN auth_user_groups ug ON ug.user_id = u.id "
            "LEFT JOIN auth_group g ON g.id = ug.group_id GROUP BY u.id ORDER BY u.username"
        ).fetchall()
    return [(name, superuser, list(groups)) for name, superuser, groups in rows]


def test_migrates_creates_the_admin_once_and_execs_gunicorn(
    fresh_database: str, fake_gunicorn: Path
) -> None:
    env = {
        "DJANGO_SUPERUSER_USERNAME": "carol",
        "DJANGO_SUPERUSER_PASSWORD": "correct horse battery staple",
        "DJANGO_SUPERUSER_EMAIL": "carol@example.com",
        "WEB_CONCURRENCY": "5",
    }
    first = _start(fresh_database, fake_gunicorn, **env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "admin user carol created" in first.stdout
    assert _admins(fresh_database) == [("carol", True, ["admin"])]
    args = (fake_gunicorn.parent / "gunicorn-args").read_text().split()
    assert args[:3] == ["console.wsgi:application", "--bind", "0.0.0.0:8000"]
    assert args[args.index("--workers") + 1] == "5"

    again = _start(fresh_database, fake_gunicorn, **env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "created" not in again.stdout
    assert _admins(fresh_database) == [("carol", True, ["admin"])]


def test_without_a_password_no_admin_is_made(fresh_database: str, fake_gunicorn: Path) -> None:
    result = _start(fresh_database, fake_gunicorn, DJANGO_SUPERUSER_USERNAME="admin")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "set DJANGO_SUPERUSER_PASSWORD to create admin" in result.stdout
    assert _admins(fresh_database) == []
