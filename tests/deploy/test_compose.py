"""docker-compose.yml: the services, their health checks and start order, networks, volumes,
published ports, and that no secret value is written in the file."""

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.repo import COMPOSE_FILE, DEPLOY, REQUIRED_ENV, ROOT, load_yaml

STACK = {
    "postgres",
    "redis",
    "loki",
    "promtail",
    "tempo",
    "grafana",
    "prometheus",
    "web",
    "worker",
    "beat",
    "example-app",
}
CONSOLE = ("web", "worker", "beat")
PUBLISHED = {"web", "grafana"}
INTERNAL_ONLY = {"loki", "promtail", "tempo", "postgres", "redis"}
CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|WEBHOOK|API_KEY|PRIVATE", re.IGNORECASE)
REFERENCE = re.compile(r"^\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = load_yaml(COMPOSE_FILE)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _networks(service: dict[str, Any]) -> set[str]:
    networks = service.get("networks", [])
    return set(networks) if isinstance(networks, list) else set(networks.keys())


def _secrets(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result = {}
    for entry in service.get("secrets", []):
        spec = {"source": entry} if isinstance(entry, str) else entry
        result[spec["source"]] = spec
    return result


def _volume_sources(service: dict[str, Any]) -> list[str]:
    sources = []
    for volume in service.get("volumes", []):
        sources.append(volume.split(":", 1)[0] if isinstance(volume, str) else volume["source"])
    return sources


def test_the_whole_stack_is_there(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) >= STACK


def test_every_service_has_a_health_check(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        check = service.get("healthcheck")
        assert check, f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} disables its healthcheck"
        test = check["test"]
        assert isinstance(test, list) and test[0] in {"CMD", "CMD-SHELL"}, name
        assert check.get("interval") and check.get("timeout") and check.get("retries"), name


def test_loki_promtail_and_the_console_check_their_ready_endpoints(
    services: dict[str, dict[str, Any]],
) -> None:
    assert services["loki"]["healthcheck"]["test"] == ["CMD", "/usr/bin/loki", "-health"]
    assert "/ready" in " ".join(services["promtail"]["healthcheck"]["test"])
    assert services["tempo"]["healthcheck"]["test"] == ["CMD", "/tempo", "-health"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "triage-healthcheck", "web"]
    assert services["worker"]["healthcheck"]["test"][-1] == "worker"
    assert services["beat"]["healthcheck"]["test"][-1] == "beat"


def test_dependencies_wait_on_health(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs the long form with conditions"
        for target, spec in depends.items():
            assert target in services, f"{name} depends on unknown {target}"
            assert spec["condition"] in CONDITIONS, f"{name} -> {target}"
            if spec["condition"] == "service_healthy":
                assert services[target].get("healthcheck"), f"{target} has no healthcheck"
    for name in CONSOLE:
        depends = services[name]["depends_on"]
        for store in ("postgres", "redis", "loki"):
            assert depends[store]["condition"] == "service_healthy", f"{name} -> {store}"
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["promtail"]["depends_on"]["loki"]["condition"] == "service_healthy"
    assert services["example-app"]["depends_on"]["tempo"]["condition"] == "service_healthy"


def test_only_the_console_and_grafana_are_published(services: dict[str, dict[str, Any]]) -> None:
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == PUBLISHED
    assert services["web"]["ports"][0].endswith(":8000")
    assert services["grafana"]["ports"][0].endswith(":3000")
    for name in PUBLISHED:
        assert all(
            port.startswith("${PUBLISH_ADDRESS:-127.0.0.1}:") for port in services[name]["ports"]
        )
    for name, service in services.items():
        assert not service.get("expose") or name in PUBLISHED, name
        assert service.get("network_mode") is None, name


def test_stores_sit_on_the_internal_network_only(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    networks = compose["networks"]
    internal = [name for name, spec in networks.items() if spec and spec.get("internal") is True]
    assert internal == ["internal"]
    for name in INTERNAL_ONLY:
        assert _networks(services[name]) == {"internal"}, name
    for name, service in services.items():
        assert "internal" in _networks(service), f"{name} cannot reach the stack"
        if _networks(service) != {"internal"}:
            assert name in PUBLISHED | {"worker"}, f"{name} has a way out it does not need"


def test_data_lives_in_named_volumes(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    named = set(compose["volumes"])
    expected = {
        "postgres": "postgres-data",
        "redis": "redis-data",
        "loki": "loki-data",
        "tempo": "tempo-data",
        "prometheus": "prometheus-data",
        "grafana": "grafana-data",
        "promtail": "promtail-positions",
        "web": "console-data",
    }
    for name, volume in expected.items():
        assert volume in named and volume in _volume_sources(services[name]), name
    for name, service in services.items():
        for source in _volume_sources(service):
            if source.startswith((".", "/")):
                # Host paths are for configuration only, read-only, from deploy/.
                assert source.startswith("./deploy/"), f"{name} mounts {source}"
                entry = next(v for v in service["volumes"] if v.startswith(source))
                assert entry.endswith(":ro"), f"{name} mounts {source} writable"
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in named, f"{name} uses undeclared volume {source}"


def test_promtail_reads_files_not_the_docker_socket(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for source in _volume_sources(service):
            assert "docker.sock" not in source and "/var/lib/docker" not in source, name
    assert "app-logs" in _volume_sources(services["promtail"])
    assert "app-logs" in _volume_sources(services["example-app"])
    promtail_mount = next(v for v in services["promtail"]["volumes"] if v.startswith("app-logs:"))
    assert promtail_mount.endswith(":ro")
    config = load_yaml(DEPLOY / "promtail" / "promtail.yaml")
    path = config["scrape_configs"][0]["static_configs"][0]["labels"]["__path__"]
    mounted = promtail_mount.split(":")[1]
    assert path.startswith(mounted + "/")


def test_no_secret_values_in_the_file(services: dict[str, dict[str, Any]]) -> None:
    text = COMPOSE_FILE.read_text()
    assert not re.search(r"://[^/\s:@]+:(?!\$\{)[^@\s]+@", text), "credentials inside a URL"
    assert not re.search(r"(?i)(hooks\.slack\.com|xox[abprs]-|sk_live_|AKIA[0-9A-Z]{16})", text)
    for name, service in services.items():
        environment = service.get("environment", {})
        assert isinstance(environment, dict), f"{name}: environment as a mapping"
        for key, value in environment.items():
            if SECRET_NAME.search(key) and not key.endswith("_FILE"):
                assert isinstance(value, str) and REFERENCE.match(value), (
                    f"{name}.{key} must come from .env as ${{{key}...}}, not be written here"
                )
                assert not re.match(r"^\$\{[A-Z0-9_]+:-.+\}$", value), (
                    f"{name}.{key} has a default value"
                )
    assert not (ROOT / ".env").is_file() or ".env" in (ROOT / ".gitignore").read_text()


def test_secrets_come_from_the_environment(compose: dict[str, Any]) -> None:
    assert set(compose["secrets"]) == {
        "secret_key",
        "postgres_password",
        "metrics_token",
        "grafana_admin_password",
    }
    for name, spec in compose["secrets"].items():
        assert set(spec) == {"environment"}, f"secret {name} must be read from .env"
        assert spec["environment"] in REQUIRED_ENV


def test_secret_files_are_readable_by_unprivileged_processes(
    services: dict[str, dict[str, Any]],
) -> None:
    """Compose writes environment secrets root-owned with mode 0400 unless told otherwise."""
    for name, service in services.items():
        for source, spec in _secrets(service).items():
            assert spec.get("mode") == 0o444, f"{name}: secret {source} needs mode 0444"


def test_console_services_share_one_image_and_the_stack_urls(
    services: dict[str, dict[str, Any]],
) -> None:
    images = {services[name]["image"] for name in CONSOLE}
    assert len(images) == 1
    grafana = load_yaml(DEPLOY / "grafana" / "provisioning" / "datasources" / "datasources.yaml")
    uids = {source["type"]: source["uid"] for source in grafana["datasources"]}
    for name in CONSOLE:
        service = services[name]
        assert service["build"]["dockerfile"] == "Dockerfile"
        env = service["environment"]
        assert env["LOKI_URL"] == "http://loki:3100"
        assert env["TEMPO_URL"] == "http://tempo:3200"
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["SECRET_KEY_FILE"] == "/run/secrets/secret_key"
        assert {"secret_key", "metrics_token"} <= set(_secrets(service))
        assert env["METRICS_TOKEN_FILE"] == "/run/secrets/metrics_token"
        assert env["LOKI_SELECTOR"] == '${LOKI_SELECTOR:-{job="example-app"}}'
        assert env["GRAFANA_LOKI_DATASOURCE_UID"] == uids["loki"]
        assert env["GRAFANA_TEMPO_DATASOURCE_UID"] == uids["tempo"]
        assert "web" in env["ALLOWED_HOSTS"] and "127.0.0.1" in env["ALLOWED_HOSTS"]
    assert services["web"]["command"] == ["triage-web"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "console", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "console", "beat"]
    assert "metrics_token" in _secrets(services["prometheus"])


def test_third_party_images_are_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        if "build" in service:
            continue
        image = service["image"]
        tag = image.rsplit(":", 1)[-1] if ":" in image else ""
        assert tag and tag != "latest", f"{name}: pin {image}"


def test_example_app_feeds_promtail_and_tempo(services: dict[str, dict[str, Any]]) -> None:
    app = services["example-app"]
    assert app["build"] == {"context": ".", "dockerfile": "deploy/example-app/Dockerfile"}
    assert app["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://tempo:4318"
    assert app["environment"]["OTEL_SERVICE_NAME"] == "example-app"
    assert app["environment"]["EXAMPLE_APP_LOG_FILE"].startswith("/var/log/example-app/")


def _compose_config(env: dict[str, str], home: Path) -> subprocess.CompletedProcess[str]:
    """`docker compose config` with exactly these variables (a developer's .env is ignored)."""
    empty = home / "empty.env"
    empty.write_text("")
    return subprocess.run(
        ["docker", "compose", "--env-file", str(empty), "-f", str(COMPOSE_FILE), "config"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture(scope="module")
def compose_client() -> None:
    if shutil.which("docker") is None:
        pytest.skip("no docker client on this machine: `docker compose config` not run")
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("the docker client has no compose plugin: `docker compose config` not run")


@pytest.mark.usefixtures("compose_client")
def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **REQUIRED_ENV}
    result = _compose_config(env, tmp_path)
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)
    assert set(rendered["services"]) >= STACK
    assert rendered["services"]["web"]["environment"]["LOKI_SELECTOR"] == '{job="example-app"}'
    assert rendered["networks"]["internal"]["internal"] is True


@pytest.mark.usefixtures("compose_client")
@pytest.mark.parametrize("missing", sorted(REQUIRED_ENV))
def test_docker_compose_config_refuses_a_missing_secret(missing: str, tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **REQUIRED_ENV}
    del env[missing]
    result = _compose_config(env, tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr
