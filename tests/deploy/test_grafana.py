"""Grafana provisioning: Loki with a trace_id link to Tempo, Tempo with traces-to-logs back to
Loki, and the two dashboards (valid JSON, the panels asked for, a link to the console)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.repo import DEPLOY, load_yaml

GRAFANA = DEPLOY / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))


@pytest.fixture(scope="module")
def datasources() -> dict[str, dict[str, Any]]:
    data = load_yaml(GRAFANA / "provisioning" / "datasources" / "datasources.yaml")
    assert data["apiVersion"] == 1
    return {source["uid"]: source for source in data["datasources"]}


def _dashboard(uid: str) -> dict[str, Any]:
    for path in DASHBOARDS:
        data = json.loads(path.read_text())
        if data["uid"] == uid:
            assert isinstance(data, dict)
            return data
    raise AssertionError(f"no dashboard {uid}")


def _targets(dashboard: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(panel["title"], t) for panel in dashboard["panels"] for t in panel.get("targets", [])]


def test_the_three_datasources(datasources: dict[str, dict[str, Any]]) -> None:
    assert {uid: source["type"] for uid, source in datasources.items()} == {
        "loki": "loki",
        "tempo": "tempo",
        "prometheus": "prometheus",
    }
    assert datasources["loki"]["url"] == "http://loki:3100"
    assert datasources["tempo"]["url"] == "http://tempo:3200"
    assert datasources["prometheus"]["url"] == "http://prometheus:9090"


def test_loki_sends_the_tenant(datasources: dict[str, dict[str, Any]]) -> None:
    loki = datasources["loki"]
    assert loki["jsonData"]["httpHeaderName1"] == "X-Scope-OrgID"
    assert loki["secureJsonData"]["httpHeaderValue1"] == "${LOKI_TENANT}"


def test_loki_links_trace_ids_to_tempo(datasources: dict[str, dict[str, Any]]) -> None:
    (field,) = datasources["loki"]["jsonData"]["derivedFields"]
    assert field["datasourceUid"] == "tempo"
    assert field["url"] == "$${__value.raw}", "$$: Grafana expands $ in provisioning files"
    line = json.dumps({"message": "boom", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"})
    match = re.search(field["matcherRegex"], line)
    assert match and match.group(1) == "4bf92f3577b34da6a3ce929d0e0e4736"
    spaced = '{"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}'
    assert re.search(field["matcherRegex"], spaced)


def test_tempo_links_spans_back_to_their_logs(datasources: dict[str, dict[str, Any]]) -> None:
    links = datasources["tempo"]["jsonData"]["tracesToLogsV2"]
    assert links["datasourceUid"] == "loki"
    assert links["customQuery"] is True
    assert links["query"] == '{$${__tags}} | trace_id = "$${__trace.traceId}"'
    assert {"key": "service.name", "value": "job"} in links["tags"]


def test_dashboard_provider_points_at_the_mounted_folder() -> None:
    (provider,) = load_yaml(GRAFANA / "provisioning" / "dashboards" / "dashboards.yaml")[
        "providers"
    ]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/etc/grafana/dashboards"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda path: path.name)
def test_dashboards_are_valid_and_link_to_the_console(path: Path) -> None:
    dashboard = json.loads(path.read_text())
    assert dashboard["uid"] and dashboard["title"] and dashboard["panels"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    variables = {var["name"]: var for var in dashboard["templating"]["list"]}
    assert variables["console_url"]["query"].startswith("http")
    assert any(link["url"] == "${console_url}" for link in dashboard["links"])
    for name in ("job", "env"):
        # `{job=~".*"}` alone is refused by Loki (an empty-compatible matcher): All is `.+`.
        assert variables[name]["allValue"] == ".+"
    for title, target in _targets(dashboard):
        assert target["datasource"] == {"type": "loki", "uid": "loki"}, title
        assert 'job=~"$job"' in target["expr"], title
        for name in variables:
            assert "$" + name not in target["expr"] or name in {"job", "env"}, title


def test_log_volume_by_job_and_level() -> None:
    dashboard = _dashboard("triage-log-volume")
    exprs = {title: target["expr"] for title, target in _targets(dashboard)}
    assert exprs["Log lines by job"].startswith("sum by (job) (count_over_time(")
    assert exprs["Log lines by level"].startswith("sum by (level) (count_over_time(")


def test_errors_rate_types_tenants_and_recent_table() -> None:
    dashboard = _dashboard("triage-errors")
    panels = {panel["title"]: panel for panel in dashboard["panels"]}
    assert {"Error rate by job", "Top exception types", "Errors by tenant", "Recent errors"} <= set(
        panels
    )
    rate = panels["Error rate by job"]["targets"][0]["expr"]
    assert rate.startswith("sum by (job) (rate(") and 'level=~"error|critical|fatal"' in rate
    top = panels["Top exception types"]["targets"][0]
    assert top["expr"].startswith("topk(10, sum by (exception_type)")
    assert top["queryType"] == "instant"
    tenant = panels["Errors by tenant"]["targets"][0]["expr"]
    assert 'tenant_id="context.tenant_id"' in tenant
    recent = panels["Recent errors"]
    assert recent["type"] == "table"
    assert "| json" in recent["targets"][0]["expr"]
    links = json.dumps(recent["fieldConfig"]["overrides"])
    assert '\\"uid\\":\\"tempo\\"' in links and "${console_url}" in links
