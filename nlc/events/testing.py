"""Test helpers for every context: see what was published, and wait for events on the bus.

``published_events(context=..., event_type=...)`` reads the producing context's outbox (committed
rows, or rows pending in the current test transaction). ``EventBusProbe`` (the ``event_bus``
fixture) watches what actually travels: on RabbitMQ it binds its own queue to the domain exchange and
runs the relay and the consumers in-process while it waits; on the inline backend it observes the
in-process deliveries. Both need a transactional test (``django_db(transaction=True)``), since
only committed events travel.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from kombu import Connection

from nlc.db.router import alias_for_context
from nlc.events import inline
from nlc.events.backends import backend_name
from nlc.events.broker import ConsumerLoop, broker_connection, context_queue_names, declare_topology
from nlc.events.models import OutboxEvent
from nlc.events.registry import consumer_topology
from nlc.events.relay import Relay
from nlc.events.topology import domain_exchange


def published_events(*, context: str, event_type: str | None = None) -> list[dict[str, Any]]:
    rows = OutboxEvent.objects.using(alias_for_context(context)).order_by("id")
    if event_type:
        rows = rows.filter(event_type=event_type)
    return [row.envelope for row in rows]


def _matches(envelope: dict[str, Any], event_type: str, match: dict[str, Any]) -> bool:
    return envelope["type"] == event_type and all(envelope["payload"].get(k) == v for k, v in match.items())


class _InlineTraffic:
    """What travels on the inline backend: the deliveries, observed as they happen."""

    def __init__(self, seen: list[dict[str, Any]]) -> None:
        self._observer = seen.append
        inline.observers.append(self._observer)

    def relay(self) -> int:
        inline.deliver_pending()
        return 0

    def consume(self, *, contexts: list[str] | None, idle: float, timeout: float) -> int:
        return 0  # delivered on relay already

    def collect(self, seen: list[dict[str, Any]], headers: dict[str, dict[str, Any]]) -> None:
        return  # the observer appends as deliveries happen

    def close(self) -> None:
        if self._observer in inline.observers:
            inline.observers.remove(self._observer)


class _BrokerTraffic:
    """What travels on RabbitMQ: a queue of the probe's own bound to the domain exchange, and the relay
    and the consumers run in-process."""

    def __init__(self, seen: list[dict[str, Any]]) -> None:
        self._queue = f"{settings.NLC_BUS_NAMESPACE}probe.{uuid.uuid4().hex[:8]}"
        self._connection: Connection = broker_connection()
        declare_topology(self._connection, consumer_topology())
        self._channel = self._connection.channel()
        self._purge_context_queues()
        self._channel.queue_declare(self._queue, exclusive=True, auto_delete=True)
        self._channel.queue_bind(self._queue, domain_exchange(), routing_key="#")

    def _purge_context_queues(self) -> None:
        """Each test starts with empty queues: the database is flushed between tests, so must they be."""
        for context in consumer_topology():
            for name in context_queue_names(context):
                self._channel.queue_purge(name)

    def relay(self) -> int:
        relay = Relay()
        try:
            return relay.drain()
        finally:
            relay.publisher.close()

    def consume(self, *, contexts: list[str] | None, idle: float, timeout: float) -> int:
        wanted = {name: types for name, types in consumer_topology().items() if not contexts or name in contexts}
        stop = threading.Event()
        timer = threading.Timer(timeout, stop.set)
        timer.start()
        try:
            return ConsumerLoop(wanted).run(stop, connection=self._connection, until_idle=idle)
        finally:
            timer.cancel()

    def collect(self, seen: list[dict[str, Any]], headers: dict[str, dict[str, Any]]) -> None:
        while True:
            message = self._channel.basic_get(self._queue, no_ack=True)
            if message is None:
                return
            envelope = json.loads(message.body)
            seen.append(envelope)
            headers[envelope["eventId"]] = dict(message.headers or {})

    def close(self) -> None:
        self._connection.release()


_TRAFFIC: dict[str, type[_InlineTraffic] | type[_BrokerTraffic]] = {
    "inline": _InlineTraffic,
    "rabbitmq": _BrokerTraffic,
}


class EventBusProbe:
    def __init__(self) -> None:
        self.backend = backend_name()
        self.seen: list[dict[str, Any]] = []
        self.headers: dict[str, dict[str, Any]] = {}  # AMQP headers by eventId (RabbitMQ backend)
        self._traffic: _InlineTraffic | _BrokerTraffic = _TRAFFIC[self.backend](self.seen)

    # -- moving things along --------------------------------------------------------------------
    def relay(self) -> int:
        """Publish every committed outbox row now (RabbitMQ backend); return how many."""
        return self._traffic.relay()

    def consume(self, *, contexts: list[str] | None = None, idle: float = 0.3, timeout: float = 30.0) -> int:
        """Run the consumers of ``contexts`` (default: all) in-process until their queues stay idle."""
        return self._traffic.consume(contexts=contexts, idle=idle, timeout=timeout)

    def settle(self, *, timeout: float = 30.0) -> None:
        """Relay and consume until nothing moves any more (handlers may publish in turn)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            moved = self.relay() + self.consume(timeout=max(0.5, deadline - time.monotonic()))
            self._collect()
            if not moved:
                return

    # -- watching -------------------------------------------------------------------------------
    def _collect(self) -> None:
        self._traffic.collect(self.seen, self.headers)

    def events(self, event_type: str, **match: Any) -> list[dict[str, Any]]:
        self._collect()
        return [envelope for envelope in self.seen if _matches(envelope, event_type, match)]

    def wait_for(self, event_type: str, *, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """Relay until an event of ``event_type`` whose payload has ``match`` has travelled."""
        deadline = time.monotonic() + timeout
        while True:
            self.relay()
            found = self.events(event_type, **match)
            if found:
                return found[0]
            if time.monotonic() > deadline:
                seen = sorted({envelope["type"] for envelope in self.seen})
                raise AssertionError(f"no {event_type} matching {match} within {timeout}s; saw {seen}")
            time.sleep(0.05)

    def assert_no_event(self, event_type: str, *, within: float = 0.5, **match: Any) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            self.relay()
            found = self.events(event_type, **match)
            assert not found, f"unexpected {event_type}: {found[0]}"
            time.sleep(0.05)

    def close(self) -> None:
        self._traffic.close()
