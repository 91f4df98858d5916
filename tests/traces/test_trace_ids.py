"""Trace ids are checked before any request and written one way: 32 lower-case hex digits."""

import pytest

from traces.tempo_errors import InvalidTraceId, TempoQueryError
from traces.trace_ids import normalize_trace_id, wire_id_to_hex


def test_full_id_is_lowered_and_trimmed() -> None:
    raw = " CC6577428C2F6D6BC64E5A22FAC180D6\n"
    assert normalize_trace_id(raw) == "cc6577428c2f6d6bc64e5a22fac180d6"


def test_64_bit_id_is_zero_padded_like_tempo_does() -> None:
    assert normalize_trace_id("c64e5a22fac180d6") == "0000000000000000c64e5a22fac180d6"


@pytest.mark.parametrize(
    "raw",
    ["not-a-trace-id", "", "abc", "cc6577428c2f6d6bc64e5a22fac180d", "g" * 32, "0" * 32, "../x"],
)
def test_anything_else_is_rejected_as_a_query_error(raw: str) -> None:
    with pytest.raises(InvalidTraceId) as caught:
        normalize_trace_id(raw)
    assert isinstance(caught.value, TempoQueryError)
    assert isinstance(caught.value, ValueError)


def test_wire_ids_base64_or_hex() -> None:
    assert wire_id_to_hex("zGV3QowvbWvGTloi+sGA1g==") == "cc6577428c2f6d6bc64e5a22fac180d6"
    assert wire_id_to_hex("6MS/FE0zNJU=") == "e8c4bf144d333495"
    assert wire_id_to_hex("E8C4BF144D333495") == "e8c4bf144d333495"
    assert wire_id_to_hex("") == ""
    assert wire_id_to_hex("%%%") == ""
