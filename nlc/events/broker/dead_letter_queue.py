"""A context's dead-letter queue on RabbitMQ: move its messages back to the context's queue, or drop them."""

from __future__ import annotations

import amqp
from kombu import Connection

from nlc.events import topology as names
from nlc.events.broker.publisher import ATTEMPT_HEADER, ConfirmingPublisher


def requeue_dead_letters(connection: Connection, context: str, *, limit: int | None = None) -> int:
    """Move messages from the context's dead-letter queue back to its queue, attempts reset."""
    moved = 0
    channel = connection.channel()
    try:
        while limit is None or moved < limit:
            message = channel.basic_get(names.dead_letter_queue(context), no_ack=False)
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
                routing_key=names.context_queue(context),
            )
            channel.basic_ack(message.delivery_tag)
            moved += 1
    finally:
        channel.close()
    return moved


def resend_dead_letter(context: str, body: str) -> None:
    """Send one stored dead letter's body to the context's queue, attempts reset (confirmed).

    The copy in the dead-letter queue stays until the next requeue or purge of the context; if it
    comes back, the handlers that applied it already skip it (inbox).
    """
    publisher = ConfirmingPublisher()
    try:
        publisher.send_confirmed(
            "", [(names.context_queue(context), body.encode(), {"application_headers": {ATTEMPT_HEADER: 1}})]
        )
    finally:
        publisher.close()


def purge_dead_letters(connection: Connection, context: str) -> int:
    channel = connection.channel()
    try:
        return channel.queue_purge(names.dead_letter_queue(context)) or 0
    finally:
        channel.close()
