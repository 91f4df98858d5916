"""Pure parsing and payload units (httpx.MockTransport where a response is needed)."""

import gzip
import json
import math

import httpx
import pytest

from logs.loki import LokiClient, LokiProtocolError, LokiQueryError, LokiSource, Profile, PushStream
from logs.loki_decode import decode_query, decode_strings, decode_tail_frame
from logs.loki_push import encode_push
from logs.loki_types import MatrixResult, ScalarResult, StreamsResult, VectorResult

FAST = Profile("test", 1.0, 1.0, 2.0, attempts=1, backoff_base=0.1, backoff_max=1.0)


def mock_client(body: bytes, status: int = 200) -> LokiClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})

    return LokiClient(LokiSource("http://loki.test"), FAST, transport=httpx.MockTransport(answer))


def streams(*result: dict[str, object]) -> bytes:
    return json.dumps(
        {"status": "success", "data": {"resultType": "streams", "result": list(result)}}
    ).encode()


def test_status_success_without_data_is_empty() -> None:
    assert mock_client(b'{"status":"success"}').labels() == []
    assert mock_client(b'{"status":"success"}').series() == []
    empty = mock_client(b'{"status":"success"}').query_range('{a="b"}', start_ns=0, end_ns=1)
    assert isinstance(empty, StreamsResult) and empty.streams == []


def test_merged_lines_keep_time_order_across_streams() -> None:
    body = streams(
        {"stream": {"s": "a"}, "values": [["30", "a3"], ["10", "a1"]]},
        {"stream": {"s": "b"}, "values": [["30", "b3"], ["20", "b2"]]},
    )
    result = decode_query(body)
    assert isinstance(result, StreamsResult)
    assert [line.line for line in result.lines("backward")] == ["a3", "b3", "b2", "a1"]
    assert [line.line for line in result.lines("forward")] == ["a1", "b2", "a3", "b3"]
    assert result.lines()[0].labels == {"s": "a"} and result.entry_count == 4


def test_nanosecond_timestamps_stay_exact() -> None:
    result = decode_query(streams({"stream": {}, "values": [["1795803548525682549", "x"]]}))
    assert isinstance(result, StreamsResult)
    assert result.streams[0].entries[0].ts == 1795803548525682549


def test_metric_values_include_special_floats() -> None:
    body = {"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {"f": "x"}, "values": [[1795800600, "+Inf"], [1795801500.5, "NaN"], [1, "-Inf"]]}
    ]}}  # fmt: skip
    result = decode_query(json.dumps(body).encode())
    assert isinstance(result, MatrixResult)
    values = [s.value for s in result.series[0].samples]
    assert values[0] == math.inf and math.isnan(values[1]) and values[2] == -math.inf
    assert result.series[0].samples[1].time == 1795801500.5


def test_vector_and_scalar() -> None:
    vector = {"resultType": "vector", "result": [{"metric": {}, "value": [1.5, "3"]}]}
    scalar = {"resultType": "scalar", "result": [2.0, "7"]}
    v = decode_query(json.dumps({"status": "success", "data": vector}).encode())
    s = decode_query(json.dumps({"status": "success", "data": scalar}).encode())
    assert isinstance(v, VectorResult) and v.samples[0].sample.value == 3.0
    assert isinstance(s, ScalarResult) and s.sample.value == 7.0


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"<html>502 Bad Gateway</html>", LokiProtocolError),
        (
            b'{"status":"success","data":{"resultType":"streams","result":[{"stream":{}}]}}',
            LokiProtocolError,
        ),
        (b'{"status":"error","errorType":"bad_data","error":"invalid parameter"}', LokiQueryError),
    ],
)
def test_unreadable_or_error_bodies(body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        mock_client(body).query_range('{a="b"}', start_ns=0, end_ns=1)


def test_strings_and_tail_frames() -> None:
    assert decode_strings(b'{"status":"success","data":["a","b"]}') == ["a", "b"]
    frame = decode_tail_frame(
        '{"streams":[{"stream":{"a":"b"},"values":[["5","x"]]}],'
        '"dropped_entries":[{"labels":{"a":"b"},"timestamp":"4"}]}'
    )
    assert frame.lines()[0].ts == 5 and frame.dropped_entries is not None
    assert frame.dropped_entries[0].timestamp == 4


def test_push_body_is_lokis_json_gzipped() -> None:
    body = encode_push([PushStream({"job": "a"}, [(1, "x"), (2, "y", {"trace_id": "t"})])])
    assert json.loads(gzip.decompress(body)) == {
        "streams": [{"stream": {"job": "a"}, "values": [["1", "x"], ["2", "y", {"trace_id": "t"}]]}]
    }
