"""A morning of triage in a real browser: filter, search, sort, page, resolve, assign, note.

Screenshots of each page go to test-output/screenshots/ for people to look at.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from errors.models import Activity, ErrorGroup, Note, Status
from tests.browser import world
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def rows(page: Any) -> Any:
    return page.locator("[data-row]")


def settled(page: Any) -> None:
    """Wait until htmx has wired up what it swapped in (it drops `htmx-added` as it does): a key
    pressed before that clicks a plain form, which works but shows its notice elsewhere."""
    expect(page.locator("#results")).not_to_have_class(re.compile(r"\bhtmx-added\b"))


def test_triager_works_through_the_stream(live_server: Any, page: Any, alice: Any) -> None:
    errors = world.build()
    base = live_server.url
    log_in(page, base, "alice", shot="login")
    expect(rows(page)).to_have_count(50)
    expect(page.locator("#tabs .count").first).to_be_visible()
    screenshot(page, "stream")

    page.select_option("select[name=service]", "billing")
    expect(page).to_have_url(re.compile(r"service=billing"))
    expect(rows(page)).to_have_count(8)
    expect(rows(page).first).to_contain_text("payments gateway")

    page.fill("#search", "timeout")
    page.press("#search", "Enter")
    expect(page).to_have_url(re.compile(r"q=timeout"))
    expect(rows(page)).to_have_count(8)
    page.fill("#search", "is:new gateway !env:staging")
    page.press("#search", "Enter")
    expect(page).to_have_url(re.compile(r"env%3Astaging|env:staging"))
    expect(rows(page)).to_have_count(5)
    screenshot(page, "stream-search")

    page.click("text=Clear")
    expect(rows(page)).to_have_count(50)
    page.click("summary:has-text('Sort')")
    page.click(".menu-body >> text=Total events")
    expect(page).to_have_url(re.compile(r"sort=count"))
    biggest = max(errors, key=lambda e: e.occurrence_count)
    expect(rows(page).first).to_contain_text(biggest.message)

    page.click("a[rel=next]")
    expect(page).to_have_url(re.compile(r"cursor="))
    expect(rows(page)).to_have_count(14)
    page.go_back()
    expect(rows(page)).to_have_count(50)
    expect(rows(page).first).to_contain_text(biggest.message)

    page.goto(f"{base}/")
    first_two = [rows(page).nth(n).get_attribute("data-href") for n in range(2)]
    rows(page).nth(0).locator("input[name=ids]").check()
    rows(page).nth(1).locator("input[name=ids]").check()
    page.click("#bulk button[value=resolved]")
    expect(page.locator(".notice.ok")).to_have_text("Resolved: 2 errors.")
    expect(rows(page).first).not_to_have_attribute("data-href", first_two[0])
    assert ErrorGroup.objects.filter(status=Status.RESOLVED).count() == 3

    settled(page)
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page.locator(".notice.ok")).to_have_text("Assigned: 1 error.")
    assert ErrorGroup.objects.filter(assignee=alice).count() == 1
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("o")
    expect(page).to_have_url(re.compile(r"/errors/[0-9a-f-]{36}/$"))
    page.go_back()

    target = errors[3]
    page.click(f"a.title[href='/errors/{target.id}/']")
    expect(page.locator("#summary h1")).to_contain_text(target.message)
    page.click("#summary button:has-text('Assign to me')")
    expect(page.locator("#summary .facts")).to_contain_text("alice")
    page.click("#summary button[value=investigating]")
    expect(page.locator("#summary .pill").first).to_have_text("Investigating")
    page.fill("textarea[name=body]", "Payments gateway p99 is 4 s since the deploy at 09:10.")
    page.click("button:has-text('Add note')")
    expect(page.locator(".notes")).to_contain_text("p99 is 4 s")
    activity = page.locator(".activity")
    expect(activity).to_contain_text("added a note")
    expect(activity).to_contain_text("assigned to alice")
    expect(activity).to_contain_text("investigating")
    expect(page.get_by_text("Loki is not connected.").first).to_be_visible()
    screenshot(page, "error-page", full_page=True)
    assert Note.objects.filter(error=target, author=alice).exists()
    assert Activity.objects.filter(error=target, actor=alice).count() == 3


def test_error_page_shows_the_whole_story(live_server: Any, page: Any, alice: Any) -> None:
    error = world.build(count=10)[0]
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/errors/{error.id}/")
    expect(page.locator(".frame")).to_have_count(3)
    expect(page.locator(".breakdown").nth(2)).to_contain_text("acme")
    expect(page.locator(".grid-table tbody tr")).to_have_count(20)
    page.click("#chart >> text=Days")
    expect(page.locator("#chart .seg.on")).to_have_text("Days")
    page.keyboard.press("r")
    expect(page.locator("#summary .pill").first).to_have_text("Resolved")
    screenshot(page, "error-page-resolved")


def test_viewer_cannot_change_anything(live_server: Any, page: Any, bob: Any) -> None:
    error = world.build(count=5)[0]
    log_in(page, live_server.url, "bob")
    expect(rows(page)).to_have_count(5)
    expect(page.locator("input[name=ids]")).to_have_count(0)
    expect(page.locator("#bulk button")).to_have_count(0)
    screenshot(page, "stream-viewer")
    page.goto(f"{live_server.url}/errors/{error.id}/")
    expect(page.locator("#summary button")).to_have_count(0)
    expect(page.locator("textarea[name=body]")).to_have_count(0)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{live_server.url}/errors/{error.id}/status/",
        form={"status": "resolved"},
        headers={"X-CSRFToken": token, "Referer": f"{live_server.url}/"},
    )
    assert response.status == 403
    assert "CSRF" not in response.text()
    assert ErrorGroup.objects.get(pk=error.pk).status == Status.NEW


def test_admin_pages(live_server: Any, page: Any, carol: Any) -> None:
    error = world.build(count=3)[0]
    log_in(page, live_server.url, "carol")
    page.goto(f"{live_server.url}/errors/{error.id}/")
    page.click("text=Delete…")
    expect(page.locator("h2")).to_have_text("Delete this error?")
    screenshot(page, "confirm-delete")
    page.click("button:has-text('Delete permanently')")
    expect(page.locator(".toast")).to_contain_text("Deleted")
    assert not ErrorGroup.objects.filter(pk=error.pk).exists()
    page.goto(f"{live_server.url}/account/api-token/")
    screenshot(page, "api-token")


@pytest.mark.parametrize("page", ["dark"], indirect=True)
def test_dark_mode(live_server: Any, page: Any, alice: Any) -> None:
    error = world.build(count=12)[0]
    log_in(page, live_server.url, "alice", shot="login-dark")
    expect(rows(page)).to_have_count(13 - 1)
    screenshot(page, "stream-dark")
    page.goto(f"{live_server.url}/errors/{error.id}/")
    expect(page.locator("#summary")).to_be_visible()
    screenshot(page, "error-page-dark", full_page=True)
