"""The logging kit applications import: JSON lines for Loki, scrubbing, one fingerprint function,
and direct error reporting to monitoring.errors. Standard library only; opentelemetry-api and
psycopg are used when installed. See docs/logging-kit.md.
"""

from triage_logging.error_row import UPSERT_SQL, ErrorReport, build_report
from triage_logging.fingerprint import (
    FINGERPRINT_VERSION,
    exception_type_name,
    fingerprint,
    fingerprint_exception,
    fingerprint_fields,
    fingerprint_version,
)
from triage_logging.formatter import JSONFormatter
from triage_logging.key_values import SecretValues
from triage_logging.normalise import normalise_message
from triage_logging.patterns import Scrubber, ScrubPattern
from triage_logging.reporting import report_error, report_error_async
from triage_logging.scrubbing import ScrubbingFilter, scrub, scrub_value
from triage_logging.sensitive import DEFAULT_PATTERNS, card_number_likely, luhn_valid

__all__ = [
    "DEFAULT_PATTERNS",
    "FINGERPRINT_VERSION",
    "UPSERT_SQL",
    "ErrorReport",
    "JSONFormatter",
    "ScrubPattern",
    "Scrubber",
    "ScrubbingFilter",
    "SecretValues",
    "build_report",
    "card_number_likely",
    "exception_type_name",
    "fingerprint",
    "fingerprint_exception",
    "fingerprint_fields",
    "fingerprint_version",
    "luhn_valid",
    "normalise_message",
    "report_error",
    "report_error_async",
    "scrub",
    "scrub_value",
]
