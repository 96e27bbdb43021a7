"""The handler the event benchmarks run: it does nothing but what every handler pays for (the
inbox row in its transaction), and notes commit-to-handler-done latency after its commit."""

from __future__ import annotations

import atexit
import os
import time
from datetime import datetime

from django.db import transaction

from nlc.db.router import alias_for_context
from nlc.events.envelope import Event
from nlc.events.registry import handles

latencies: list[float] = []


@handles("leads.lead.created", versions=(1, 2), context="analytics")
def count_lead_for_benchmark(event: Event) -> None:
    occurred = event.occurred_at.timestamp() if isinstance(event.occurred_at, datetime) else 0.0
    transaction.on_commit(lambda: latencies.append(time.time() - occurred), using=alias_for_context("analytics"))


def _dump() -> None:
    path = os.environ.get("BENCH_LATENCY_FILE")
    if path and latencies:
        with open(path, "w") as handle:
            handle.write("\n".join(f"{value:.6f}" for value in latencies))


atexit.register(_dump)
