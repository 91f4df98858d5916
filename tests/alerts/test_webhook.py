"""The webhook body and its signature, checked with the recipe from docs/alerts.md."""

import hashlib
import hmac
import json
import time

from alerts import webhook
from alerts.alert import Context
from tests.alerts.conftest import Receiver
from tests.alerts.samples import alert, lines

SECRET = "whsec_test"


def documented_verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """docs/alerts.md, "Verifying the signature", written out independently of the sender."""
    timestamp = headers["x-triage-timestamp"]
    if abs(time.time() - int(timestamp)) > 300:
        return False
    signed = timestamp.encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["x-triage-signature"])


def test_a_received_body_verifies_with_the_documented_recipe(receiver: Receiver) -> None:
    body = webhook.build_webhook_body(alert(), lines("before", "boom"))
    webhook.send_signed(receiver.url, SECRET, body, "event-1-channel-1")
    (request,) = receiver.received
    assert documented_verify(SECRET, request.headers, request.body)
    assert webhook.verify(SECRET, request.headers["x-triage-timestamp"], request.body,
                          request.headers["x-triage-signature"])  # fmt: skip
    assert request.headers["idempotency-key"] == "event-1-channel-1"
    assert request.headers["content-type"] == "application/json"


def test_a_changed_body_or_wrong_secret_or_old_timestamp_does_not_verify(
    receiver: Receiver,
) -> None:
    webhook.send_signed(receiver.url, SECRET, {"a": 1}, "k")
    (request,) = receiver.received
    headers = request.headers
    assert not documented_verify(SECRET, headers, request.body.replace(b"1", b"2"))
    assert not documented_verify("other", headers, request.body)
    old = str(int(headers["x-triage-timestamp"]) - 3600)
    resigned = webhook.sign(SECRET, int(old), request.body)
    assert not webhook.verify(SECRET, old, request.body, resigned)


def test_no_secret_no_signature_header(receiver: Receiver) -> None:
    webhook.send_signed(receiver.url, "", {"a": 1}, "k")
    assert "x-triage-signature" not in receiver.received[0].headers


def test_body_matches_the_documented_shape() -> None:
    body = webhook.build_webhook_body(alert(), lines("before", "boom"))
    assert set(body) == {"version", "type", "id", "reason", "rule", "error", "links", "context"}
    assert body["type"] == "alert" and body["reason"] == {"kind": "new", "text": "New error"}
    assert body["error"]["count"] == 1234 and body["error"]["url"].endswith("/")
    assert body["context"]["lines"][-1]["is_error"] is True
    assert json.loads(json.dumps(body)) == body
    missing = webhook.build_webhook_body(alert(trace_id=""), Context(note="Loki did not answer"))
    assert missing["error"]["trace_id"] is None
    assert missing["context"] == {"lines": [], "note": "Loki did not answer"}


def test_a_timestamp_of_non_ascii_digits_does_not_verify() -> None:
    body = b"{}"
    assert not webhook.verify(SECRET, "\u00b2", body, webhook.sign(SECRET, 2, body))
