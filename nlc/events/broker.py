"""RabbitMQ: the topology, a publisher that confirms in batches, and a context's consumer.

Topology (every name behind ``settings.NLC_BUS_NAMESPACE``):
- ``nlc.domain.events``: durable topic exchange; routing key = event type.
- ``nlc.integrations.webhooks``: durable fanout exchange for verified raw webhook bodies.
- per consuming context: quorum queue ``nlc.<ctx>.events`` bound to the types it handles, with a
  delivery limit and dead-lettering to the fanout exchange ``nlc.dlx.<ctx>`` and its quorum queue;
  retry queues ``nlc.<ctx>.retry.<n>`` hold a failed message for the n-th backoff delay (message
  TTL) and dead-letter it back to the context's queue.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

import amqp
from django.conf import settings
from django.db import transaction
from kombu import Connection, Exchange, Queue

from nlc.db.router import alias_for_context
from nlc.events import metrics, topology
from nlc.events.dead_letters import record_dead_letter
from nlc.events.dispatch import DeadLetterError, dispatch
from nlc.events.envelope import BrokenEnvelopeError, parse_envelope

logger = logging.getLogger("nlc.events.broker")

ATTEMPT_HEADER = "x-nlc-attempt"
ERROR_HEADER = "x-nlc-error"
DELIVERY_LIMIT = 20  # redeliveries after a crash or a requeue before the broker dead-letters


class BrokerError(RuntimeError):
    """The broker refused or lost a message; the caller keeps it and tries again later."""


def broker_connection(url: str | None = None, **kwargs) -> Connection:
    return Connection(url or settings.BROKER_URL, connect_timeout=5, heartbeat=0, **kwargs)


def retry_delay_ms(attempt: int) -> int:
    return int(settings.NLC_EVENTS["RETRY_BASE_SECONDS"] * 1000 * 2 ** (attempt - 1))


def _quorum(arguments: dict[str, Any]) -> dict[str, Any]:
    return {"x-queue-type": "quorum", **arguments}


def domain_exchange() -> Exchange:
    return Exchange(topology.domain_exchange(), type="topic", durable=True)


def context_queues(context: str, event_types: Sequence[str]) -> list[Queue]:
    """Every queue of one consuming context, its main queue first."""
    main = topology.context_queue(context)
    dlx = Exchange(topology.dead_letter_exchange(context), type="fanout", durable=True)
    queues = [
        Queue(
            main,
            exchange=domain_exchange(),
            bindings=None,
            durable=True,
            queue_arguments=_quorum({"x-dead-letter-exchange": dlx.name, "x-delivery-limit": DELIVERY_LIMIT}),
        ),
        Queue(topology.dead_letter_queue(context), exchange=dlx, durable=True, queue_arguments=_quorum({})),
    ]
    for attempt in range(1, settings.NLC_EVENTS["MAX_ATTEMPTS"]):
        queues.append(
            Queue(
                topology.retry_queue(context, attempt),
                durable=True,
                queue_arguments=_quorum(
                    {
                        "x-message-ttl": retry_delay_ms(attempt),
                        "x-dead-letter-exchange": "",
                        "x-dead-letter-routing-key": main,
                    }
                ),
            )
        )
    return queues


def declare_topology(connection: Connection, consumers: dict[str, Sequence[str]]) -> list[str]:
    """Declare exchanges, queues and bindings idempotently; ``consumers`` maps context -> types."""
    declared = []
    channel = connection.channel()
    try:
        for exchange in (
            domain_exchange(),
            Exchange(topology.webhooks_exchange(), type="fanout", durable=True),
        ):
            exchange(channel).declare()
            declared.append(f"exchange {exchange.name} ({exchange.type})")
        for context, event_types in consumers.items():
            queues = context_queues(context, event_types)
            for queue in queues:
                bound = queue(channel)
                if queue.exchange is not None and queue.exchange.name:
                    queue.exchange(channel).declare()
                bound.queue_declare()
                declared.append(f"queue {queue.name}")
            main, dead = queues[0], queues[1]
            channel.queue_bind(dead.name, dead.exchange.name, routing_key="")
            for event_type in event_types:
                channel.queue_bind(main.name, topology.domain_exchange(), routing_key=event_type)
                declared.append(f"binding {main.name} <- {event_type}")
    finally:
        channel.close()
    return declared


def delete_topology(connection: Connection, contexts: Sequence[str]) -> None:
    """Remove a namespace's topology (tests)."""
    channel = connection.channel()
    try:
        for context in contexts:
            names = [topology.context_queue(context), topology.dead_letter_queue(context)]
            names += [topology.retry_queue(context, n) for n in range(1, settings.NLC_EVENTS["MAX_ATTEMPTS"])]
            for name in names:
                channel.queue_delete(name)
            channel.exchange_delete(topology.dead_letter_exchange(context))
        channel.exchange_delete(topology.domain_exchange())
        channel.exchange_delete(topology.webhooks_exchange())
    finally:
        channel.close()


