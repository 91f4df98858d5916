"""Live tail over Loki's websocket `/loki/api/v1/tail` (httpx-ws, same client, auth and tenant).

Each message is `{"streams": [...], "dropped_entries": [...]}`; the first carries history from
`start` (up to `limit` lines), later ones the lines Loki receives while we listen.
"""

import queue
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from httpx_ws import (
    HTTPXWSException,
    WebSocketDisconnect,
    WebSocketSession,
    WebSocketUpgradeError,
    connect_ws,
)

from logs.loki_decode import decode_tail_frame
from logs.loki_errors import LokiUnavailable
from logs.loki_status import error_for_status
from logs.loki_types import TailFrame

TAIL_PATH = "/loki/api/v1/tail"
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


class TailSession:
    """An open tail; read frames with a timeout so a quiet stream never blocks a worker forever."""

    def __init__(self, ws: WebSocketSession) -> None:
        self._ws = ws

    def receive(self, timeout: float | None = None) -> TailFrame | None:
        """The next frame; None when nothing came within `timeout` or Loki closed the tail."""
        try:
            message = self._ws.receive_text(timeout=timeout)
        except (queue.Empty, TimeoutError, WebSocketDisconnect):
            return None
        except HTTPXWSException as exc:
            raise LokiUnavailable(f"Loki tail broke: {exc!r}", path=TAIL_PATH) from exc
        return decode_tail_frame(message)

    def frames(self, idle_timeout: float | None = None) -> Iterator[TailFrame]:
        """Frames until Loki closes the tail or nothing arrives for `idle_timeout` seconds."""
        while (frame := self.receive(idle_timeout)) is not None:
            yield frame


@contextmanager
def open_tail(client: httpx.Client, params: dict[str, str]) -> Iterator[TailSession]:
    """Connect through `client` (base URL, tenant, auth, TLS) and close the socket on exit."""
    ws: WebSocketSession
    try:
        with connect_ws(
            TAIL_PATH,
            client,
            params=params,
            max_message_size_bytes=MAX_MESSAGE_BYTES,
            keepalive_ping_interval_seconds=None,
        ) as ws:
            yield TailSession(ws)
    except WebSocketUpgradeError as exc:
        response = exc.response
        body = response.content if response.is_stream_consumed else b""
        raise error_for_status(response.status_code, body, response.headers, TAIL_PATH) from None
    except httpx.TransportError as exc:
        raise LokiUnavailable(f"cannot open Loki tail: {exc!r}", path=TAIL_PATH) from exc
