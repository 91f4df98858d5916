"""Every triage state change goes through here: single and bulk are the same code.

Functions take a queryset (one error or many), validate the transition, update the rows and
write one Activity row per changed error, in one transaction. Views, the JSON API, the poller
and Slack buttons call these; nothing else sets status, assignee or ignore conditions.
"""

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from errors.models import Activity, ActivityKind, ErrorGroup, Note, Status

Actor = AbstractBaseUser | AnonymousUser | None
CHANGE_PERMISSION = "errors.change_errorgroup"
NOTE_PERMISSION = "errors.add_note"
DELETE_PERMISSION = "errors.delete_errorgroup"


def require(actor: Actor, permission: str) -> None:
    """Refuse a person without the permission; automated actors (None) are trusted."""
    if actor is not None and not actor.has_perm(permission):  # type: ignore[union-attr]
        raise PermissionDenied(f"{permission} is required")


def _user(actor: Actor) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


# The poller's statements: a poll may create, reopen or bring back ten thousand errors at once,
# and one statement over an id list costs a fraction of model instances or a long IN list.
_LOG_SQL = """
INSERT INTO errors_activity (error_id, kind, actor_id, actor_label, data, created_at)
SELECT error_id, %s, %s, %s, %s::jsonb, %s
FROM unnest(string_to_array(%s, ',')::uuid[]) AS error_id
"""
_REGRESS_SQL = """
UPDATE monitoring.errors SET status = %s, regression_count = regression_count + 1,
    last_regressed_at = %s, resolved_at = NULL, resolved_by_id = NULL
WHERE status = %s AND id = ANY(string_to_array(%s, ',')::uuid[])
RETURNING id
"""
_UNIGNORE_SQL = """
UPDATE monitoring.errors SET status = %s, ignored_until = NULL, ignored_until_count = NULL
WHERE status = %s AND (ignored_until <= %s OR occurrence_count >= ignored_until_count)
    AND id = ANY(string_to_array(%s, ',')::uuid[])
RETURNING id
"""


def _log(ids: Iterable[UUID], kind: str, actor: Actor, label: str, data: dict[str, Any]) -> None:
    """One Activity row per id, in one statement."""
    joined = ",".join(map(str, ids))
    if not joined:
        return
    user = _user(actor)
    params = [
        kind,
        user.pk if user is not None else None,
        label,
        json.dumps(data),
        timezone.now(),
        joined,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_LOG_SQL, params)


def _locked(errors: QuerySet[ErrorGroup]) -> QuerySet[ErrorGroup]:
    """The rows of `errors`, locked; by id so that no joined table is locked with them."""
    return ErrorGroup.objects.filter(id__in=errors.values("id")).order_by().select_for_update()


def change_status(
    errors: QuerySet[ErrorGroup],
    status: str,
    *,
    actor: Actor,
    actor_label: str = "",
    ignore_until: datetime | None = None,
    ignore_more: int | None = None,
) -> int:
    """Set the status of every error in `errors`; returns how many changed."""
    require(actor, CHANGE_PERMISSION)
    if status not in Status.values:
        raise ValidationError(f"unknown status {status!r}")
    if (ignore_until or ignore_more) and status != Status.IGNORED:
        raise ValidationError("ignore conditions only apply to the ignored status")
    if ignore_more is not None and ignore_more < 1:
        raise ValidationError("ignore for at least one more occurrence")
    now = timezone.now()
    user = _user(actor)
    fields: dict[str, Any] = {"status": status, "resolved_at": None, "resolved_by": None}
    fields |= {"ignored_until": None, "ignored_until_count": None}
    if status == Status.RESOLVED:
        fields |= {"resolved_at": now, "resolved_by": user}
    if status == Status.IGNORED:
        fields["ignored_until"] = ignore_until
        if ignore_more:
            fields["ignored_until_count"] = F("occurrence_count") + ignore_more
    with transaction.atomic():
        locked = _locked(errors)
        if status != Status.IGNORED:
            locked = locked.exclude(status=status)
        before = dict(locked.values_list("id", "status"))
        ErrorGroup.objects.filter(id__in=before).update(**fields)
        extra = {"until": ignore_until.isoformat() if ignore_until else None, "more": ignore_more}
        user_rows = [
            Activity(
                error_id=error_id,
                kind=ActivityKind.STATUS_CHANGED,
                actor=user,
                actor_label=actor_label,
                data={"from": old, "to": status} | ({} if status != Status.IGNORED else extra),
            )
            for error_id, old in before.items()
        ]
        Activity.objects.bulk_create(user_rows)
    return len(before)


