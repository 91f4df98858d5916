"""Read ahead: Loki answers the next page while this one is aggregated.

Wall time becomes about max(Loki's time, ours) instead of their sum; memory stays bounded by
`depth` pages. The fetching thread touches only the Loki client, never the database.
"""

import queue
import threading
from collections.abc import Iterator

PREFETCH = 2


class _Done:
    pass


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched[T](items: Iterator[T], depth: int = PREFETCH) -> Iterator[T]:
    """`items`, fetched by a thread up to `depth` ahead: Loki answers the next page while this
    one is aggregated. Order is kept; a failure surfaces at the item where it happened."""
    ahead: queue.Queue[T | _Done | _Failed] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: T | _Done | _Failed) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def fetch() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_Done())
        except BaseException as error:  # handed to the consumer, raised there
            put(_Failed(error))

    thread = threading.Thread(target=fetch, name="loki-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = ahead.get()
            if isinstance(item, _Done):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join(timeout=1.0)
