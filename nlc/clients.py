"""The one clientId of a client (a coach's learner or customer), the same in every context.

Leads owns client records, but every context needs to name a client in its events and rows without
asking leads first. So the id is derived, not allocated: the same coach and e-mail give the same id
everywhere, with no call and no shared table. Change nothing here: every id ever published
depends on it.
"""

from __future__ import annotations

import uuid
from uuid import UUID

# Fixed forever: uuid5(NAMESPACE_URL, "https://nextlevelcoach.ai/ns/clients").
CLIENT_ID_NAMESPACE = UUID("3525548a-1a7e-51a0-b184-1ca7dc0d6dad")


def client_id_for(*, coach_id: UUID | str, email: str) -> UUID:
    """The clientId of ``email`` among ``coach_id``'s clients (e-mail compared case-insensitively)."""
    normalized_email = email.strip().lower()
    if not normalized_email:
        raise ValueError("a client's e-mail address is required to derive its clientId")
    return uuid.uuid5(CLIENT_ID_NAMESPACE, f"{UUID(str(coach_id))}:{normalized_email}")
