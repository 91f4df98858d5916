"""The error domain's tables: groups, occurrences, hourly counts, notes, activity."""

from errors.models.activity import Activity, ActivityKind, Note
from errors.models.groups import ErrorGroup, Status
from errors.models.occurrences import HourlyCount, Occurrence

__all__ = [
    "Activity",
    "ActivityKind",
    "ErrorGroup",
    "HourlyCount",
    "Note",
    "Occurrence",
    "Status",
]
