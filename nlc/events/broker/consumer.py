"""Consuming from RabbitMQ: each context's queue applied in small batches, retried with backoff,
dead-lettered after the last attempt."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import amqp
from django.conf import settings
from django.db import transaction
from kombu import Connection, Consumer

from nlc.db.router import alias_for_context
from nlc.events import metrics
from nlc.events import topology as names
from nlc.events.broker.connection import broker_connection
from nlc.events.broker.publisher import ATTEMPT_HEADER, ERROR_HEADER
from nlc.events.broker.topology import context_queues, declare_topology
from nlc.events.dead_letters import record_dead_letter
from nlc.events.dispatch import DeadLetterError, dispatch
from nlc.events.envelope import BrokenEnvelopeError, parse_envelope

logger = logging.getLogger(__name__)


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
        self.buffer: list[Any] = []
        self.first_buffered_at = 0.0
        self.settled = 0  # messages acknowledged, retried or dead-lettered so far

    def on_message(self, message: Any) -> None:
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

    def _apply_together(self, parsed: list[tuple[Any, dict[str, Any]]]) -> bool:
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
    def _attempt(message: Any) -> int:
        return int((message.headers or {}).get(ATTEMPT_HEADER, 1) or 1)

    def _apply_alone(self, message: Any, envelope: dict[str, Any]) -> None:
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

    def _retry(self, message: Any, *, body: Any, envelope: dict[str, Any], attempt: int, reason: str) -> None:
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
            routing_key=names.retry_queue(self.context, attempt),
        )
        metrics.retried.labels(self.context, envelope["type"]).inc()
        message.ack()

    def _dead_letter(
        self, message: Any, *, body: Any, envelope: dict[str, Any] | None, reason: str, attempt: int
    ) -> None:
        logger.error("dead-lettering message", extra={"context": self.context, "reason": reason})
        record_dead_letter(self.context, envelope=envelope, body=body, reason=reason, attempts=attempt)
        headers = dict(message.headers or {})
        headers.update({ATTEMPT_HEADER: attempt, ERROR_HEADER: reason[:1000]})
        message.channel.basic_publish(
            amqp.Message(body, content_type="application/json", delivery_mode=2, application_headers=headers),
            exchange=names.dead_letter_exchange(self.context),
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
        contexts: Mapping[str, Sequence[str]],
        *,
        prefetch: int = 200,
        batch_size: int = 100,
        max_delay: float = 0.01,
        idle: float = 0.005,
    ):
        self.contexts = dict(contexts)
        self.prefetch, self.batch_size = prefetch, batch_size
        self.max_delay, self.idle = max_delay, idle

    def run(
        self, stop: threading.Event, *, connection: Connection | None = None, until_idle: float | None = None
    ) -> int:
        """Consume until ``stop`` is set (or, with ``until_idle``, until nothing came for that long).

        Returns how many messages were settled.
        """
        own = connection is None
        connection = connection or broker_connection()
        consumers: list[tuple[ContextConsumer, Consumer]] = []
        try:
            declare_topology(connection, self.contexts)
            channel = connection.channel()
            consumers = [self._subscribe(channel, context, types) for context, types in self.contexts.items()]
            self._drain(connection, [consumer_of for consumer_of, _ in consumers], stop, until_idle)
            for consumer_of, _ in consumers:
                consumer_of.flush()
            for _, kombu_consumer in consumers:
                kombu_consumer.cancel()
            channel.close()
        finally:
            if own:
                connection.release()
        return sum(consumer_of.settled for consumer_of, _ in consumers)

    def _subscribe(self, channel: Any, context: str, event_types: Sequence[str]) -> tuple[ContextConsumer, Consumer]:
        consumer_of = ContextConsumer(context, batch_size=self.batch_size)
        kombu_consumer = Consumer(
            channel,
            queues=[context_queues(context, event_types)[0]],
            on_message=consumer_of.on_message,
            prefetch_count=self.prefetch,
            auto_declare=False,
        )
        kombu_consumer.consume()
        return consumer_of, kombu_consumer

    def _drain(
        self,
        connection: Connection,
        consumers: list[ContextConsumer],
        stop: threading.Event,
        until_idle: float | None,
    ) -> None:
        """Take messages until stopped (or idle long enough), flushing buffers as they come due."""
        quiet_since = time.monotonic()
        while not stop.is_set():
            buffered = any(consumer_of.buffer for consumer_of in consumers)
            try:
                connection.drain_events(timeout=self.idle if buffered else 0.25)
                quiet_since = time.monotonic()
            except TimeoutError:
                for consumer_of in consumers:
                    consumer_of.flush()
                if until_idle is not None and time.monotonic() - quiet_since >= until_idle:
                    return
                continue
            now = time.monotonic()
            for consumer_of in consumers:
                if consumer_of.buffer and now - consumer_of.first_buffered_at >= self.max_delay:
                    consumer_of.flush()
