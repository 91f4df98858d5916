"""The error domain's tables: groups, occurrences, hourly counts, notes, activity."""

from errors.models.activity import Activity, ActivityKind, Note
from errors.models.api_keys import ApiKey
from errors.models.events import Event, EventKind
from errors.models.groups import ErrorGroup, Status
from errors.models.occurrences import HourlyCount, Occurrence
from errors.models.saved_context import SavedContext, SaveReason
from errors.models.sources import AuthType, CountedLines, ErrorFilter, LokiSource

__all__ = [
    "Activity",
    "ActivityKind",
    "ApiKey",
    "AuthType",
    "CountedLines",
    "ErrorFilter",
    "ErrorGroup",
    "Event",
    "EventKind",
    "HourlyCount",
    "LokiSource",
    "Note",
    "Occurrence",
    "SaveReason",
    "SavedContext",
    "Status",
]
