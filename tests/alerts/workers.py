"""A real Celery worker in a subprocess, on the test database and the test Redis."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def worker_env() -> dict[str, str]:
    """The worker sees what the test sees: the test database (by name) and the same Redis."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    test_db = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return env | {"DATABASE_URL": test_db, "SLACK_WEBHOOK_URL": "", "LOG_LEVEL": "WARNING",
                  "CONSOLE_BASE_URL": "https://console.example"}  # fmt: skip


def purge_broker() -> None:
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


class Worker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Worker":
        from console.celery import app

        command = [sys.executable, "-m", "celery", "-A", "console", "worker", "-P", "solo",
                   "-n", f"{self.name}@%h", "--without-gossip", "--without-mingle",
                   "--without-heartbeat", "-l", "WARNING"]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=worker_env(), start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.3)
            if any(name.startswith(f"{self.name}@") for reply in replies for name in reply):
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited with {self.process.returncode}")
        raise TimeoutError(f"worker {self.name} did not start")

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (only the processes this test started)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running(*names: str) -> Iterator[list[Worker]]:
    workers = [Worker(name) for name in names]
    try:
        yield [worker.start() for worker in workers]
    finally:
        for worker in workers:
            worker.stop()


def wait_for(condition: object, timeout: float = 20.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(interval)
    raise TimeoutError("condition not met in time")
