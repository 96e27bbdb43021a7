"""What analytics does with other contexts' events: every one of them is appended to its log (once
per event id), and folded into the KPIs after the consumer's transaction commits (services.log).

Each type is accepted in every version its contracts hold (read from the contract registry at
start-up): the types with one version go to ``event_log``, the others to ``versioned_event_log``. An
unknown version is dead-lettered by the bus before any handler runs; a payload without the moment
its day is taken from is a dead letter too.
"""

from __future__ import annotations

import logging

from contexts.analytics import services
from contexts.analytics.rules import MOMENT_FIELDS, NO_COACH
from nlc.events import Event, handles
from nlc.events.contracts import registry

logger = logging.getLogger(__name__)


def _versions() -> dict[str, tuple[int, ...]]:
    contracts = registry().all()
    return {
        event_type: tuple(sorted(contract.version for contract in contracts if contract.event_type == event_type))
        for event_type in MOMENT_FIELDS
        if event_type in registry().types()
    }


VERSIONS = _versions()
SINGLE_VERSION_TYPES = tuple(sorted(name for name, versions in VERSIONS.items() if versions == (1,)))
VERSIONED_TYPES = tuple(sorted(name for name, versions in VERSIONS.items() if versions != (1,)))


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


@handles(*VERSIONED_TYPES, versions=sorted({version for name in VERSIONED_TYPES for version in VERSIONS[name]}))
def versioned_event_log(event: Event) -> None:
    _log(event)
