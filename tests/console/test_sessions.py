"""Expired login sessions are deleted daily by beat; live ones stay."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from console.celery import clear_sessions


@pytest.mark.django_db
def test_expired_sessions_go_live_ones_stay() -> None:
    now = timezone.now()
    Session.objects.create(session_key="x" * 32, session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="y" * 32, session_data="", expire_date=now + timedelta(1))
    clear_sessions.apply().get()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["y" * 32]


def test_beat_clears_sessions_daily() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["clear-sessions"]
    assert entry["task"] == clear_sessions.name
    assert len(entry["schedule"].hour) == len(entry["schedule"].minute) == 1
