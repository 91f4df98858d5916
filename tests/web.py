"""Logged-in test clients."""

from typing import Any

from django.test import Client


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
