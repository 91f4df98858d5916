"""Prometheus: what it scrapes, the alert rules' names and metrics, `promtool check` on both
files, and `promtool test rules` proving each alert fires on bad series and stays quiet on good
ones. promtool comes from Debian's `prometheus` package."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.repo import DEPLOY, load_yaml

PROMETHEUS = DEPLOY / "prometheus"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
LOKI_ALERTS = {
    "LokiIngestionStopped",
    "LokiHighIngestionErrors",
    "LokiRateLimitExceeded",
    "LokiHighQueryLatency",
    "LokiHighQueryErrors",
    "LokiCompactionFailing",
    "LokiStorageErrors",
    "LokiHighCardinality",
    "LokiDiskSpaceLow",
    "LokiDown",
    "PromtailDown",
}
CONSOLE_ALERTS = {
    "TriageConsoleDown",
    "TriagePollLagHigh",
    "TriageParseFailures",
    "TriageAlertDeliveryFailing",
}
# Metric names the rules may use: Loki's (as exported by the version in shared/fixtures),
# node_exporter's and the kubelet's for disk space, and the console's own.
KNOWN_METRICS = {
    "up",
    "loki_distributor_lines_received_total",
    "loki_discarded_samples_total",
    "loki_request_duration_seconds_count",
    "loki_request_duration_seconds_bucket",
    "loki_boltdb_shipper_compact_tables_operation_total",
    "loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds",
    "loki_compactor_apply_retention_operation_total",
    "loki_ingester_chunks_flush_failures_total",
    "loki_ingester_wal_disk_full_failures_total",
    "loki_ingester_memory_streams",
    "node_filesystem_avail_bytes",
    "node_filesystem_size_bytes",
    "kubelet_volume_stats_available_bytes",
    "kubelet_volume_stats_capacity_bytes",
    "triage_poll_lag_seconds",
    "triage_parse_failures_total",
    "triage_lines_read_total",
    "triage_alerts_failed_total",
}
PROMQL_WORDS = {
    "sum",
    "by",
    "rate",
    "increase",
    "max",
    "or",
    "and",
    "time",
    "histogram_quantile",
    "le",
    "route",
    "job",
    "tenant",
    "reason",
    "source",
    "channel",
    "status",
    "status_code",
    "mountpoint",
    "fstype",
    "persistentvolumeclaim",
}


def _rules() -> list[dict[str, Any]]:
    return [
        rule
        for path in RULE_FILES
        for group in load_yaml(path)["groups"]
        for rule in group["rules"]
    ]


def _alert(name: str) -> dict[str, Any]:
    return next(rule for rule in _rules() if rule.get("alert") == name)


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.skip("promtool not installed (Debian package `prometheus`): rules not checked")
    return path


def test_scrapes_loki_promtail_tempo_and_the_console() -> None:
    config = load_yaml(PROMETHEUS / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    targets = {name: job["static_configs"][0]["targets"] for name, job in jobs.items()}
    assert targets["loki"] == ["loki:3100"]
    assert targets["promtail"] == ["promtail:9080"]
    assert targets["tempo"] == ["tempo:3200"]
    assert targets["triage-console"] == ["web:8000"]
    console = jobs["triage-console"]
    assert console["metrics_path"] == "/metrics"
    assert console["authorization"] == {
        "type": "Bearer",
        "credentials_file": "/run/secrets/metrics_token",
    }
    assert config["rule_files"] == ["/etc/prometheus/rules/*.yml"]


def test_alert_names_are_the_guides_plus_the_consoles() -> None:
    names = [rule["alert"] for rule in _rules() if "alert" in rule]
    assert len(names) == len(set(names)), "duplicate alert names"
    assert set(names) == LOKI_ALERTS | CONSOLE_ALERTS


def test_every_alert_has_severity_summary_and_description() -> None:
    for rule in _rules():
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert rule["annotations"]["description"], rule["alert"]


def test_rules_use_known_metric_names() -> None:
    for rule in _rules():
        expr = re.sub(r'"[^"]*"', '""', rule["expr"])
        expr = re.sub(r"\[[^\]]*\]", "", expr)
        words = set(re.findall(r"[a-zA-Z_][a-zA-Z0-9_]*", expr))
        unknown = words - KNOWN_METRICS - PROMQL_WORDS
        assert not unknown, f"{rule['alert']} uses {sorted(unknown)}"


def test_thresholds_match_the_guide() -> None:
    assert "> 100000" in _alert("LokiHighCardinality")["expr"]
    assert "< 15" in _alert("LokiDiskSpaceLow")["expr"]
    assert "loki_distributor_lines_received_total" in _alert("LokiIngestionStopped")["expr"]
    assert 'job="loki"' in _alert("LokiDown")["expr"]
    assert 'job="promtail"' in _alert("PromtailDown")["expr"]


def test_promtool_check_rules(promtool: str) -> None:
    result = subprocess.run(
        [promtool, "check", "rules", *map(str, RULE_FILES)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for path in RULE_FILES:
        assert f"Checking {path}" in result.stdout


def test_promtool_check_config(promtool: str) -> None:
    # --syntax-only: the rule files and the token file are paths inside the container.
    result = subprocess.run(
        [promtool, "check", "config", "--syntax-only", str(PROMETHEUS / "prometheus.yml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# One scenario per alert: series that must make it fire by `at`, and series on which it must not.
# Counters grow by the step given; the interval is one minute.
PUSH = (
    'loki_request_duration_seconds_count{{job="loki", route="loki_api_v1_push", status_code="{}"}}'
)
QUERY = 'loki_request_duration_seconds_count{{route="loki_api_v1_query_range", status_code="{}"}}'
BUCKET = 'loki_request_duration_seconds_bucket{{route="{}", le="{}"}}'
RANGE = "loki_api_v1_query_range"
DISCARDED = 'loki_discarded_samples_total{{tenant="triage", reason="{}"}}'
COMPACTIONS = 'loki_boltdb_shipper_compact_tables_operation_total{{status="{}"}}'
LAST_COMPACTION = (
    "loki_boltdb_shipper_compact_tables_operation_last_successful_run_timestamp_seconds"
)
DISK = 'node_filesystem_{}_bytes{{mountpoint="{}", fstype="ext4"}}'
PVC = 'kubelet_volume_stats_{}_bytes{{persistentvolumeclaim="storage-loki-0"}}'

SCENARIOS: dict[str, dict[str, Any]] = {
    "LokiDown": {
        "at": "10m",
        "firing": [('up{job="loki", instance="loki:3100"}', "0x20")],
        "quiet": [('up{job="loki", instance="loki:3100"}', "1x20")],
    },
    "PromtailDown": {
        "at": "10m",
        "firing": [('up{job="promtail", instance="promtail:9080"}', "0x20")],
        "quiet": [('up{job="promtail", instance="promtail:9080"}', "1x20")],
    },
    "LokiIngestionStopped": {
        "at": "40m",
        "firing": [('loki_distributor_lines_received_total{tenant="triage"}', "500+0x50")],
        "quiet": [('loki_distributor_lines_received_total{tenant="triage"}', "0+60x50")],
    },
    "LokiHighIngestionErrors": {
        "at": "30m",
        "firing": [(PUSH.format("204"), "0+100x40"), (PUSH.format("400"), "0+10x40")],
        "quiet": [(PUSH.format("204"), "0+100x40"), (PUSH.format("400"), "0+1x40")],
    },
    "LokiRateLimitExceeded": {
        "at": "20m",
        "firing": [(DISCARDED.format("rate_limited"), "0+5x40")],
        # Lines refused for their timestamp are not a rate limit.
        "quiet": [(DISCARDED.format("too_far_behind"), "0+5x40")],
    },
    "LokiHighQueryLatency": {
        "at": "30m",
        "firing": [
            (BUCKET.format(RANGE, "1"), "0x40"),
            (BUCKET.format(RANGE, "10"), "0x40"),
            (BUCKET.format(RANGE, "30"), "0+10x40"),
            (BUCKET.format(RANGE, "+Inf"), "0+10x40"),
        ],
        "quiet": [
            *[(BUCKET.format(RANGE, le), "0+10x40") for le in ("1", "10", "30", "+Inf")],
            # A tail is a long-lived websocket, not a slow query.
            (BUCKET.format("loki_api_v1_tail", "+Inf"), "0+10x40"),
        ],
    },
    "LokiHighQueryErrors": {
        "at": "30m",
        "firing": [(QUERY.format("200"), "0+90x40"), (QUERY.format("500"), "0+10x40")],
        "quiet": [(QUERY.format("200"), "0+90x40"), (QUERY.format("400"), "0+10x40")],
    },
    "LokiCompactionFailing": {
        "at": "20m",
        "firing": [(COMPACTIONS.format("failure"), "0x5 1+0x30")],
        "quiet": [
            (COMPACTIONS.format("success"), "0+1x30"),
            (COMPACTIONS.format("failure"), "0x30"),
            (LAST_COMPACTION, "600x30"),
        ],
    },
    "LokiStorageErrors": {
        "at": "20m",
        "firing": [('loki_ingester_chunks_flush_failures_total{job="loki"}', "0+1x30")],
        "quiet": [('loki_ingester_chunks_flush_failures_total{job="loki"}', "0x30")],
    },
    "LokiHighCardinality": {
        "at": "30m",
        "firing": [('loki_ingester_memory_streams{tenant="triage"}', "150000x40")],
        "quiet": [('loki_ingester_memory_streams{tenant="triage"}', "5000x40")],
    },
    "LokiDiskSpaceLow": {
        "at": "20m",
        "firing": [
            (DISK.format("avail", "/loki-data"), "10x30"),
            (DISK.format("size", "/loki-data"), "100x30"),
        ],
        "quiet": [
            (DISK.format("avail", "/loki-data"), "50x30"),
            (DISK.format("size", "/loki-data"), "100x30"),
            # Another disk filling up is not Loki's.
            (DISK.format("avail", "/"), "1x30"),
            (DISK.format("size", "/"), "100x30"),
        ],
    },
    "TriageConsoleDown": {
        "at": "10m",
        "firing": [('up{job="triage-console", instance="web:8000"}', "0x20")],
        "quiet": [('up{job="triage-console", instance="web:8000"}', "1x20")],
    },
    "TriagePollLagHigh": {
        "at": "20m",
        "firing": [('triage_poll_lag_seconds{source="default"}', "900x30")],
        "quiet": [('triage_poll_lag_seconds{source="default"}', "15x30")],
    },
    "TriageParseFailures": {
        "at": "40m",
        "firing": [
            ('triage_lines_read_total{source="default"}', "0+100x50"),
            ('triage_parse_failures_total{source="default"}', "0+5x50"),
        ],
        "quiet": [
            ('triage_lines_read_total{source="default"}', "0+100x50"),
            ('triage_parse_failures_total{source="default"}', "0x50"),
        ],
    },
    "TriageAlertDeliveryFailing": {
        "at": "15m",
        "firing": [('triage_alerts_failed_total{channel="slack"}', "0x10 1+0x20")],
        "quiet": [
            ('triage_alerts_failed_total{channel="slack"}', "0x30"),
            ('triage_alerts_sent_total{channel="slack"}', "0+3x30"),
        ],
    },
}

EXTRA_FIRING = {
    # Compaction that stopped succeeding three hours ago, with no failure counted.
    "LokiCompactionFailing": {"at": "4h", "firing": [(LAST_COMPACTION, "60x300")]},
    # Loki on Kubernetes: the persistent volume's stats instead of node_exporter.
    "LokiDiskSpaceLow": {
        "at": "20m",
        "firing": [(PVC.format("available"), "5x30"), (PVC.format("capacity"), "100x30")],
    },
}


def _case(alert: str, series: list[tuple[str, str]], at: str, fires: bool) -> dict[str, Any]:
    return {
        "name": f"{alert} {'fires' if fires else 'stays quiet'}",
        "interval": "1m",
        "input_series": [{"series": name, "values": values} for name, values in series],
        "promql_expr_test": [
            {
                "expr": f'count(ALERTS{{alertname="{alert}", alertstate="firing"}})',
                "eval_time": at,
                "exp_samples": [{"labels": "{}", "value": 1}] if fires else [],
            }
        ],
    }


def test_every_alert_has_a_scenario() -> None:
    assert set(SCENARIOS) == LOKI_ALERTS | CONSOLE_ALERTS


def test_promtool_test_rules_each_alert_fires_and_stays_quiet(
    promtool: str, tmp_path: Path
) -> None:
    tests = []
    for alert, scenario in SCENARIOS.items():
        tests.append(_case(alert, scenario["firing"], scenario["at"], fires=True))
        tests.append(_case(alert, scenario["quiet"], scenario["at"], fires=False))
    for alert, scenario in EXTRA_FIRING.items():
        tests.append(_case(alert, scenario["firing"], scenario["at"], fires=True))
    unit = {
        "rule_files": [str(path) for path in RULE_FILES],
        "evaluation_interval": "1m",
        "tests": tests,
    }
    path = tmp_path / "alerts_test.yml"
    path.write_text(yaml.safe_dump(unit, sort_keys=False))
    result = subprocess.run(
        [promtool, "test", "rules", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
