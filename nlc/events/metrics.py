"""Prometheus metrics of the bus. Counters live in the process that does the work (web for
publishing, relay, worker); the outbox gauges are read from the database at scrape time."""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

published = Counter("nlc_events_published_total", "Events confirmed by the broker", ["context", "type"])
consumed = Counter("nlc_events_consumed_total", "Events applied by a handler", ["context", "type"])
retried = Counter("nlc_events_retried_total", "Deliveries scheduled for another attempt", ["context", "type"])
dead_lettered = Counter("nlc_events_dead_lettered_total", "Messages given up on", ["context", "type"])
handler_duration = Histogram(
    "nlc_events_handler_duration_seconds",
    "Time a handler took, inbox included",
    ["context", "type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class OutboxCollector:
    """Backlog and age of the oldest unpublished row, per context, at scrape time."""

    def describe(self):
        # Lets the registry learn the names without querying the database at import time.
        yield GaugeMetricFamily("nlc_outbox_backlog", "Unpublished outbox rows", labels=["context"])
        yield GaugeMetricFamily(
            "nlc_outbox_oldest_unpublished_age_seconds", "Age of the oldest unpublished row", labels=["context"]
        )

    def collect(self):
        from django.conf import settings

        from nlc.events.models import OutboxEvent

        backlog = GaugeMetricFamily("nlc_outbox_backlog", "Unpublished outbox rows", labels=["context"])
        age = GaugeMetricFamily(
            "nlc_outbox_oldest_unpublished_age_seconds", "Age of the oldest unpublished row", labels=["context"]
        )
        now = timezone.now()
        for context in settings.NLC_CONTEXTS.values():
            try:
                row = (
                    OutboxEvent.objects.using(context.alias)
                    .filter(published_at__isnull=True)
                    .aggregate(count=Count("id"), oldest=Min("created_at"))
                )
            except Exception:  # noqa: BLE001, S112 - a scrape must not fail because one alias is down
                continue
            backlog.add_metric([context.name], row["count"])
            age.add_metric([context.name], (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0)
        yield backlog
        yield age


_registered = False


def register_outbox_collector() -> None:
    global _registered
    if not _registered:
        REGISTRY.register(OutboxCollector())
        _registered = True
