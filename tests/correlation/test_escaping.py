"""Hostile log lines: everything escaped, colour codes and controls gone, long lines cut."""

import re
from typing import Any

import pytest
from django.utils import timezone

from errors.correlation.lines import FULL_CHARS, SHORT_CHARS, clean, show
from logs.loki_types import LogLine
from tests.correlation.conftest import htmx, login
from tests.correlation.world import APP, MS, T0, occurrence_for
from tests.factories import ErrorGroupFactory
from tests.stubs.loki import LokiStub

pytestmark = pytest.mark.django_db
HOSTILE = [
    '<script>alert("x")</script><img src=x onerror=alert(1)>',
    '{"level":"error","message":"</pre><script>steal()</script>","note":"\\u003cb\\u003e"}',
    "\x1b[31mERROR\x1b[0m \x1b]8;;http://evil.example\x07click\x1b]8;;\x07 done\x1b[2K",
    "nul\x00 bell\x07 back\x08space",
    "bad \ufffd\ufffd bytes",
    "x" * (FULL_CHARS + 5000),
]


@pytest.fixture
def html(bob: Any, source: Any, loki_stub: LokiStub) -> str:
    error = ErrorGroupFactory(source="app")
    occurrence_for(error)
    entries = [(T0 - (n + 1) * MS, line) for n, line in enumerate(HOSTILE)]
    loki_stub.push(APP | {"level": "info", "pod": '"><script>x()</script>'}, entries)
    response = htmx(login(bob), f"/errors/{error.id}/logs/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_markup_in_lines_and_labels_is_escaped(html: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in html
    )
    assert "&lt;/pre&gt;&lt;script&gt;steal()&lt;/script&gt;" in html
    assert "<script>steal" not in html and "<script>x()" not in html
    assert "pod=&quot;&gt;&lt;script&gt;x()&lt;/script&gt;" in html
    assert len(re.findall(r"<script", html)) == 1, "only the panel's own script tag"


def test_terminal_codes_are_stripped_and_controls_made_visible(html: str) -> None:
    assert "\x1b" not in html and "[31m" not in html and "]8;;" not in html
    assert "ERROR click done" in html
    assert "nul\u2400 bell\u2407 back\u2408space" in html


def test_replacement_characters_stay_readable(html: str) -> None:
    assert "bad \ufffd\ufffd bytes" in html


def test_a_very_long_line_is_cut_with_show_all(html: str) -> None:
    assert f"… show all {FULL_CHARS} characters" in html
    assert "5000 more characters not shown" in html
    assert "x" * (FULL_CHARS + 1) not in html


def test_lone_surrogates_and_invalid_text_never_reach_the_page() -> None:
    broken = b"bad \xff\xfe bytes".decode("utf-8", "surrogateescape")
    assert clean(broken) == "bad \ufffd\ufffd bytes"
    shown = show(LogLine(T0, broken, {"job": "x\udcff"}, {}, {}), timezone.UTC)
    assert shown.text.encode("utf-8") and dict(shown.labels)["job"] == "x\ufffd"


def test_the_short_form_is_bounded() -> None:
    shown = show(LogLine(T0, "y" * 50_000, {}, {}, {}), timezone.UTC)
    assert len(shown.text) == SHORT_CHARS and len(shown.rest) == 50_000
