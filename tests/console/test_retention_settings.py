"""Retention settings: defaults, and a bad value stops start-up naming the variable."""

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from alerts import tasks as alert_tasks
from errors import tasks as error_tasks

SETTINGS = Path(__file__).resolve().parents[2] / "console" / "settings.py"
NAMES = ("EVENT_RETENTION_DAYS", "HOURLY_COUNT_RETENTION_DAYS", "DELIVERY_RETENTION_DAYS")


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(monkeypatch)
    assert [loaded[name] for name in NAMES] == [7, 90, 30]


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load(
        monkeypatch,
        EVENT_RETENTION_DAYS="2",
        HOURLY_COUNT_RETENTION_DAYS="400",
        DELIVERY_RETENTION_DAYS=" 14 ",
    )
    assert [loaded[name] for name in NAMES] == [2, 400, 14]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EVENT_RETENTION_DAYS", "0", "must be at least 1, got 0"),
        ("EVENT_RETENTION_DAYS", "7d", "expected a whole number, got '7d'"),
        ("HOURLY_COUNT_RETENTION_DAYS", "29", "must be at least 30, got 29"),
        ("DELIVERY_RETENTION_DAYS", "-1", "must be at least 1, got -1"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"^{name}: {message}$"):
        load(monkeypatch, **{name: value})


def test_beat_runs_both_prunes_hourly(monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = load(monkeypatch)["CELERY_BEAT_SCHEDULE"]
    entries = [schedule["errors-retention"], schedule["alerts-retention"]]
    assert [entry["task"] for entry in entries] == [error_tasks.prune.name, alert_tasks.prune.name]
    for entry in entries:
        assert entry["schedule"].hour == set(range(24))
        assert len(entry["schedule"].minute) == 1
