"""The live stream: Server-Sent Events of the unread count and new notifications.

The first test runs the project's real ASGI application (what the Procfile's ``live`` process
serves) in-process, on real PostgreSQL: a notification committed while the stream is open reaches it.
The others read the short WSGI form (the embedded default) to check resume, heartbeats and lifetime.
"""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator

from config.asgi import application
from contexts.notifications.tests.factories import notification_for, notifications_for

STREAM = "/notifications/stream"


def _fast(settings, **overrides):
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "STREAM_POLL_SECONDS": 0.05,
        "STREAM_HEARTBEAT_SECONDS": 60.0,
        **overrides,
    }


def _scope(query: str, headers: list[tuple[bytes, bytes]] | None = None) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": STREAM,
        "raw_path": STREAM.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver"), (b"accept", b"text/event-stream"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


async def _read_until(communicator: ApplicationCommunicator, received: bytearray, needle: bytes) -> None:
    while needle not in received:
        message = await communicator.receive_output(timeout=5)
        assert message["type"] == "http.response.body", message
        received.extend(message.get("body", b""))


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_the_asgi_stream_delivers_a_new_notification(coach_client, coach_id, other_coach_id, settings):
    # given an open stream of the coach, which already has one notification
    _fast(settings, STREAM_MAX_SECONDS=30.0)
    notification_for(coach_id, title="Before")
    ticket = coach_client.post("/notifications/stream/ticket").json()["ticket"]

    async def scenario() -> tuple[dict, bytes]:
        communicator = ApplicationCommunicator(application, _scope(f"ticket={ticket}"))
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(timeout=5)
        received = bytearray()
        await _read_until(communicator, received, b'{"unread":1}')
        # when a notification for another coach, then one for this coach, commit
        await sync_to_async(notification_for)(other_coach_id, title="Not yours")
        live = await sync_to_async(notification_for)(coach_id, title="Live one")
        await _read_until(communicator, received, b'{"unread":2}')
        await communicator.send_input({"type": "http.disconnect"})
        await asyncio.sleep(0.1)
        communicator.future.cancel()
        return start, bytes(received).replace(str(live.id).encode(), b"<id>")

    start, body = async_to_sync(scenario)()

    # then the stream announced the count, then the new notification (id = its seq), then the count
    assert start["status"] == 200
    headers = {name.lower(): value for name, value in start["headers"]}
    assert (headers[b"content-type"], headers[b"cache-control"]) == (
        b"text/event-stream; charset=utf-8",
        b"no-cache, no-store",
    )
    text = body.decode()
    assert text.startswith('retry: 3000\n\nevent: unread\ndata: {"unread":1}\n\n')
    events = text.split("\n\n")
    (notification,) = [event for event in events if "event: notification" in event]
    assert notification.startswith("id: 2\nevent: notification\ndata: ")
    assert '"id":"<id>","seq":2,"kind":"lead_created","title":"Live one"' in notification
    assert "Before" not in text
    assert "Not yours" not in text
    assert events.index(notification) < events.index('event: unread\ndata: {"unread":2}')


@pytest.mark.django_db(databases="__all__")
def test_a_reconnect_with_last_event_id_gets_what_it_missed(coach_client, coach_id, settings):
    # given four notifications; the browser had seen the second
    _fast(settings, STREAM_WSGI_MAX_SECONDS=0.0)
    notifications_for(coach_id, 4)
    ticket = coach_client.post("/notifications/stream/ticket").json()["ticket"]
    # when it reconnects with Last-Event-ID
    response = coach_client.get(STREAM, {"ticket": ticket}, HTTP_LAST_EVENT_ID="2")
    body = b"".join(response.streaming_content).decode()
    # then it gets the third and the fourth, in order, and the count
    assert response.status_code == 200
    assert [line for line in body.splitlines() if line.startswith(("id:", "event:"))] == [
        "id: 3",
        "event: notification",
        "id: 4",
        "event: notification",
        "event: unread",
    ]
    assert body.endswith('data: {"unread":4}\n\n: lifetime reached; reconnect\n\n')


@pytest.mark.django_db(databases="__all__")
def test_an_idle_stream_sends_heartbeats_and_ends_at_its_lifetime(coach_client, settings):
    # given heartbeats every 0.1 s and a lifetime of 0.35 s
    _fast(settings, STREAM_HEARTBEAT_SECONDS=0.1, STREAM_WSGI_MAX_SECONDS=0.35)
    ticket = coach_client.post("/notifications/stream/ticket").json()["ticket"]
    # when nothing happens
    response = coach_client.get(STREAM, {"ticket": ticket})
    body = b"".join(response.streaming_content).decode()
    # then
    assert body.startswith('retry: 3000\n\nevent: unread\ndata: {"unread":0}\n\n')
    assert body.count(": heartbeat\n\n") >= 2
    assert body.endswith(": lifetime reached; reconnect\n\n")
    assert "event: notification" not in body
