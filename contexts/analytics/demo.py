"""Development demo data: analytics folds the demo's events into the demo coach's KPIs (scripts/dev
runs seed_demo).

Analytics writes nothing of its own here: the other contexts' demo data publish their events, which
the inline bus delivers to analytics as they commit. A database seeded before analytics consumed
them gets them by replaying every type analytics consumes (the events still in their outboxes);
handlers that applied one already skip it, and the log keeps each event once.
"""

from __future__ import annotations

import os

from django.utils import timezone

from contexts.analytics import services
from contexts.analytics.models import LoggedEvent
from contexts.analytics.rules import MOMENT_FIELDS
from nlc.demo import events_replay_to


def seed(*, stdout) -> None:
    for event_type in MOMENT_FIELDS:
        events_replay_to(context="analytics", event_type=event_type)
    services.log_fold()
    logged = LoggedEvent.objects.count()
    stdout.write(f"  analytics: {logged} event(s) in its log, folded into the KPIs")
    base = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
    today = timezone.now().date()
    week_ago = today - timezone.timedelta(days=6)
    stdout.write(
        f"  demo coach's KPIs (as the demo coach): GET {base}/analytics/kpis?dateFrom={week_ago}&dateTo={today}"
    )
