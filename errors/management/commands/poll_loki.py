"""`manage.py poll_loki`: poll Loki sources by hand, without Celery (scripts, debugging)."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from errors.ingest.poll import PollError, PollSummary, poll_once
from errors.ingest.sources import due_sources, ensure_default_source
from errors.models import LokiSource
from logs.logql_text import parse_range

TICK_SECONDS = 1.0
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Command(BaseCommand):
    help = "Poll Loki sources: every due source forever, or once with --once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", help="only this source (by name)")
        parser.add_argument("--once", action="store_true", help="one poll per source, then exit")
        parser.add_argument(
            "--since", help="a new source starts here: a duration back (2h) or an ISO time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ensure_default_source()
        since = _since(options["since"]) if options["since"] else None
        if options["once"]:
            for source in self._sources(options["source"]):
                self._poll(source.pk, since)
            return
        if options["source"] is not None:
            self._sources(options["source"])  # a misspelt name would loop doing nothing
        while True:
            for source in due_sources(timezone.now()):
                if options["source"] in (None, source.name):
                    self._poll(source.pk, since)
            since = None
            time.sleep(TICK_SECONDS)

    def _sources(self, name: str | None) -> list[LokiSource]:
        sources = LokiSource.objects.all() if name else LokiSource.objects.filter(enabled=True)
        found = list(sources.filter(name=name) if name else sources)
        if not found:
            raise CommandError(f"no Loki source named {name!r}" if name else "no enabled source")
        return found

    def _poll(self, source_id: int, since: datetime | None) -> None:
        try:
            summary = poll_once(source_id, since=since)
        except (PollError, ValueError) as exc:
            self.stderr.write(f"source {source_id}: {exc}")
            return
        self.stdout.write(_describe(summary))


def _since(text: str) -> datetime:
    """A moment between 1970 (Loki's nanosecond clock starts there) and now."""
    now = timezone.now()
    try:
        moment = now - parse_range(text)
    except ValueError:
        moment = _iso_time(text)
    except OverflowError:
        raise CommandError(f"--since: {text!r} reaches back before 1970") from None
    if moment < EPOCH:
        raise CommandError(f"--since: {text!r} reaches back before 1970")
    if moment > now:
        raise CommandError(f"--since: {text!r} is in the future")
    return moment


def _iso_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since: a duration like 2h or an ISO time, not {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.get_current_timezone())


def _describe(s: PollSummary) -> str:
    if s.skipped:
        return f"{s.source}: skipped (another poll holds the source)"
    span = timedelta(microseconds=(s.end_ns - s.start_ns) // 1000)
    return (
        f"{s.source}: {s.lines_read} lines over {span}, {s.lines_counted} counted "
        f"({s.late_lines} late, {s.parse_failures} unparseable) in {s.groups_touched} groups; "
        f"{s.new} new, {s.regressed} regressed, {s.unignored} unignored, {s.events} events"
        + (" (catching up)" if s.behind else "")
    )