class ConfirmingPublisher:
    """Publishes a batch of messages and returns once the broker confirmed every one of them.

    Confirms are awaited per batch, not per message: the channel is in confirm mode, all messages go
    out, then acks (often one ``multiple`` ack) are collected. A nack or a lost connection raises
    BrokerError and the caller keeps the batch.
    """

    def __init__(self, url: str | None = None, *, confirm_timeout: float = 15.0):
        self.url = url
        self.confirm_timeout = confirm_timeout
        self._connection: Connection | None = None
        self._channel = None
        self._next_tag = 1
        self._unconfirmed: set[int] = set()
        self._nacked: set[int] = set()

    def _ensure_channel(self):
        if self._channel is None:
            self._connection = broker_connection(self.url)
            self._connection.ensure_connection(max_retries=0)  # the relay backs off by itself
            self._channel = self._connection.channel()
            self._channel.confirm_select()
            self._channel.events["basic_ack"].add(self._on_ack)
            self._channel.events["basic_nack"].add(self._on_nack)
            self._next_tag, self._unconfirmed, self._nacked = 1, set(), set()
        return self._channel

    def _settle(self, delivery_tag: int, multiple: bool) -> set[int]:
        settled = {tag for tag in self._unconfirmed if tag <= delivery_tag} if multiple else {delivery_tag}
        self._unconfirmed -= settled
        return settled

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked |= self._settle(delivery_tag, multiple)

    def publish_batch(self, exchange: str, messages: Sequence[tuple[str, bytes, dict[str, Any]]]) -> None:
        """``messages``: (routing key, body, properties) each; returns once all are confirmed."""
        self.send(exchange, messages)
        self.wait_for_confirms()

    def send(self, exchange: str, messages: Sequence[tuple[str, bytes, dict[str, Any]]]) -> None:
        """Put the messages on the wire without waiting; ``wait_for_confirms`` settles them.

        Between the two the caller may do other work (the relay updates its rows meanwhile).
        """
        with self._failures_as_broker_errors():
            channel = self._ensure_channel()
            self._nacked = set()
            for routing_key, body, properties in messages:
                message = amqp.Message(body, content_type="application/json", delivery_mode=2, **properties)
                self._unconfirmed.add(self._next_tag)
                channel.basic_publish(message, exchange=exchange, routing_key=routing_key)
                self._next_tag += 1

    def wait_for_confirms(self) -> None:
        with self._failures_as_broker_errors():
            deadline = time.monotonic() + self.confirm_timeout
            while self._unconfirmed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BrokerError(f"broker did not confirm {len(self._unconfirmed)} message(s) in time")
                try:
                    self._connection.drain_events(timeout=min(remaining, 1.0))
                except TimeoutError:
                    continue
            if self._nacked:
                raise BrokerError(f"broker refused {len(self._nacked)} message(s)")

    @contextlib.contextmanager
    def _failures_as_broker_errors(self):
        try:
            yield
        except BrokerError:
            self.close()
            raise
        except Exception as error:  # connection refused, reset, channel closed, ...
            self.close()
            raise BrokerError(f"{type(error).__name__}: {error}") from error

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # closing a connection that may be dead already
                self._connection.release()
        self._connection, self._channel = None, None


