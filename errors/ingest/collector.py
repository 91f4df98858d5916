"""Python's cyclic garbage collector, paused while a poll counts.

A poll allocates millions of short-lived objects that hold no reference cycles (pages, decoded
lines, pointers). With the collector on, their allocation keeps triggering collections, and
the older ones walk every long-lived object of the process again and again: with 300,000
lines held (a large worker heap), that was a sixth to a quarter of the counting time. The few
cycles a poll might make are collected after it, when the collector runs again.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pausing = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """Collector off inside; back as it was once the last thread pausing it has left."""
    global _pausing, _was_enabled
    with _lock:
        if _pausing == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _lock:
            _pausing -= 1
            if _pausing == 0 and _was_enabled:
                gc.enable()
