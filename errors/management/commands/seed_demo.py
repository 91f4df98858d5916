"""`manage.py seed_demo`: an admin user and realistic demo errors (idempotent)."""

import os
import secrets
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

from errors import demo


class Command(BaseCommand):
    help = "Create an admin user and demo errors; a second run changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        self._admin()
        summary = demo.seed()
        if summary.created:
            self.stdout.write(
                f"demo data: {summary.errors} errors, {summary.occurrences} occurrences, "
                f"{summary.hourly_rows} hourly counts"
            )
        else:
            self.stdout.write("demo data already present: nothing changed")

    def _admin(self) -> None:
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        if User.objects.filter(username=username).exists():
            return
        given = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        password = given or secrets.token_urlsafe(12)
        user = User.objects.create_superuser(
            username, os.environ.get("DJANGO_SUPERUSER_EMAIL", "admin@example.com"), password
        )
        user.groups.add(Group.objects.get(name="admin"))
        if given:
            self.stdout.write(f"admin user: {username} (password from DJANGO_SUPERUSER_PASSWORD)")
        else:
            self.stdout.write(f"admin user: {username}  password: {password}  (shown once)")
