"""`manage.py loki_sources add|update|list|remove`: declare Loki sources without the admin.

Secrets are given by name (`--secret-env LOKI_TOKEN`) or path (`--secret-file /run/secrets/x`),
never by value, and are never printed.
"""

from argparse import ArgumentParser, ArgumentTypeError
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from errors.models import AuthType, ErrorFilter, LokiSource

TEXT_OPTIONS = (
    "url",
    "tenant",
    "selector",
    "username",
    "secret_env",
    "secret_file",
    "ca_bundle",
    "client_cert",
    "client_key",
    "level_label",
    "error_levels",
    "line_filter",
    "service_labels",
    "environment_labels",
)
SECONDS_OPTIONS = ("delay", "lookback", "sweep_interval", "poll_interval")


class Command(BaseCommand):
    help = "Add, update, list or remove Loki sources."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for action in ("add", "update"):
            _fields(actions.add_parser(action, help=f"{action} a source"))
        actions.add_parser("list", help="list sources and their health")
        remove = actions.add_parser("remove", help="remove a source (its counts stay)")
        remove.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for source in LokiSource.objects.all():
                self.stdout.write(_line(source))
            return
        if action == "remove":
            deleted, _ = LokiSource.objects.filter(name=options["name"]).delete()
            if not deleted:
                raise CommandError(f"no Loki source named {options['name']!r}")
            self.stdout.write(f"removed {options['name']}")
            return
        self._save(action, options)

    def _save(self, action: str, options: dict[str, Any]) -> None:
        name = options["name"]
        source = LokiSource.objects.filter(name=name).first()
        if action == "add" and source is not None:
            raise CommandError(f"a Loki source named {name!r} exists: use update")
        if action == "update" and source is None:
            raise CommandError(f"no Loki source named {name!r}: use add")
        source = source or LokiSource(name=name)
        for option in (*TEXT_OPTIONS, "auth_type", "error_filter"):
            if options[option] is not None:
                setattr(source, option, options[option])
        for option in SECONDS_OPTIONS:
            if options[option] is not None:
                setattr(source, option, options[option])
        if options["enabled"] is not None:
            source.enabled = options["enabled"]
        try:
            source.full_clean()
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        source.save()
        self.stdout.write(f"{'added' if action == 'add' else 'updated'} {name}")


def _fields(parser: ArgumentParser) -> None:
    parser.add_argument("name")
    for option in TEXT_OPTIONS:
        parser.add_argument(f"--{option.replace('_', '-')}", dest=option)
    parser.add_argument("--auth", dest="auth_type", choices=AuthType.values)
    parser.add_argument("--error-filter", dest="error_filter", choices=ErrorFilter.values)
    for option in SECONDS_OPTIONS:
        parser.add_argument(f"--{option.replace('_', '-')}", dest=option, type=_seconds, help="s")
    parser.add_argument("--enabled", dest="enabled", action="store_true", default=None)
    parser.add_argument("--disabled", dest="enabled", action="store_false")


def _seconds(text: str) -> timedelta:
    """A duration in seconds; argparse names the option when this refuses the text."""
    try:
        seconds = float(text)
        if seconds >= 0:
            return timedelta(seconds=seconds)
    except (ValueError, OverflowError):
        pass
    raise ArgumentTypeError(f"expected a number of seconds, 0 or more, got {text!r}")


def _line(source: LokiSource) -> str:
    state = "enabled" if source.enabled else "disabled"
    lag = f"lag {source.lag_seconds:.0f}s" if source.lag_seconds is not None else "never polled"
    failure = f"; last failure: {source.last_failure_message}" if source.last_failure_at else ""
    return f"{source.name}\t{state}\t{source.url}\t{source.selector}\t{lag}{failure}"
