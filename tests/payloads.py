"""Valid event payloads for tests and benchmarks (importing this registers no handler)."""

from __future__ import annotations

import uuid

from django.utils import timezone


def lead_payload(**overrides) -> dict:
    """A valid leads.lead.created payload."""
    payload = {
        "leadId": str(uuid.uuid4()),
        "coachId": str(uuid.uuid4()),
        "clientId": str(uuid.uuid4()),
        "email": "ada@example.com",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "phone": None,
        "source": "landing_page",
        "landingPageId": None,
        "utmSource": None,
        "utmMedium": None,
        "utmCampaign": None,
        "status": "new",
        "createdAt": timezone.now().isoformat(),
    }
    payload.update(overrides)
    return payload
