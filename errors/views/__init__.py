"""Pages and actions of the error stream and the error page, one module per page."""

from errors.views.actions import add_note, assign, bulk, change_status, delete
from errors.views.detail import detail
from errors.views.stream import stream, stream_counts
from errors.views.token import api_token

__all__ = [
    "add_note",
    "api_token",
    "assign",
    "bulk",
    "change_status",
    "delete",
    "detail",
    "stream",
    "stream_counts",
]
