"""deploy/console/healthcheck.py, the console containers' health checks: web against a stub
server on 127.0.0.1, beat against schedule files of known age."""

import os
import time
from pathlib import Path
from types import ModuleType

import pytest

from tests.deploy.repo import DEPLOY, load_module
from tests.stubs.server import Reply, StubServer


@pytest.fixture(scope="module")
def healthcheck() -> ModuleType:
    return load_module(DEPLOY / "console" / "healthcheck.py", "triage_healthcheck")


def test_web_is_healthy_on_200(healthcheck: ModuleType, stub_server: StubServer) -> None:
    stub_server.route("GET", "/healthz", Reply(200, "ok\n"))
    assert healthcheck.check_web(f"{stub_server.url}/healthz") is None


def test_web_is_unhealthy_on_an_error(healthcheck: ModuleType, stub_server: StubServer) -> None:
    stub_server.route("GET", "/healthz", Reply(503, "database down\n"))
    assert healthcheck.check_web(f"{stub_server.url}/healthz") == (
        f"{stub_server.url}/healthz answered 503"
    )


def test_web_does_not_follow_a_redirect_to_the_login_page(
    healthcheck: ModuleType, stub_server: StubServer
) -> None:
    stub_server.route("GET", "/healthz", Reply(302, "", {"Location": "/login/?next=/healthz"}))
    stub_server.route("GET", "/login/", Reply(200, "<form>"))
    assert "answered 302" in healthcheck.check_web(f"{stub_server.url}/healthz")
    assert [request.path for request in stub_server.requests] == ["/healthz"]


def test_web_is_unhealthy_when_nothing_listens(healthcheck: ModuleType) -> None:
    problem = healthcheck.check_web("http://127.0.0.1:9/healthz", timeout=2)
    assert problem is not None and "unreachable" in problem


def test_beat_wants_a_recently_synced_schedule(healthcheck: ModuleType, tmp_path: Path) -> None:
    schedule = tmp_path / "celerybeat-schedule"
    assert "no beat schedule" in healthcheck.check_beat(schedule, max_age=600)
    (tmp_path / "celerybeat-schedule.db").write_bytes(b"shelve")
    now = time.time()
    assert healthcheck.check_beat(schedule, max_age=600, now=now + 10) is None
    assert "not written for 900s" in healthcheck.check_beat(schedule, max_age=600, now=now + 900)


def test_beat_takes_the_newest_of_the_shelve_files(healthcheck: ModuleType, tmp_path: Path) -> None:
    schedule = tmp_path / "celerybeat-schedule"
    old, new = tmp_path / "celerybeat-schedule.dir", tmp_path / "celerybeat-schedule.dat"
    old.write_bytes(b"")
    new.write_bytes(b"")
    now = time.time()
    os.utime(old, (now - 3600, now - 3600))
    os.utime(new, (now - 30, now - 30))
    assert healthcheck.check_beat(schedule, max_age=600, now=now) is None


def test_main_reports_usage_and_the_problem(
    healthcheck: ModuleType, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert healthcheck.main(["triage-healthcheck"]) == 2
    assert "usage: triage-healthcheck web|worker|beat" in capsys.readouterr().err
    monkeypatch.setitem(healthcheck.CHECKS, "beat", lambda: "no beat schedule at /data")
    assert healthcheck.main(["triage-healthcheck", "beat"]) == 1
    assert capsys.readouterr().err == "unhealthy: no beat schedule at /data\n"
    monkeypatch.setitem(healthcheck.CHECKS, "web", lambda: None)
    assert healthcheck.main(["triage-healthcheck", "web"]) == 0
