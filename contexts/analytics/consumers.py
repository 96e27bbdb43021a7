"""What analytics does with other contexts' events: every one of them is appended to its log (once
per event id), and folded into the KPIs after the consumer's transaction commits (services.log).

Each type is accepted in every contract version that exists; an unknown version is dead-lettered by
the bus before any handler runs. A payload without the moment its day is taken from is a dead letter.
"""

from __future__ import annotations

import logging

from contexts.analytics import services
from contexts.analytics.rules import MOMENT_FIELDS, NO_COACH, SINGLE_VERSION_TYPES, VERSIONED_TYPES
from nlc.events import Event, handles

logger = logging.getLogger(__name__)


def _log(event: Event) -> None:
    services.event_log(
        event_id=event.event_id,
        event_type=event.type,
        version=event.version,
        occurred_at=event.occurred_at,
        moment=event.moment(MOMENT_FIELDS[event.type]),
        coach_id=event.optional_uuid("coachId") or NO_COACH,
        client_id=event.optional_uuid("clientId"),
        payload=event.payload,
    )


@handles(*SINGLE_VERSION_TYPES, versions=(1,))
def event_log(event: Event) -> None:
    _log(event)


@handles(*VERSIONED_TYPES, versions=(1, 2))
def versioned_event_log(event: Event) -> None:
    _log(event)
