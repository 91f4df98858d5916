"""`manage.py embedded status|stop`: the embedded PostgreSQL and Redis under CONSOLE_DATA_DIR."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from console import embedded


class Command(BaseCommand):
    help = "Show or stop the embedded PostgreSQL and Redis (when DATABASE_URL/REDIS_URL are unset)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "stop"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "stop":
            embedded.stop_all(settings.DATA_DIR)
            self.stdout.write("embedded servers stopped")
            return
        pg = (settings.DATA_DIR / "postgres" / "pgdata" / "postmaster.pid").exists()
        sock = embedded.redis_socket(settings.DATA_DIR)
        self.stdout.write(f"data folder: {settings.DATA_DIR}")
        self.stdout.write(f"postgres: {'running' if pg else 'stopped'}")
        self.stdout.write(f"redis: {'running' if sock.exists() else 'stopped'} ({sock})")
