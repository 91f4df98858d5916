"""Ascending nanosecond stamps cut into runs by hour or minute, with binary searches, not loops."""

from bisect import bisect_left
from collections.abc import Sequence


def runs(stamps: Sequence[int], width: int) -> list[tuple[int, int, int]]:
    """(bucket, start, stop) for each run of ascending `stamps` in one `width`-wide bucket."""
    out = []
    at, end = 0, len(stamps)
    while at < end:
        bucket = stamps[at] // width
        stop = bisect_left(stamps, (bucket + 1) * width, at)
        out.append((bucket, at, stop))
        at = stop
    return out
