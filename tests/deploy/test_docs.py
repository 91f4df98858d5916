"""docs/deploy.md: the production topics, the storage method with its worked example, and every
variable the compose file reads and every alert, documented."""

import re

import pytest

from tests.deploy.repo import COMPOSE_FILE, DEPLOY, ROOT, load_yaml

DOC = ROOT / "docs" / "deploy.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text()


def test_covers_the_production_topics(doc: str) -> None:
    headings = set(re.findall(r"^#+ (.+)$", doc, re.MULTILINE))
    assert {
        "Loki on object storage",
        "Tenants",
        "TLS, reverse proxy and single sign-on",
        "Scaling web and workers",
        "Several pollers",
        "Backups",
        "Estimating storage",
    } <= headings
    for phrase in ("auth_enabled", "X-Scope-OrgID", "object_store: s3", "pg_dump", "SSO", "beat"):
        assert phrase in doc, phrase


def test_storage_worked_example_adds_up(doc: str) -> None:
    lines_per_second, bytes_per_line, days, ratio = 200, 500, 30, 0.15
    per_day = lines_per_second * bytes_per_line * 86_400
    assert f"{per_day / 1e9:.2f} GB" in doc
    assert f"{per_day * days / 1e9:.1f} GB" in doc
    assert f"{per_day * days * ratio / 1e9:.1f} GB" in doc
    times = "\N{MULTIPLICATION SIGN}"
    formula = times.join(
        ["lines per second ", " average bytes per line ", " 86,400 ", " retention days"]
    )
    assert formula in doc


def test_every_compose_variable_is_documented(doc: str) -> None:
    names = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_FILE.read_text()))
    missing = {name for name in names if name not in doc}
    assert not missing, f"variables read by docker-compose.yml but not in docs/deploy.md: {missing}"


def test_every_alert_is_documented(doc: str) -> None:
    for path in (DEPLOY / "prometheus" / "rules").glob("*.yml"):
        for group in load_yaml(path)["groups"]:
            for rule in group["rules"]:
                assert f"`{rule['alert']}`" in doc, rule["alert"]
