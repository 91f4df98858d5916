"""Generic webhook: a documented JSON body (docs/alerts.md) signed with HMAC-SHA256.

The signature covers `<timestamp>.<raw body>`, so a receiver can reject both altered bodies and
replays of old ones. `Idempotency-Key` stays the same across retries: receivers dedupe on it.
"""

import hashlib
import hmac
import json
import time
from typing import Any

from alerts.alert import Alert, Context, Digest, ErrorSummary
from alerts.transport import Sent, post

VERSION = 1
SIGNATURE_HEADER = "X-Triage-Signature"
TIMESTAMP_HEADER = "X-Triage-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>." + body)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: int = 300
) -> bool:
    """The receiver's side of `sign`, as documented: also refuses timestamps out of tolerance."""
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def build_webhook_body(alert: Alert, context: Context) -> dict[str, Any]:
    return {
        "version": VERSION,
        "type": "test" if alert.reason.why == "test" else "alert",
        "id": alert.key,
        "reason": {"kind": str(alert.reason.why), "text": alert.reason.text},
        "rule": alert.rule,
        "error": _error(alert.error) | {"url": alert.links.console},
        "links": {"console": alert.links.console, "logs": alert.links.logs or None,
                  "trace": alert.links.trace or None},
        "context": {
            "lines": [{"ts": line.ts.isoformat(), "line": line.text, "level": line.level,
                       "is_error": line.is_error} for line in context.lines],
            "note": context.note or None,
        },
    }  # fmt: skip


def build_webhook_digest(digest: Digest) -> dict[str, Any]:
    return {
        "version": VERSION,
        "type": "digest",
        "id": digest.key,
        "total": digest.total,
        "alerts": [
            {"error": _error(item.error) | {"url": item.console}, "count": item.alerts,
             "reason": {"kind": str(item.reason.why), "text": item.reason.text}}
            for item in digest.items
        ],
    }  # fmt: skip


def send_signed(url: str, secret: str, payload: dict[str, Any], key: str) -> Sent:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        TIMESTAMP_HEADER: str(timestamp),
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    return post(url, body, headers)


def _error(error: ErrorSummary) -> dict[str, Any]:
    return {
        "id": str(error.id),
        "title": error.title,
        "exception_type": error.exception_type,
        "message": error.message,
        "level": error.level,
        "service": error.service,
        "environment": error.environment,
        "status": error.status,
        "count": error.count,
        "first_seen": error.first_seen.isoformat(),
        "last_seen": error.last_seen.isoformat(),
        "assignee": error.assignee or None,
        "fingerprint": error.fingerprint,
        "trace_id": error.trace_id or None,
    }
