"""Celery hosts the event consumers: a worker bootstep runs the consumer loop of every consuming
context in a thread of the worker process, on its own broker connection. Messages are plain JSON
envelopes, not Celery tasks, so a lifted-out context or another language consumes them as they are.

This module is imported by the Celery app before Django's apps are loaded: it imports the bus
lazily, inside the step.
"""

from __future__ import annotations

import logging
import threading

from celery import bootsteps

logger = logging.getLogger(__name__)


def run_consumers(stop: threading.Event, contexts: list[str] | None = None) -> None:
    """Consume until ``stop`` is set; reconnect with backoff when the broker goes away."""
    from django.db import connections

    from nlc.events.broker import ConsumerLoop
    from nlc.events.registry import consumer_topology

    wanted = {name: types for name, types in consumer_topology().items() if not contexts or name in contexts}
    if not wanted:
        logger.info("no consuming context in this process")
        return
    logger.info("consuming", extra={"contexts": sorted(wanted)})
    backoff = 0.0
    while not stop.is_set():
        try:
            ConsumerLoop(wanted).run(stop)
            backoff = 0.0
        except Exception:
            backoff = min(30.0, max(0.5, backoff * 2))
            logger.exception("consumer loop failed; reconnecting", extra={"retry_in": backoff})
            for connection in connections.all():
                connection.close_if_unusable_or_obsolete()
            stop.wait(backoff)
    connections.close_all()


class EventConsumersStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Pool"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self, worker):
        self.thread = threading.Thread(
            target=run_consumers, args=(self.stop_event,), name="nlc-event-consumers", daemon=True
        )
        self.thread.start()

    def stop(self, worker):
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
