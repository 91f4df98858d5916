"""A real Chromium: open an error, read its log context, load more, open the trace, follow a span.

Screenshots go to test-output/screenshots/correlation-*.png for people to look at.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.correlation.world import SPAN, occurrence_for, push_app, push_worker
from tests.factories import ErrorGroupFactory
from tests.stubs.loki import LokiStub
from tests.stubs.tempo import ERROR_TRACE_ID, TempoStub

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
TRIAGER = ["view_errorgroup", "view_occurrence", "change_errorgroup", "add_note"]
ROLES = {
    "viewer": ["view_errorgroup", "view_occurrence", "view_savedcontext"],
    "triager": [*TRIAGER, "view_savedcontext", "add_savedcontext"],
}


@pytest.fixture
def world(
    transactional_db: None, settings: Any, loki_stub: LokiStub, tempo_stub: TempoStub,
) -> Iterator[Any]:  # fmt: skip
    """Roles (a live server's flush drops them), a Loki source, Tempo, and one error."""
    from django.contrib.auth.models import Group, Permission

    from errors.models import ErrorGroup, LokiSource

    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    settings.TEMPO_URL = tempo_stub.url
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(codename__in=codenames))
    ErrorGroup.objects.all().delete()
    LokiSource.objects.create(name="app", url=loki_stub.url, selector='{job=~"fraiseql-.+"}')
    push_app(loki_stub)
    push_worker(loki_stub)
    error = ErrorGroupFactory(
        fingerprint="db_connection_timeout", source="app", exception_type="DatabaseConnectionError",
        message="Database connection failed", service="fraiseql-app", environment="dev",
        last_trace_id=ERROR_TRACE_ID,
    )  # fmt: skip
    occurrence_for(error, operation="create_post", service="fraiseql-app", environment="dev")
    yield error
    ErrorGroup.objects.all().delete()


@pytest.fixture(params=["light"])
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1360, "height": 900},
        color_scheme=request.param,
        timezone_id="Europe/Paris",
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def shot(page: Any, name: str, locator: Any = None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = locator if locator is not None else page
    target.screenshot(path=str(SHOTS / f"correlation-{name}.png"))


def reveal(page: Any, selector: str) -> Any:
    """Scroll down until a lazy panel (HTMX `revealed`) has loaded; its locator."""
    for _ in range(30):
        if page.locator(selector).count():
            break
        page.mouse.wheel(0, 300)
        page.wait_for_timeout(100)
    return page.locator(selector)


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base}/")


def test_from_an_error_to_its_lines_its_trace_and_a_spans_logs(
    live_server: Any, page: Any, world: Any, alice: Any
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    sign_in(page, base, "alice")
    page.goto(f"{base}/errors/{world.id}/")
    panel = reveal(page, "#log-context")
    expect(panel).to_have_attribute("data-zone", "Europe/Paris")
    hit = panel.locator(".ll.hit")
    expect(hit).to_have_count(1)
    expect(hit.locator("time")).to_have_text("19:19:24.260")
    expect(panel.locator(".src-badge.live")).to_have_text("Live from Loki")

    hit.locator("summary").click()
    expect(hit.locator(".ll-json pre")).to_contain_text(
        '"exception_type": "DatabaseConnectionError"'
    )
    rows = panel.locator(".ll")
    expect(rows).to_have_count(100)
    panel.get_by_role("button", name="Load 50 earlier lines").click()
    expect(rows).to_have_count(150)
    shot(page, "log-context", panel)
    page.emulate_media(color_scheme="dark")
    shot(page, "log-context-dark", panel)
    page.emulate_media(color_scheme="light")

    panel.get_by_text("Same trace, every stream").click()
    expect(panel.locator(".ll")).to_have_count(3)
    expect(panel.locator("code#ctx-logql")).to_contain_text(ERROR_TRACE_ID)
    shot(page, "log-context-trace", panel)

    trace = reveal(page, "#trace-panel")
    expect(trace).to_have_attribute("data-zone", "Europe/Paris")
    expect(trace.locator(".wf-row")).to_have_count(5)
    shot(page, "trace-panel", trace)
    page.screenshot(path=str(SHOTS / "correlation-error-page.png"), full_page=True)
    trace.get_by_role("link", name="Full page").click()
    page.wait_for_url(f"**/traces/{ERROR_TRACE_ID}/**")
    error_row = page.locator(f'.wf-row[data-span="{SPAN}"]')
    expect(error_row).to_have_class("wf-row err")
    error_row.get_by_role("button", name="Logs for this span").click()
    logs = page.locator(f"#span-logs-{SPAN}")
    expect(logs.locator(".ll")).to_have_count(1)
    expect(logs).to_contain_text("Database connection failed")
    shot(page, "trace-page", page.locator("main"))

    logs.get_by_role("link", name="error").click()
    page.wait_for_url(f"{base}/errors/{world.id}/")


def test_the_log_explorer_with_a_live_tail(
    live_server: Any, page: Any, world: Any, alice: Any, loki_stub: LokiStub
) -> None:
    import time

    from playwright.sync_api import expect

    from tests.correlation.world import APP, T0

    base = live_server.url
    sign_in(page, base, "alice")
    start, end = T0 - 60 * 10**9, T0 + 60 * 10**9
    page.goto(f"{base}/logs/?source=app&contains=request&start={start}&end={end}")
    rows = page.locator(".loglines .ll")
    expect(rows).to_have_count(100)
    page.get_by_role("link", name="Older lines").click()
    expect(rows).to_have_count(200)
    shot(page, "explorer", page.locator("main"))
    page.get_by_role("button", name="▶ Live tail").click()
    expect(page.locator("#tail-poller .pulse")).to_be_visible()
    loki_stub.push(APP | {"level": "warn"}, [(time.time_ns(), "request slow: 2.3 s")])
    expect(page.locator("#tail-rows .ll")).to_contain_text(["request slow: 2.3 s"], timeout=15_000)
    shot(page, "explorer-tail", page.locator("main"))
    page.get_by_role("button", name="■ Stop").click()
    expect(page.locator("#tail-poller")).to_contain_text("Stopped.")


def test_failures_read_plainly_and_retry_works(
    live_server: Any, page: Any, world: Any, alice: Any, loki_stub: LokiStub, tempo_stub: TempoStub
) -> None:
    from playwright.sync_api import expect

    from errors.models import Occurrence
    from tests.stubs.tempo import MISSING_TRACE_ID

    Occurrence.objects.filter(error=world).update(trace_id=MISSING_TRACE_ID)
    loki_stub.delay = 2.5
    base = live_server.url
    sign_in(page, base, "alice")
    page.goto(f"{base}/errors/{world.id}/")
    panel = reveal(page, "#log-context")
    expect(panel.locator(".problem")).to_contain_text("Loki did not answer in time.")
    trace = reveal(page, "#trace-panel")
    expect(trace).to_contain_text("This trace is not in Tempo any longer.")
    shot(page, "failures", page.locator(".col-main"))
    loki_stub.delay = 0
    panel.get_by_role("button", name="Retry").click()
    expect(page.locator("#log-context .ll.hit")).to_have_count(1)
