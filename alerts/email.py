"""E-mail alerts through Django's mail (`MAILERS`): a plain-text body built by pure functions.

SMTP answers map onto the same failure family as HTTP: 5xx and refused recipients are
permanent, 4xx, disconnects and socket errors transient.
"""

import smtplib
from collections.abc import Sequence

from django.core.mail import send_mail

from alerts.alert import Alert, Context, Digest
from alerts.transport import DeliveryFailed, PermanentFailure, Sent, TransientFailure


def alert_subject(alert: Alert) -> str:
    title = alert.error.title.splitlines()[0] if alert.error.title else "error"
    return f"[{alert.error.level}] {title[:150]} ({alert.reason.text})"


def alert_body(alert: Alert, context: Context) -> str:
    error = alert.error
    lines = [
        error.title,
        "",
        f"Why: {alert.reason.text}" + (f" (rule: {alert.rule})" if alert.rule else ""),
        f"Service: {error.service or '-'}    Environment: {error.environment or '-'}",
        f"Count: {error.count}    Assignee: {error.assignee or 'nobody'}",
        f"First seen: {error.first_seen:%Y-%m-%d %H:%M:%S %Z}",
        f"Last seen: {error.last_seen:%Y-%m-%d %H:%M:%S %Z}",
        "",
    ]
    if context.lines:
        lines += ["Log lines around it:"]
        lines += [
            f"{'>' if c.is_error else ' '} {c.ts:%H:%M:%S} {c.level.upper():<5} {c.text[:300]}"
            for c in context.lines
        ]
    elif context.note:
        lines += [f"({context.note})"]
    links = [
        ("Console", alert.links.console),
        ("Logs", alert.links.logs),
        ("Trace", alert.links.trace),
    ]
    lines += ["", *(f"{name}: {url}" for name, url in links if url)]
    return "\n".join(lines)


def digest_subject(digest: Digest) -> str:
    return f"[triage] {digest.total} alerts for {len(digest.items)} errors"


def digest_body(digest: Digest) -> str:
    rows = [
        f"- {item.error.title[:150]} x{item.alerts} ({item.reason.text}; {item.error.count} seen)\n"
        f"  {item.console}"
        for item in digest.items
    ]
    return "\n".join([digest_subject(digest), "", *rows])


def send(recipients: Sequence[str], subject: str, body: str) -> Sent:
    """Send through the default mailer; map SMTP failures onto transient/permanent."""
    if not recipients:
        raise PermanentFailure("no recipients configured")
    try:
        count = send_mail(subject, body, None, list(recipients))
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        raise PermanentFailure(f"refused: {exc}") from None
    except smtplib.SMTPResponseException as exc:
        kind: type[DeliveryFailed] = PermanentFailure if exc.smtp_code >= 500 else TransientFailure
        raise kind(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", status=exc.smtp_code) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientFailure(f"SMTP failed: {exc or type(exc).__name__}") from None
    return Sent(250, f"sent to {count} message(s)")
