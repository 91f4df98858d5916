"""Saved context: scrubbed copies in PostgreSQL, shown when Loki no longer has the lines."""

import re
from typing import Any

import pytest

from errors.correlation.saving import save_context
from errors.correlation.tasks import SAVE_DELAY_SECONDS, save_context_task, schedule_save
from errors.models import SavedContext, SaveReason
from errors.models.saved_context import KEEP_PER_ERROR
from tests.correlation.conftest import htmx, login
from tests.correlation.world import APP, MS, T0, occurrence_for, push_app
from tests.factories import ErrorGroupFactory
from tests.stubs.loki import LokiStub

pytestmark = pytest.mark.django_db
SECRET = "user bob@example.com paid with 4111 1111 1111 1111, password=hunter2"


@pytest.fixture
def error(source: Any) -> Any:
    return ErrorGroupFactory(fingerprint="db_connection_timeout", source="app")


def test_saved_lines_are_scrubbed_and_keep_their_anchor(
    error: Any, loki_stub: LokiStub, alice: Any
) -> None:
    push_app(loki_stub, count=10)
    loki_stub.push(
        APP | {"level": "info"},
        [(T0 - MS, SECRET)],
    )
    occurrence = occurrence_for(error)
    saved = save_context(occurrence.pk, by=alice)
    texts = [row[2] for row in saved.lines]
    assert len(texts) == 24 and saved.reason == SaveReason.MANUAL and saved.saved_by == alice
    assert "user [EMAIL] paid with [CREDIT_CARD], password=[REDACTED]" in texts
    assert not any("bob@example.com" in text or "hunter2" in text for text in texts)
    assert (saved.anchor_ns, saved.source) == (T0, "app")
    assert saved.query == '{env="dev", job="fraiseql-app"}'
    assert [int(row[0]) for row in saved.lines] == sorted(int(row[0]) for row in saved.lines)


def test_a_nul_character_in_a_line_is_saved_as_a_replacement_character(
    error: Any, loki_stub: LokiStub
) -> None:
    push_app(loki_stub, count=2)
    loki_stub.push(APP | {"level": "info"}, [(T0 - MS, "binary\x00payload")])
    saved = save_context(occurrence_for(error).pk)
    assert "binary\ufffdpayload" in [row[2] for row in saved.lines]


def test_the_panel_shows_saved_lines_when_loki_no_longer_has_them(
    error: Any, loki_stub: LokiStub, alice: Any, bob: Any
) -> None:
    push_app(loki_stub, count=5)
    occurrence = occurrence_for(error)
    save_context(occurrence.pk, reason=SaveReason.FIRST)
    loki_stub.stores.clear()  # retention: Loki has deleted the lines
    html = htmx(login(bob), f"/errors/{error.id}/logs/").content.decode()
    assert "Saved lines" in html and "Live from Loki" not in html
    assert "Loki no longer has lines around this occurrence." in html
    assert "(first occurrence)" in html and "not live" in html
    assert html.count('class="ll ') == 13
    assert re.search(rf'class="ll lv-error hit" data-ts="{T0}"', html)


def test_the_panel_shows_saved_lines_while_loki_is_down(
    error: Any, loki_stub: LokiStub, bob: Any
) -> None:
    push_app(loki_stub, count=5)
    save_context(occurrence_for(error).pk, reason=SaveReason.REGRESSION)
    loki_stub.fail_next(503, "overloaded", times=50)
    html = htmx(login(bob), f"/errors/{error.id}/logs/").content.decode()
    assert "Loki cannot be reached right now." in html and "Saved lines" in html
    assert html.count('class="ll ') == 13


def test_live_is_the_default_and_saved_is_one_choice_away(
    error: Any, loki_stub: LokiStub, bob: Any
) -> None:
    push_app(loki_stub, count=5)
    occurrence = occurrence_for(error)
    save_context(occurrence.pk)
    client = login(bob)
    live = htmx(client, f"/errors/{error.id}/logs/").content.decode()
    assert "Live from Loki" in live and "A copy of these lines was saved" in live
    assert '<option value="saved" >saved lines</option>' in live.replace("  ", " ")
    saved = htmx(client, f"/errors/{error.id}/logs/", view="saved").content.decode()
    assert "Saved lines" in saved and "Live from Loki" not in saved


def test_saving_by_hand_from_the_panel(error: Any, loki_stub: LokiStub, alice: Any) -> None:
    push_app(loki_stub, count=5)
    occurrence = occurrence_for(error)
    client = login(alice)
    panel = htmx(client, f"/errors/{error.id}/logs/").content.decode()
    assert "Save these lines</button>" in panel
    response = client.post(
        f"/errors/{error.id}/context/save/",
        {"occurrence": occurrence.pk, "window": "1m", "lines": 25},
        headers={"HX-Request": "true", "HX-Target": "log-context"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved lines" in html and "saved by hand by alice" in html.replace("(", "")
    saved = SavedContext.objects.get()
    assert saved.occurrence == occurrence and saved.start_ns == T0 - 60 * 10**9


def test_the_poller_hook_saves_after_commit_and_later(
    error: Any, loki_stub: LokiStub, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    push_app(loki_stub, count=5)
    first = occurrence_for(error, timestamp_ns=T0)
    occurrence_for(error, timestamp_ns=T0 + 10 * MS)
    sent: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        save_context_task, "apply_async", lambda args, countdown: sent.append((args, countdown))
    )
    with django_capture_on_commit_callbacks(execute=True):
        schedule_save([error.pk], SaveReason.FIRST)
        assert sent == [], "nothing before the commit"
    assert sent == [(([str(error.pk)], "first"), SAVE_DELAY_SECONDS)]
    assert save_context_task([str(error.pk)], "first") == [SavedContext.objects.get().pk]
    assert SavedContext.objects.get().occurrence == first
    save_context_task([str(error.pk)], "regression")
    assert SavedContext.objects.get(reason="regression").anchor_ns == T0 + 10 * MS


def test_saved_copies_are_bounded_per_error(error: Any, loki_stub: LokiStub) -> None:
    push_app(loki_stub, count=2)
    first = occurrence_for(error)
    save_context(first.pk, reason=SaveReason.FIRST)
    for n in range(KEEP_PER_ERROR + 5):
        save_context(occurrence_for(error, timestamp_ns=T0 + n).pk)
    kept = SavedContext.objects.filter(error=error)
    assert kept.count() == KEEP_PER_ERROR
    assert kept.filter(reason=SaveReason.FIRST).exists()


def test_the_copy_outlives_its_pruned_occurrence(error: Any, loki_stub: LokiStub, bob: Any) -> None:
    push_app(loki_stub, count=3)
    pruned = occurrence_for(error)
    save_context(pruned.pk, reason=SaveReason.REGRESSION)
    pruned.delete()
    occurrence_for(error)  # the same moment, re-read by a later poll
    loki_stub.stores.clear()
    html = htmx(login(bob), f"/errors/{error.id}/logs/").content.decode()
    assert "Saved lines" in html and html.count('class="ll ') == 9