def wire_properties(event_id, event_type: str, trace_id: str | None) -> dict[str, Any]:
    """AMQP properties of an event: its id and type, and the W3C traceparent of its trace.

    Kept small on purpose (each header costs on every publish); the envelope carries the rest, and
    a message without an attempt header is on its first attempt.
    """
    event_id = str(event_id)
    properties: dict[str, Any] = {"message_id": event_id, "type": event_type}
    if trace_id:
        properties["application_headers"] = {"traceparent": f"00-{trace_id}-{event_id.replace('-', '')[:16]}-01"}
    return properties


def message_properties(envelope: dict[str, Any]) -> dict[str, Any]:
    return wire_properties(envelope["eventId"], envelope["type"], envelope.get("traceId"))


class ContextConsumer:
    """Consumes one context's queue: applies each event, retries with backoff, dead-letters.

    Messages are buffered and applied in small batches: one transaction on the context's alias for
    the whole batch, each event still with its own inbox row, acknowledged after the commit. If any
    event of a batch fails, the batch rolls back and each event is applied on its own, so one bad
    event never holds back or takes down the others.
    """

    def __init__(self, context: str, *, batch_size: int = 100):
        self.context = context
        self.alias = alias_for_context(context)
        self.batch_size = batch_size
        self.max_attempts = settings.NLC_EVENTS["MAX_ATTEMPTS"]
        self.buffer: list = []
        self.first_buffered_at = 0.0
        self.settled = 0  # messages acknowledged, retried or dead-lettered so far

    def on_message(self, message) -> None:
        if not self.buffer:
            self.first_buffered_at = time.monotonic()
        self.buffer.append(message)
        if len(self.buffer) >= self.batch_size:
            self.flush()

    def flush(self) -> int:
        """Apply what is buffered; return how many messages were settled."""
        messages, self.buffer = self.buffer, []
        if not messages:
            return 0
        self.settled += len(messages)
        parsed = []
        for message in messages:
            try:
                parsed.append((message, parse_envelope(message.body)))
            except BrokenEnvelopeError as error:
                self._dead_letter(
                    message,
                    body=message.body,
                    envelope=None,
                    reason=f"broken envelope: {error}",
                    attempt=self._attempt(message),
                )
        if len(parsed) > 1 and self._apply_together(parsed):
            return len(messages)
        for message, envelope in parsed:
            self._apply_alone(message, envelope)
        return len(messages)

    def _apply_together(self, parsed) -> bool:
        try:
            with transaction.atomic(using=self.alias):
                for _, envelope in parsed:
                    dispatch(self.context, envelope, savepoint=False)
        except Exception:  # noqa: BLE001 - the batch rolled back; each event goes alone next
            return False
        for message, _ in parsed:
            message.ack()
        return True

    @staticmethod
    def _attempt(message) -> int:
        return int((message.headers or {}).get(ATTEMPT_HEADER, 1) or 1)

    def _apply_alone(self, message, envelope) -> None:
        body, attempt = message.body, self._attempt(message)
        try:
            dispatch(self.context, envelope)
        except DeadLetterError as error:
            self._dead_letter(message, body=body, envelope=envelope, reason=str(error), attempt=attempt)
            return
        except Exception as error:  # noqa: BLE001 - any handler failure is retried, then dead-lettered
            reason = f"{type(error).__name__}: {error}"
            logger.warning(
                "handler failed",
                extra={"event_id": envelope["eventId"], "attempt": attempt, "error": reason, "context": self.context},
            )
            if attempt >= self.max_attempts:
                self._dead_letter(message, body=body, envelope=envelope, reason=reason, attempt=attempt)
            else:
                self._retry(message, body=body, envelope=envelope, attempt=attempt, reason=reason)
            return
        message.ack()

    def _retry(self, message, *, body, envelope, attempt: int, reason: str) -> None:
        headers = dict(message.headers or {})
        headers.update({ATTEMPT_HEADER: attempt + 1, ERROR_HEADER: reason[:1000]})
        message.channel.basic_publish(
            amqp.Message(
                body,
                content_type="application/json",
                delivery_mode=2,
                message_id=envelope["eventId"],
                type=envelope["type"],
                application_headers=headers,
            ),
            exchange="",
            routing_key=topology.retry_queue(self.context, attempt),
        )
        metrics.retried.labels(self.context, envelope["type"]).inc()
        message.ack()

    def _dead_letter(self, message, *, body, envelope, reason: str, attempt: int) -> None:
        logger.error("dead-lettering message", extra={"context": self.context, "reason": reason})
        record_dead_letter(self.context, envelope=envelope, body=body, reason=reason, attempts=attempt)
        headers = dict(message.headers or {})
        headers.update({ATTEMPT_HEADER: attempt, ERROR_HEADER: reason[:1000]})
        message.channel.basic_publish(
            amqp.Message(body, content_type="application/json", delivery_mode=2, application_headers=headers),
            exchange=topology.dead_letter_exchange(self.context),
            routing_key="",
        )
        message.ack()


