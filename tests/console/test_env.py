import pytest
from django.core.exceptions import ImproperlyConfigured

from console.env import (
    env_bool,
    env_int,
    env_log_level,
    env_secret,
    parse_database_url,
    parse_redis_url,
)


def test_database_url_parts() -> None:
    db = parse_database_url("DATABASE_URL", "postgresql://u:p%40ss@db.example:6543/triage")
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "6543",
        "triage",
    )


def test_database_url_socket_host() -> None:
    db = parse_database_url("DATABASE_URL", "postgresql://postgres@/triage?host=/run/pg")
    assert db["HOST"] == "/run/pg"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://x/y", "expected postgresql://"),
        ("postgresql://h:notaport/db", "port is not a number"),
        ("postgresql://h:5432", "names no database"),
    ],
)
def test_bad_database_url_names_the_variable(url: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"DATABASE_URL: .*{message}"):
        parse_database_url("DATABASE_URL", url)


def test_bad_redis_url() -> None:
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        parse_redis_url("REDIS_URL", "http://x")


def test_bool_and_int(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG: expected true or false"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM: expected a whole number"):
        env_int("X_NUM", 1)


def test_log_level_any_case_or_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_log_level("X_LEVEL", "INFO") == "INFO"
    monkeypatch.setenv("X_LEVEL", " debug ")
    assert env_log_level("X_LEVEL", "INFO") == "DEBUG"
    monkeypatch.setenv("X_LEVEL", "verbose")
    with pytest.raises(ImproperlyConfigured, match="X_LEVEL: expected one of DEBUG, INFO, "):
        env_log_level("X_LEVEL", "INFO")


def test_secret_from_file(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_KEY_FILE", str(secret))
    assert env_secret("X_KEY") == "s3cret"
    monkeypatch.setenv("X_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="X_KEY_FILE: cannot read"):
        env_secret("X_KEY")


def test_celery_names_a_unix_socket_its_own_way() -> None:
    from console.env import celery_broker_url

    assert celery_broker_url("unix:///d/redis.sock?db=0") == "redis+socket:///d/redis.sock?db=0"
    assert celery_broker_url("redis://h:6379/1") == "redis://h:6379/1"
