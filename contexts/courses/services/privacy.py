"""Erasure (``leads.client.erased``): a coach's learner erased at the coach's or an admin's request.

Each of their enrollments with that coach keeps what the coach's numbers are made of (status moves,
lesson progress, snapshots, the course's counters) and loses who it was: the e-mail and the name are
emptied and the clientId is replaced by a random one, so nothing links the row to the person any more
(the same person enrolled again later is a new learner). Every access link stops working (revoked,
reason ``erased``, the access version raised). Another coach's enrollments are never touched. Applying
it again finds nothing left to change.
"""

from __future__ import annotations

import logging
import uuid
from uuid import UUID

from django.utils import timezone

from contexts.courses.models import Enrollment, EnrollmentStatus, RevokeReason
from contexts.courses.services.counters import _enrollment_moved
from nlc.db.transactions import atomic

logger = logging.getLogger(__name__)


def client_erase(*, coach_id: UUID, client_id: UUID) -> int:
    """Anonymize and revoke the coach's enrollments of ``client_id``; how many."""
    now = timezone.now()
    with atomic("courses"):
        enrollments = list(
            Enrollment.objects.select_for_update().filter(coach_id=coach_id, client_id=client_id).order_by("pk")
        )
        for enrollment in enrollments:
            from_status, from_percent = enrollment.status, enrollment.progress_percent
            if enrollment.status != EnrollmentStatus.REVOKED:
                enrollment.status, enrollment.revoked_at = EnrollmentStatus.REVOKED, now
            enrollment.revoked_reason = RevokeReason.ERASED
            enrollment.access_version += 1
            enrollment.client_id = uuid.uuid4()
            enrollment.client_email, enrollment.client_name = "", ""
            enrollment.save(
                update_fields=[
                    "status",
                    "revoked_at",
                    "revoked_reason",
                    "access_version",
                    "client_id",
                    "client_email",
                    "client_name",
                    "updated_at",
                ]
            )
            _enrollment_moved(enrollment, from_status=from_status, from_percent=from_percent, now=now)
    logger.info(
        "client erased", extra={"coach_id": str(coach_id), "client_id": str(client_id), "enrollments": len(enrollments)}
    )
    return len(enrollments)