class ConsumerLoop:
    """Consumes the queues of several contexts on one connection until told to stop.

    Buffers are flushed when a batch is full, when no message arrived for ``idle`` seconds, or when
    the oldest buffered message has waited ``max_delay`` seconds, so latency stays low at any rate.
    Hosted by the Celery worker (a worker bootstep), ``manage.py consume_events``, and the tests.
    """

    def __init__(
        self,
        contexts: dict[str, Sequence[str]],
        *,
        prefetch: int = 200,
        batch_size: int = 100,
        max_delay: float = 0.01,
        idle: float = 0.005,
    ):
        self.contexts = dict(contexts)
        self.prefetch, self.batch_size = prefetch, batch_size
        self.max_delay, self.idle = max_delay, idle

    def run(self, stop, *, connection: Connection | None = None, until_idle: float | None = None) -> int:
        """Consume until ``stop`` is set (or, with ``until_idle``, until nothing came for that long).

        Returns how many messages were settled.
        """
        from kombu import Consumer

        own = connection is None
        connection = connection or broker_connection()
        try:
            declare_topology(connection, self.contexts)
            channel = connection.channel()
            consumers = {}
            for context, event_types in self.contexts.items():
                consumer_of = ContextConsumer(context, batch_size=self.batch_size)
                kombu_consumer = Consumer(
                    channel,
                    queues=[context_queues(context, event_types)[0]],
                    on_message=consumer_of.on_message,
                    prefetch_count=self.prefetch,
                    auto_declare=False,
                )
                kombu_consumer.consume()
                consumers[context] = (consumer_of, kombu_consumer)
            quiet_since = time.monotonic()
            while not stop.is_set():
                buffered = [c for c, _ in consumers.values() if c.buffer]
                try:
                    connection.drain_events(timeout=self.idle if buffered else 0.25)
                    quiet_since = time.monotonic()
                except TimeoutError:
                    for consumer_of, _ in consumers.values():
                        consumer_of.flush()
                    if until_idle is not None and time.monotonic() - quiet_since >= until_idle:
                        break
                    continue
                now = time.monotonic()
                for consumer_of, _ in consumers.values():
                    if consumer_of.buffer and now - consumer_of.first_buffered_at >= self.max_delay:
                        consumer_of.flush()
            for consumer_of, _ in consumers.values():
                consumer_of.flush()
            for _, kombu_consumer in consumers.values():
                kombu_consumer.cancel()
            channel.close()
        finally:
            if own:
                connection.release()
        return sum(consumer_of.settled for consumer_of, _ in consumers.values())


def requeue_dead_letters(connection: Connection, context: str, *, limit: int | None = None) -> int:
    """Move messages from the context's dead-letter queue back to its queue, attempts reset."""
    moved = 0
    channel = connection.channel()
    try:
        while limit is None or moved < limit:
            message = channel.basic_get(topology.dead_letter_queue(context), no_ack=False)
            if message is None:
                break
            headers = dict(message.headers or {})
            headers[ATTEMPT_HEADER] = 1
            headers.pop("x-death", None)
            channel.basic_publish(
                amqp.Message(
                    message.body, content_type="application/json", delivery_mode=2, application_headers=headers
                ),
                exchange="",
                routing_key=topology.context_queue(context),
            )
            channel.basic_ack(message.delivery_tag)
            moved += 1
    finally:
        channel.close()
    return moved


def purge_dead_letters(connection: Connection, context: str) -> int:
    channel = connection.channel()
    try:
        return channel.queue_purge(topology.dead_letter_queue(context)) or 0
    finally:
        channel.close()


def json_body(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, separators=(",", ":")).encode()