def assign(
    errors: QuerySet[ErrorGroup], assignee: Any, *, actor: Actor, actor_label: str = ""
) -> int:
    """Assign every error in `errors` to `assignee` (None: nobody)."""
    require(actor, CHANGE_PERMISSION)
    if assignee is not None and not assignee.is_active:
        raise ValidationError("cannot assign to an inactive user")
    assignee_id = assignee.pk if assignee is not None else None
    with transaction.atomic():
        locked = _locked(errors)
        before = dict(locked.exclude(assignee_id=assignee_id).values_list("id", "assignee_id"))
        ErrorGroup.objects.filter(id__in=before).update(assignee_id=assignee_id)
        name = assignee.get_username() if assignee is not None else None
        Activity.objects.bulk_create(
            Activity(
                error_id=error_id,
                kind=ActivityKind.ASSIGNED,
                actor=_user(actor),
                actor_label=actor_label,
                data={"from": old, "to": name},
            )
            for error_id, old in before.items()
        )
    return len(before)


def add_note(error: ErrorGroup, body: str, *, actor: Actor) -> Note:
    require(actor, NOTE_PERMISSION)
    body = body.strip()
    if not body:
        raise ValidationError("a note cannot be empty")
    with transaction.atomic():
        note = Note.objects.create(error=error, author=_user(actor), body=body)
        _log([error.id], ActivityKind.NOTE_ADDED, actor, "", {"note_id": note.pk})
    return note


def delete(errors: QuerySet[ErrorGroup], *, actor: Actor) -> int:
    """Delete errors with their occurrences, counts, notes and history (data-deletion requests)."""
    require(actor, DELETE_PERMISSION)
    with transaction.atomic():
        count = errors.count()
        errors.delete()
    return count


def mark_created(ids: Iterable[UUID], *, actor_label: str, data: dict[str, Any]) -> None:
    """History for new groups the poller (or the SQL watcher) found; call inside its transaction."""
    _log(ids, ActivityKind.CREATED, None, actor_label, data)


def mark_alerted(ids: Iterable[UUID], *, data: dict[str, Any]) -> None:
    """History for alerts that reached a channel; call inside the transaction recording them."""
    _log(ids, ActivityKind.ALERTED, None, "alerts", data)


def regress(ids: Iterable[UUID], at: datetime, *, actor_label: str) -> list[UUID]:
    """Reopen resolved errors seen again; returns the ids that really were resolved."""
    reopened = _update_ids(_REGRESS_SQL, ids, Status.NEW, at, Status.RESOLVED)
    _log(reopened, ActivityKind.REGRESSED, None, actor_label, {"at": at.isoformat()})
    return reopened


def unignore_due(ids: Iterable[UUID], now: datetime, *, actor_label: str) -> list[UUID]:
    """Bring back ignored errors whose date or occurrence condition has been met."""
    back = _update_ids(_UNIGNORE_SQL, ids, Status.NEW, Status.IGNORED, now)
    _log(back, ActivityKind.UNIGNORED, None, actor_label, {"at": now.isoformat()})
    return back


def _update_ids(sql: str, ids: Iterable[UUID], *params: Any) -> list[UUID]:
    """Run one of the poller's transitions over `ids` (nothing to run without ids)."""
    joined = ",".join(map(str, ids))
    if not joined:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, joined])
        return [row[0] for row in cursor.fetchall()]
