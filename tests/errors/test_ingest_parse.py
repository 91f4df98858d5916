"""Lines → records or reasons, field mappings, windows: the pure parts of ingestion."""

from datetime import timedelta

import pytest
from django.utils import timezone

from errors.ingest.aggregate import Window
from errors.ingest.cursor import MAX_WINDOW, epoch_ns, ns, plan_poll
from errors.ingest.fields import LineFields, mapping_for
from errors.ingest.lookback import KeyRecord, line_key
from errors.ingest.parse import Bad, LineParser, sample_of
from errors.ingest.streams import StreamTable
from errors.models import LokiSource
from logs.loki_types import LogLine

PARSE = LineParser(LineFields(mapping_for({})))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("plain text, not JSON", Bad.NOT_JSON),
        ('{"message": "cut', Bad.NOT_JSON),
        ("[1, 2]", Bad.NOT_JSON),
        ('"just a string"', Bad.NOT_JSON),
        ('{"message": "caf\ufffd"}', Bad.INVALID_UTF8),
        ('{"message": "lone \udcff"}', Bad.INVALID_UTF8),
        ('{"message": "' + "é" * 500_001 + '"}', Bad.TOO_LARGE),
    ],
)
def test_bad_lines_have_a_reason(text: str, reason: Bad) -> None:
    assert PARSE(text) is reason


def window() -> Window:
    return Window(
        "s", LineFields(mapping_for({})), StreamTable(["job"], ["env"]), levels=["error"], keep=2
    )


def test_a_line_without_message_is_bad_only_at_error_level() -> None:
    lines = ['{"level": "debug"}', '{"level": "error"}', '{"message": null}', '{"message": ""}']
    counted = window()
    counted.add([LogLine(i, text, {"job": "a"}, {}, {}) for i, text in enumerate(lines)])
    assert (counted.skipped, counted.bad_lines) == (1, 3)
    assert counted.groups["unparseable:s"].reasons == {Bad.NO_MESSAGE: 3}


def test_values_of_other_types_are_read_as_text() -> None:
    fields = PARSE.fields
    record = PARSE(
        '{"message": 42, "fingerprint": 7, "context": {"user_id": 5, "tenant_id": null}}'
    )
    assert fields.raw_text(record, "message") == "42"
    assert (fields.text(record, "fingerprint"), fields.text(record, "user")) == ("7", "5")
    assert fields.text(record, "tenant") == ""


def test_unknown_or_malformed_mappings_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        mapping_for({"colour": "x"})
    with pytest.raises(ValueError, match="both a value and an object"):
        LineFields(mapping_for({"user": "context"}))


def test_a_mapping_with_alternatives_takes_the_first_present() -> None:
    fields = LineFields(mapping_for({"fingerprint": ["fp", "error_fingerprint"]}))
    record = fields.decoder.decode('{"message": "m", "error_fingerprint": "b"}')
    assert fields.first_of("fingerprint")(record) == "b"


def test_a_sample_shows_the_start_of_the_line() -> None:
    assert sample_of("x" * 5000).endswith("…") and len(sample_of("x" * 5000)) == 2001
    assert sample_of("a\udcffb") == "a\\udcffb"


def test_line_keys_differ_by_stream_text_and_time() -> None:
    table = StreamTable(["job"], ["env"])
    one, two = table.info({"job": "a"}), table.info({"job": "b"})
    assert table.info({"job": "a"}) is one
    keys = {
        line_key(1, "x", one),
        line_key(1, "x", two),
        line_key(1, "y", one),
        line_key(2, "x", one),
    }
    assert len(keys) == 4


def test_the_record_skips_known_lines_only_while_checking() -> None:
    stream = StreamTable(["job"], ["env"]).info({"job": "a"})
    seen = KeyRecord(horizon_ns=100)
    item = LogLine(150, "x", {"job": "a"}, {}, {})
    assert seen.note(item, stream)
    assert seen.note(LogLine(50, "old, before the horizon", {}, {}, {}), stream)
    assert [len(keys) for keys in seen.fresh.values()] == [1]
    stored = [b"".join(keys.tobytes() for keys in seen.fresh.values())]
    again = KeyRecord(horizon_ns=100, known=stored)
    again.checking = True
    assert again.note(item, stream) is False
    assert again.note(LogLine(151, "x", {}, {}, {}), stream) is True
    assert again.late == 1


def test_windows_tile_time_and_catch_up_in_steps() -> None:
    now = timezone.now()
    source = LokiSource(name="s", url="http://x", selector='{job="a"}')
    first = plan_poll(source, now, backfill=timedelta(hours=3))
    assert first.start_ns == epoch_ns(now) - ns(timedelta(hours=3))
    assert first.end_ns == first.start_ns + ns(MAX_WINDOW) and first.behind
    assert not first.sweeps
    source.cursor_ns, source.sweep_floor_ns = first.end_ns, first.floor_ns
    source.last_sweep_at = now - timedelta(minutes=5)
    later = now + timedelta(hours=2, minutes=59, seconds=50)
    second = plan_poll(source, later, backfill=timedelta(hours=3))
    assert second.start_ns == first.end_ns
    assert not second.sweeps  # the cursor is still behind the horizon


def test_since_may_skip_ahead_but_never_back() -> None:
    now = timezone.now()
    source = LokiSource(name="s", url="http://x", selector='{job="a"}', cursor_ns=epoch_ns(now))
    with pytest.raises(ValueError, match="twice"):
        plan_poll(source, now, backfill=timedelta(hours=1), since=now - timedelta(minutes=1))
    ahead = plan_poll(source, now + timedelta(minutes=5), backfill=timedelta(hours=1), since=now)
    assert ahead.floor_ns == ahead.start_ns == epoch_ns(now)
