"""deploy/tempo/tempo.yaml: OTLP receivers, local storage, retention; keys valid for Tempo 3."""

from typing import Any

import pytest

from tests.deploy.configs import captured, key_paths
from tests.deploy.repo import DEPLOY, load_yaml

# Retention moved from the compactor to the backend scheduler and worker in Tempo 3.
EXTRA_KEYS = {
    "backend_scheduler.provider",
    "backend_scheduler.provider.compaction",
    "backend_scheduler.provider.compaction.compaction",
    "backend_scheduler.provider.compaction.compaction.block_retention",
    "backend_worker.compaction",
    "backend_worker.compaction.block_retention",
}


@pytest.fixture(scope="module")
def tempo() -> dict[str, Any]:
    data = load_yaml(DEPLOY / "tempo" / "tempo.yaml")
    assert isinstance(data, dict)
    return data


def test_otlp_receivers_listen_on_all_interfaces(tempo: dict[str, Any]) -> None:
    protocols = tempo["distributor"]["receivers"]["otlp"]["protocols"]
    assert protocols["grpc"]["endpoint"] == "0.0.0.0:4317"
    assert protocols["http"]["endpoint"] == "0.0.0.0:4318"
    assert tempo["server"]["http_listen_port"] == 3200


def test_storage_is_local_under_the_volume(tempo: dict[str, Any]) -> None:
    trace = tempo["storage"]["trace"]
    assert trace["backend"] == "local"
    assert trace["local"]["path"].startswith("/var/tempo/")
    assert trace["wal"]["path"].startswith("/var/tempo/")


def test_retention_is_set_on_scheduler_and_worker(tempo: dict[str, Any]) -> None:
    scheduler = tempo["backend_scheduler"]["provider"]["compaction"]["compaction"]
    assert scheduler["block_retention"] == tempo["backend_worker"]["compaction"]["block_retention"]


def test_keys_are_those_tempo_3_accepts(tempo: dict[str, Any]) -> None:
    known = key_paths(captured("tempo")) | EXTRA_KEYS
    unknown = key_paths(tempo) - known
    assert not unknown, f"keys not in the recorded Tempo config nor in EXTRA_KEYS: {unknown}"
    assert "ingester" not in tempo and "compactor" not in tempo, "Tempo 3 removed these blocks"
