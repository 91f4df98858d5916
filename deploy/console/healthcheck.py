#!/usr/bin/env python3
"""Container health checks for the console image: `triage-healthcheck web|worker|beat`.

web     GET /healthz on the local gunicorn (the process is alive and serves requests)
worker  `celery inspect ping` answered by this container's own worker
beat    the beat schedule file was written recently (beat syncs it every few minutes)

Exit status 0 is healthy, 1 unhealthy; one line on stderr says why. Standard library only.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import Message as HTTPMessage
from pathlib import Path
from typing import IO

WEB_URL = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
BEAT_SCHEDULE = Path(os.environ.get("BEAT_SCHEDULE", "/data/beat/celerybeat-schedule"))
BEAT_MAX_AGE = float(os.environ.get("BEAT_MAX_AGE_SECONDS", "600"))
TIMEOUT = 5.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A health endpoint answers 200 itself; a redirect (to the login page) is a failure."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> None:
        return None


def check_web(url: str = WEB_URL, timeout: float = TIMEOUT) -> str | None:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        return f"{url} answered {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"{url} unreachable: {getattr(exc, 'reason', exc)}"
    return None if status == 200 else f"{url} answered {status}"


def check_worker(timeout: float = 10.0) -> str | None:
    node = f"celery@{socket.gethostname()}"
    command = ["celery", "-A", "console", "inspect", "ping", "-d", node, "--timeout", str(timeout)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout + 20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"celery inspect ping failed: {exc}"
    if result.returncode != 0:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"{node} did not answer ping: {last[0]}"
    return None


def check_beat(
    schedule: Path = BEAT_SCHEDULE, max_age: float = BEAT_MAX_AGE, now: float | None = None
) -> str | None:
    """The schedule (a shelve: one file or several with suffixes) must have been synced lately."""
    files = [path for path in schedule.parent.glob(schedule.name + "*") if path.is_file()]
    if not files:
        return f"no beat schedule at {schedule}"
    age = (now if now is not None else time.time()) - max(path.stat().st_mtime for path in files)
    if age > max_age:
        return f"beat schedule {schedule} not written for {age:.0f}s (limit {max_age:.0f}s)"
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "web": check_web,
    "worker": check_worker,
    "beat": check_beat,
}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] not in CHECKS:
        print(f"usage: {Path(argv[0]).name} {'|'.join(CHECKS)}", file=sys.stderr)
        return 2
    problem = CHECKS[argv[1]]()
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
