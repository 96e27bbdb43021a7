"""The RabbitMQ backend: committed outbox rows go out through the relay, which a commit wakes with
a PostgreSQL NOTIFY; dead letters are in the context's dead-letter queue as well as in its table."""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.utils import timezone

from nlc.events import topology as names
from nlc.events.broker.connection import broker_connection
from nlc.events.broker.dead_letter_queue import purge_dead_letters, requeue_dead_letters, resend_dead_letter
from nlc.events.broker.publisher import send_envelopes
from nlc.events.dead_letters import dead_letters_of
from nlc.events.models import DeadLetter


class RabbitMQBackend:
    name = "rabbitmq"
    has_broker = True

    def after_publish(self, *, alias: str, context: str) -> None:
        connection = connections[alias]
        if connection.vendor == "postgresql":
            # PostgreSQL delivers NOTIFY only when the transaction commits: the relay wakes at once.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_notify(%s, %s)", [names.NOTIFY_CHANNEL, context])

    def requeue(self, context: str, letter: DeadLetter | None = None) -> int:
        if letter is not None:
            dead_letters_of(context).filter(pk=letter.pk).update(
                status=DeadLetter.Status.REQUEUED, next_attempt_at=timezone.now()
            )
            resend_dead_letter(context, letter.body)
            return 1
        with broker_connection() as connection:
            moved = requeue_dead_letters(connection, context)
        dead_letters_of(context).filter(status=DeadLetter.Status.DEAD).update(
            status=DeadLetter.Status.REQUEUED, next_attempt_at=timezone.now()
        )
        return moved

    def purge(self, context: str) -> int:
        letters = dead_letters_of(context).filter(status=DeadLetter.Status.DEAD)
        count = letters.count()
        with broker_connection() as connection:
            count = max(count, purge_dead_letters(connection, context))
        letters.update(status=DeadLetter.Status.PURGED)
        return count

    def replay(self, context: str, envelopes: list[dict[str, Any]]) -> None:
        send_envelopes(names.context_queue(context), envelopes)

    def readiness(self) -> dict[str, str]:
        try:
            with broker_connection() as connection:
                connection.ensure_connection(max_retries=0)  # one attempt: readiness answers now
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            return {self.name: f"error: {type(error).__name__}: {error}"}
        return {self.name: "ok"}
