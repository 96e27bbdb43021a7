"""Handlers that the event bus tests run in two real contexts (notifications and analytics).

They react to ``leads.lead.created``; what they do depends on the lead's first name:
- anything else: notifications publishes one ``notify.user`` whose title names the lead (the effect
  the tests count); analytics only records its inbox row.
- "fail-always": raises every time.  "fail-until-fixed": raises until ``FAULT_FIXED`` is set.
- "slow": does its effect, then sleeps before committing (a worker is killed in that window).

Imported by the tests, and by a worker subprocess through NLC_EXTRA_CONSUMER_MODULES.
"""

from __future__ import annotations

import time
import uuid

from django.utils import timezone

from nlc.events import publish
from nlc.events.envelope import Event
from nlc.events.registry import handles

FAULT_FIXED = {"value": False}
SLOW_SECONDS = 6.0


def effect_title(lead_id: str) -> str:
    return f"lead {lead_id}"


@handles("leads.lead.created", versions=(1, 2), context="notifications")
def notify_coach_of_lead(event: Event) -> None:
    first_name = event.payload.get("firstName")
    if first_name == "fail-always" or (first_name == "fail-until-fixed" and not FAULT_FIXED["value"]):
        raise RuntimeError(f"cannot notify about {event.payload['leadId']}")
    publish(
        "notify.user",
        {
            "notificationId": str(uuid.uuid4()),
            "recipientUserId": event.payload["coachId"],
            "coachId": event.payload["coachId"],
            "kind": "lead_created",
            "title": effect_title(event.payload["leadId"]),
            "body": event.payload.get("lastName") or "",
            "link": None,
            "createdAt": timezone.now(),
        },
        aggregate_id=event.payload["coachId"],
    )
    if first_name == "slow":
        time.sleep(SLOW_SECONDS)


@handles("leads.lead.created", versions=(1, 2), context="analytics")
def count_lead(event: Event) -> None:
    if event.payload.get("firstName") == "fail-always":
        raise RuntimeError("analytics cannot count it either")
