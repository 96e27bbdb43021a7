"""Putting messages on RabbitMQ: a publisher that confirms in batches, and the wire form of an event.

Named ``send``/``send_confirmed`` on purpose: ``nlc.events.publish()`` writes an outbox row; only the
relay (and replay, requeue, the hand-off) put messages on the broker.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

import amqp
from kombu import Connection

from nlc.events.broker.connection import BrokerError, broker_connection

ATTEMPT_HEADER = "x-nlc-attempt"
ERROR_HEADER = "x-nlc-error"

Message = tuple[str, bytes, dict[str, Any]]  # (routing key, body, AMQP properties)


class ConfirmingPublisher:
    """Sends a batch of messages and returns once the broker confirmed every one of them.

    Confirms are awaited per batch, not per message: the channel is in confirm mode, all messages go
    out, then acks (often one ``multiple`` ack) are collected. A nack or a lost connection raises
    BrokerError and the caller keeps the batch.
    """

    def __init__(self, url: str | None = None, *, confirm_timeout: float = 15.0):
        self.url = url
        self.confirm_timeout = confirm_timeout
        self._connection: Connection | None = None
        self._channel: Any = None
        self._next_tag = 1
        self._unconfirmed: set[int] = set()
        self._nacked: set[int] = set()

    def _ensure_channel(self) -> Any:
        if self._channel is None:
            self._connection = broker_connection(self.url)
            self._connection.ensure_connection(max_retries=0)  # the relay backs off by itself
            channel = self._connection.channel()
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            self._channel = channel
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

    def send_confirmed(self, exchange: str, messages: Sequence[Message]) -> None:
        """Send the messages and return once all are confirmed."""
        self.send(exchange, messages)
        self.wait_for_confirms()

    def send(self, exchange: str, messages: Sequence[Message]) -> None:
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
                if remaining <= 0 or self._connection is None:
                    raise BrokerError(f"broker did not confirm {len(self._unconfirmed)} message(s) in time")
                try:
                    self._connection.drain_events(timeout=min(remaining, 1.0))
                except TimeoutError:
                    continue
            if self._nacked:
                raise BrokerError(f"broker refused {len(self._nacked)} message(s)")

    @contextlib.contextmanager
    def _failures_as_broker_errors(self) -> Iterator[None]:
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


def wire_properties(event_id: UUID | str, event_type: str, trace_id: str | None) -> dict[str, Any]:
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


def json_body(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, separators=(",", ":")).encode()


def send_envelopes(queue: str, envelopes: Iterable[dict[str, Any]], *, chunk: int = 500) -> None:
    """Send stored envelopes straight to one queue (the default exchange), confirmed chunk by chunk."""
    publisher = ConfirmingPublisher()
    pending = list(envelopes)
    try:
        for start in range(0, len(pending), chunk):
            publisher.send_confirmed(
                "",
                [
                    (queue, json_body(envelope), message_properties(envelope))
                    for envelope in pending[start : start + chunk]
                ],
            )
    finally:
        publisher.close()
