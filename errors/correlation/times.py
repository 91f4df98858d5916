"""Times in the reader's time zone, to the nanosecond Loki gave, whatever Python's datetime keeps.

The browser names its zone in the `tz` cookie (static/correlation/correlation.js); without one
the console's TIME_ZONE applies and the panels say which zone they show.
"""

import functools
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, tzinfo
from urllib.parse import unquote

from django.http import HttpRequest
from django.utils import timezone

TZ_COOKIE = "tz"
NS = 1_000_000_000


def user_zone(request: HttpRequest) -> tzinfo:
    name = unquote(request.COOKIES.get(TZ_COOKIE, ""))
    if name and len(name) < 64:
        try:
            return zoneinfo.ZoneInfo(name)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            pass
    return timezone.get_default_timezone()


@dataclass(frozen=True, slots=True)
class Stamp:
    short: str
    full: str
    iso: str
    day: str


def stamp(ts_ns: int, zone: tzinfo) -> Stamp:
    """`18:21:03.123` to read, every nanosecond and the zone on hover, ISO for `<time>`."""
    seconds, ns = divmod(ts_ns, NS)
    clock, date, name, offset, day = _second(seconds, zone)
    ms = ns // 1_000_000
    return Stamp(
        short=f"{clock}.{ms:03d}",
        full=f"{date} {clock}.{ns:09d} {name}",
        iso=f"{date}T{clock}.{ms:03d}{offset}",
        day=day,
    )


@functools.lru_cache(maxsize=4096)
def _second(seconds: int, zone: tzinfo) -> tuple[str, str, str, str, str]:
    """One second's wall-clock parts; lines come many to a second, the zone lookup once."""
    moment = datetime.fromtimestamp(seconds, zone)
    return (
        f"{moment:%H:%M:%S}",
        f"{moment:%Y-%m-%d}",
        moment.tzname() or "",
        f"{moment:%z}",
        f"{moment:%a %b %-d %Y}",
    )


def zone_name(zone: tzinfo) -> str:
    return str(getattr(zone, "key", None) or zone.tzname(None) or "UTC")
