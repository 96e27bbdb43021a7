"""The live channel: a user's unread count and new notifications as Server-Sent Events (decision 0009).

The stream watches the user's ``UnreadCounter`` row (one primary-key read per poll); only when its
``last_seq`` moved does it read the new notifications, by seq, and send each as an event whose id is
its seq, so a browser that reconnects with ``Last-Event-ID`` gets what it missed. A comment line
keeps idle proxies from closing the connection, and the server ends the stream after a maximum
lifetime (EventSource reconnects by itself; the portal asks for a new ticket when it must).

Served two ways from the same loop: an async iterator under ASGI (the Procfile's ``live`` process,
uvicorn), where a connection costs a coroutine; and a short sync iterator under WSGI (the embedded
default's runserver), which ends after ``WSGI_MAX_SECONDS`` so a thread is never held for long.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from django.conf import settings

from contexts.notifications import selectors
from contexts.notifications.serializers import NotificationSerializer


def frame(
    *, event: str | None = None, data: Any = None, event_id: int | None = None, retry_ms: int | None = None
) -> bytes:
    """One SSE message; ``data`` is sent as JSON on one line."""
    lines = []
    if retry_ms is not None:
        lines.append(f"retry: {retry_ms}")
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    if data is not None:
        lines.append(f"data: {json.dumps(data, separators=(',', ':'))}")
    return ("\n".join(lines) + "\n\n").encode()


def comment(text: str) -> bytes:
    return f": {text}\n\n".encode()


def options() -> dict[str, Any]:
    return settings.NOTIFICATIONS


class StreamCursor:
    """What one connection has sent: the last seq and unread count. ``open`` and ``poll`` read the
    database (sync); the drivers below call them from a thread or directly."""

    def __init__(self, *, user_id: UUID, last_event_id: int | None):
        self.user_id = user_id
        self.last_event_id = last_event_id
        self.sent_seq = 0
        self.sent_unread: int | None = None

    def open(self) -> list[bytes]:
        """The first frames: the reconnect delay, what was missed since ``Last-Event-ID`` (nothing
        older on a first connection: the list endpoint shows history), and the unread count."""
        state = selectors.stream_state(user_id=self.user_id)
        frames = [frame(retry_ms=options()["STREAM_RETRY_MS"])]
        if self.last_event_id is None:
            self.sent_seq = state.last_seq
        else:
            self.sent_seq = min(self.last_event_id, state.last_seq)
            frames.extend(self._new())
        frames.append(self._unread(state.unread))
        return frames

    def poll(self) -> list[bytes]:
        state = selectors.stream_state(user_id=self.user_id)
        frames = self._new() if state.last_seq > self.sent_seq else []
        if state.unread != self.sent_unread:
            frames.append(self._unread(state.unread))
        return frames

    def _new(self) -> list[bytes]:
        rows = selectors.notifications_after(user_id=self.user_id, seq=self.sent_seq, limit=options()["STREAM_BATCH"])
        if rows:
            self.sent_seq = rows[-1].seq
        return [frame(event="notification", event_id=row.seq, data=NotificationSerializer(row).data) for row in rows]

    def _unread(self, unread: int) -> bytes:
        self.sent_unread = unread
        return frame(event="unread", data={"unread": unread})


async def stream_async(cursor: StreamCursor) -> AsyncIterator[bytes]:
    """The stream under ASGI: polls in Django's sync thread, sleeps in the event loop."""
    settings_ = options()
    started = last_sent = time.monotonic()
    for chunk in await sync_to_async(cursor.open)():
        yield chunk
    while time.monotonic() - started < settings_["STREAM_MAX_SECONDS"]:
        await asyncio.sleep(settings_["STREAM_POLL_SECONDS"])
        frames = await sync_to_async(cursor.poll)()
        for chunk in frames:
            yield chunk
        if frames:
            last_sent = time.monotonic()
        elif time.monotonic() - last_sent >= settings_["STREAM_HEARTBEAT_SECONDS"]:
            yield comment("heartbeat")
            last_sent = time.monotonic()
    yield comment("lifetime reached; reconnect")


def stream_sync(cursor: StreamCursor) -> Iterator[bytes]:
    """The stream under WSGI (development): the same frames, for a short while."""
    settings_ = options()
    lifetime = min(settings_["STREAM_MAX_SECONDS"], settings_["STREAM_WSGI_MAX_SECONDS"])
    started = last_sent = time.monotonic()
    yield from cursor.open()
    while time.monotonic() - started < lifetime:
        time.sleep(settings_["STREAM_POLL_SECONDS"])
        frames = cursor.poll()
        yield from frames
        if frames:
            last_sent = time.monotonic()
        elif time.monotonic() - last_sent >= settings_["STREAM_HEARTBEAT_SECONDS"]:
            yield comment("heartbeat")
            last_sent = time.monotonic()
    yield comment("lifetime reached; reconnect")
