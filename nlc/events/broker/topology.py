"""Declaring (and, in tests, deleting) the exchanges, queues and bindings named in ``nlc.events.topology``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from kombu import Connection, Exchange, Queue

from nlc.events import topology as names

DELIVERY_LIMIT = 20  # redeliveries after a crash or a requeue before the broker dead-letters


def retry_delay_ms(attempt: int) -> int:
    return int(settings.NLC_EVENTS["RETRY_BASE_SECONDS"] * 1000 * 2 ** (attempt - 1))


def _quorum(arguments: dict[str, Any]) -> dict[str, Any]:
    return {"x-queue-type": "quorum", **arguments}


def domain_exchange() -> Exchange:
    return Exchange(names.domain_exchange(), type="topic", durable=True)


def context_queues(context: str, event_types: Sequence[str]) -> list[Queue]:
    """Every queue of one consuming context, its main queue first."""
    main = names.context_queue(context)
    dlx = Exchange(names.dead_letter_exchange(context), type="fanout", durable=True)
    queues = [
        Queue(
            main,
            exchange=domain_exchange(),
            bindings=None,
            durable=True,
            queue_arguments=_quorum({"x-dead-letter-exchange": dlx.name, "x-delivery-limit": DELIVERY_LIMIT}),
        ),
        Queue(names.dead_letter_queue(context), exchange=dlx, durable=True, queue_arguments=_quorum({})),
    ]
    queues.extend(
        Queue(
            names.retry_queue(context, attempt),
            durable=True,
            queue_arguments=_quorum(
                {
                    "x-message-ttl": retry_delay_ms(attempt),
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": main,
                }
            ),
        )
        for attempt in range(1, settings.NLC_EVENTS["MAX_ATTEMPTS"])
    )
    return queues


def declare_topology(connection: Connection, consumers: Mapping[str, Sequence[str]]) -> list[str]:
    """Declare exchanges, queues and bindings idempotently; ``consumers`` maps context -> types."""
    declared = []
    channel = connection.channel()
    try:
        for exchange in (
            domain_exchange(),
            Exchange(names.webhooks_exchange(), type="fanout", durable=True),
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
                channel.queue_bind(main.name, names.domain_exchange(), routing_key=event_type)
                declared.append(f"binding {main.name} <- {event_type}")
    finally:
        channel.close()
    return declared


def context_queue_names(context: str) -> list[str]:
    """The names of every queue of one consuming context: main, dead-letter, retries."""
    queues = [names.context_queue(context), names.dead_letter_queue(context)]
    return queues + [names.retry_queue(context, n) for n in range(1, settings.NLC_EVENTS["MAX_ATTEMPTS"])]


def delete_topology(connection: Connection, contexts: Sequence[str]) -> None:
    """Remove a namespace's topology (tests)."""
    channel = connection.channel()
    try:
        for context in contexts:
            for name in context_queue_names(context):
                channel.queue_delete(name)
            channel.exchange_delete(names.dead_letter_exchange(context))
        channel.exchange_delete(names.domain_exchange())
        channel.exchange_delete(names.webhooks_exchange())
    finally:
        channel.close()
