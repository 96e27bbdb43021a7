"""The callers every context's tests use, with fixed ids so assertions can name them."""

from __future__ import annotations

import uuid

COACH_ID = uuid.UUID("0c0ac000-0000-4000-8000-000000000001")
OTHER_COACH_ID = uuid.UUID("0c0ac000-0000-4000-8000-000000000002")
ADMIN_ID = uuid.UUID("0ad00000-0000-4000-8000-000000000001")

COACH_EMAIL = "cory@example.com"
OTHER_COACH_EMAIL = "olga@example.com"
ADMIN_EMAIL = "ada@example.com"
