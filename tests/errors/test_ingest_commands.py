"""Sources without the admin (commands, environment) and polls by hand."""

from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from errors.ingest.cursor import epoch_ns
from errors.ingest.sources import backfill, due_sources, ensure_default_source
from errors.models import AuthType, LokiSource
from tests.errors.test_ingest_world import (
    Clock,
    clock_fixture,
    counts,
    loki_stub_fixture,
    push_burst,
    source_fixture,
)
from tests.stubs.loki import LokiStub

FIXTURES = (loki_stub_fixture, clock_fixture, source_fixture)
BASIC = ["add", "x", "--url", "http://loki", "--selector", '{a="b"}', "--auth", "basic"]
pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_sources_are_added_updated_listed_and_removed(monkeypatch: Any) -> None:
    monkeypatch.setenv("LOKI_PROD_TOKEN", "s3cret-value")
    added = run(
        "loki_sources", "add", "prod", "--url", "https://loki.example", "--tenant", "team-a",
        "--selector", '{job="api"}', "--auth", "bearer", "--secret-env", "LOKI_PROD_TOKEN",
        "--delay", "20",
    )  # fmt: skip
    assert added.strip() == "added prod"
    source = LokiSource.objects.get(name="prod")
    assert (source.auth_type, source.secret_env, source.delay) == (
        AuthType.BEARER, "LOKI_PROD_TOKEN", timedelta(seconds=20)
    )  # fmt: skip
    assert run("loki_sources", "update", "prod", "--disabled").strip() == "updated prod"
    listing = run("loki_sources", "list")
    assert "prod\tdisabled\thttps://loki.example" in listing
    assert "s3cret-value" not in listing
    assert run("loki_sources", "remove", "prod").strip() == "removed prod"
    assert not LokiSource.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "x", "--url", "http://loki:3100", "--selector", '{job="a"} |= "x"'], "pipeline"),
        (["add", "x", "--url", "loki:3100", "--selector", '{job="a"}'], "base URL"),
        ([*BASIC], "exactly"),
        ([*BASIC, "--secret-env", "LOKI_PASSWORD"], "user name"),
        (["update", "missing", "--tenant", "t"], "no Loki source"),
        (["remove", "missing"], "no Loki source"),
        ([*BASIC[:6], "--delay", "nan"], "--delay: .*seconds"),
        ([*BASIC[:6], "--lookback", "inf"], "--lookback: .*seconds"),
        ([*BASIC[:6], "--poll-interval", "1e300"], "--poll-interval: .*seconds"),
        ([*BASIC[:6], "--sweep-interval", "-5"], "--sweep-interval: .*seconds"),
    ],
)
def test_bad_source_definitions_are_refused(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("loki_sources", *args)


def test_a_url_with_a_password_is_refused_without_showing_it() -> None:
    """The URL is listed (loki_sources list, the admin's list): credentials go in a secret."""
    with pytest.raises(CommandError, match="not in the URL") as refused:
        run("loki_sources", "add", "x", "--url", "http://bob:hunter2@loki", "--selector", '{a="b"}')
    assert "hunter2" not in str(refused.value)
    assert not LokiSource.objects.exists()


def test_the_environment_declares_a_default_source(monkeypatch: Any, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t0ken\n")
    monkeypatch.setenv("LOKI_URL", "http://loki:3100")
    monkeypatch.setenv("LOKI_TENANT", "fake")
    monkeypatch.setenv("LOKI_SELECTOR", '{job="fraiseql-app"}')
    monkeypatch.setenv("LOKI_TOKEN_FILE", str(token))
    source = ensure_default_source()
    assert source is not None and source.name == "default"
    assert (source.url, source.tenant, source.selector) == (
        "http://loki:3100", "fake", '{job="fraiseql-app"}'
    )  # fmt: skip
    assert (source.auth_type, source.secret_file, source.secret_env) == ("bearer", str(token), "")
    monkeypatch.setenv("LOKI_TENANT", "other")
    assert ensure_default_source() is not None
    assert LokiSource.objects.get().tenant == "other"


def test_without_loki_url_there_is_no_default_source(monkeypatch: Any) -> None:
    monkeypatch.delenv("LOKI_URL", raising=False)
    assert ensure_default_source() is None


def test_backfill_reads_a_duration(monkeypatch: Any) -> None:
    assert backfill() == timedelta(hours=1)
    monkeypatch.setenv("LOKI_BACKFILL", "90m")
    assert backfill() == timedelta(minutes=90)
    monkeypatch.setenv("LOKI_BACKFILL", "soon")
    with pytest.raises(ValueError, match="LOKI_BACKFILL"):
        backfill()


def test_due_sources_are_enabled_and_past_their_interval(source: LokiSource) -> None:
    now = timezone.now()
    assert list(due_sources(now)) == [source]
    LokiSource.objects.update(last_attempt_at=now - timedelta(seconds=5))
    assert list(due_sources(now)) == []
    LokiSource.objects.update(last_attempt_at=now - timedelta(seconds=11))
    assert list(due_sources(now)) == [source]
    LokiSource.objects.update(enabled=False)
    assert list(due_sources(now)) == []


def test_poll_loki_once_by_hand(loki_stub: LokiStub, source: LokiSource, clock: Clock) -> None:
    push_burst(loki_stub, clock, {"a": 4, "b": 1}, seconds_ago=120)
    output = run("poll_loki", "--once", "--source", "app", "--since", "5m")
    assert "app: 5 lines over" in output and "2 new" in output
    assert counts() == {"a": 4, "b": 1}
    source.refresh_from_db()
    assert source.sweep_floor_ns is not None and source.cursor_ns is not None
    since = epoch_ns(timezone.now() - timedelta(minutes=5))
    assert since - 60 * 10**9 < source.sweep_floor_ns < source.cursor_ns


@pytest.mark.parametrize("since", ["10000y", "99999999999999d", "2999-01-01", "1900-01-01"])
def test_poll_loki_refuses_a_since_out_of_range(source: LokiSource, since: str) -> None:
    with pytest.raises(CommandError, match="--since: "):
        run("poll_loki", "--once", "--since", since)


def test_poll_loki_forever_refuses_an_unknown_source(source: LokiSource, monkeypatch: Any) -> None:
    """Without --once the command loops; a misspelt --source must not loop doing nothing."""

    def stop(seconds: float) -> None:
        raise SystemExit("looped")

    monkeypatch.setattr("errors.management.commands.poll_loki.time.sleep", stop)
    with pytest.raises(CommandError, match="no Loki source named 'nope'"):
        run("poll_loki", "--source", "nope")


def test_poll_loki_refuses_to_count_twice(source: LokiSource, loki_stub: LokiStub) -> None:
    run("poll_loki", "--once")
    assert "count lines twice" in run("poll_loki", "--once", "--since", "2h")
    with pytest.raises(CommandError, match="no Loki source named 'nope'"):
        run("poll_loki", "--once", "--source", "nope")


def test_the_source_admin_passes_djangos_checks_and_keeps_health_read_only() -> None:
    from django.contrib.admin import AdminSite

    from errors.admin_sources import HEALTH, LokiSourceAdmin

    admin = LokiSourceAdmin(LokiSource, AdminSite())
    assert admin.check() == []
    assert set(HEALTH) <= set(admin.get_readonly_fields(None, LokiSource(name="x")))
