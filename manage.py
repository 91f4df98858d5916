#!/usr/bin/env python
"""Django's command-line utility for Triage Console."""

import sys


def main() -> None:
    from console import boot

    boot.configure()
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        import django

        django.setup()
        boot.start_embedded_redis()
        execute_from_command_line(sys.argv)
    except boot.ImproperlyConfigured as exc:
        boot.exit_on_bad_configuration(exc)
    except OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        boot.exit_on_bad_configuration(
            Exception(f"DATABASE_URL: cannot use the database: {first_line}")
        )


if __name__ == "__main__":
    main()
