"""deploy/loki/loki.yaml: filesystem storage, TSDB v13, 30-day retention with the compactor
deleting, the guide's ingestion limits and raised gRPC limits; keys valid for Loki 3.x."""

import shutil
import subprocess
from typing import Any

import pytest

from tests.deploy.configs import captured, key_paths
from tests.deploy.repo import COMPOSE_FILE, DEPLOY, docker_engine_available, load_yaml

LOKI_YAML = DEPLOY / "loki" / "loki.yaml"
# Keys beyond the recorded config, each from Loki's configuration reference.
EXTRA_KEYS = {
    "server.grpc_server_max_recv_msg_size",
    "server.grpc_server_max_send_msg_size",
    "compactor.retention_delete_worker_count",
    "limits_config.ingestion_rate_mb",
    "limits_config.ingestion_burst_size_mb",
    "limits_config.per_stream_rate_limit",
    "limits_config.per_stream_rate_limit_burst",
    "limits_config.max_query_parallelism",
}


@pytest.fixture(scope="module")
def loki() -> dict[str, Any]:
    data = load_yaml(LOKI_YAML)
    assert isinstance(data, dict)
    return data


def test_storage_is_the_filesystem_with_tsdb_v13(loki: dict[str, Any]) -> None:
    schema = loki["schema_config"]["configs"][-1]
    assert schema["store"] == "tsdb"
    assert schema["schema"] == "v13"
    assert schema["object_store"] == "filesystem"
    assert schema["index"]["period"] == "24h"
    assert loki["common"]["storage"]["filesystem"]["chunks_directory"].startswith("/loki/")
    assert loki["storage_config"]["object_store"]["filesystem"]["dir"].startswith("/loki/")
    assert loki["storage_config"]["tsdb_shipper"]["active_index_directory"].startswith("/loki/")


def test_retention_is_30_days_and_the_compactor_deletes(loki: dict[str, Any]) -> None:
    assert loki["limits_config"]["retention_period"] == "720h"
    compactor = loki["compactor"]
    assert compactor["retention_enabled"] is True
    assert compactor["delete_request_store"] == "filesystem"
    assert compactor["working_directory"].startswith("/loki/")


def test_ingestion_limits_of_the_guide(loki: dict[str, Any]) -> None:
    limits = loki["limits_config"]
    assert limits["ingestion_rate_mb"] == 16
    assert limits["ingestion_burst_size_mb"] == 32
    assert limits["max_query_parallelism"] == 32


def test_grpc_message_limits_are_raised_above_4_mb(loki: dict[str, Any]) -> None:
    server = loki["server"]
    for key in ("grpc_server_max_recv_msg_size", "grpc_server_max_send_msg_size"):
        assert server[key] > 4 * 1024 * 1024, key
    assert server["http_listen_port"] == 3100


def test_auth_is_on_so_the_tenant_matters(loki: dict[str, Any]) -> None:
    assert loki["auth_enabled"] is True
    assert loki["limits_config"]["allow_structured_metadata"] is True


def test_keys_are_those_loki_3_accepts(loki: dict[str, Any]) -> None:
    known = key_paths(captured("loki")) | EXTRA_KEYS
    unknown = key_paths(loki) - known
    assert not unknown, f"keys not in the recorded Loki 3.x config nor in EXTRA_KEYS: {unknown}"


def _image() -> str:
    image = load_yaml(COMPOSE_FILE)["services"]["loki"]["image"]
    assert isinstance(image, str)
    return image


def test_loki_verify_config() -> None:
    binary = shutil.which("loki")
    if binary is not None:
        command = [binary, f"-config.file={LOKI_YAML}", "-verify-config"]
    elif docker_engine_available():
        command = [
            "docker", "run", "--rm", "-v", f"{LOKI_YAML}:/etc/loki/loki.yaml:ro", _image(),
            "-config.file=/etc/loki/loki.yaml", "-verify-config",
        ]  # fmt: skip
    else:
        pytest.skip("no loki binary and no running Docker engine: `loki -verify-config` not run")
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
