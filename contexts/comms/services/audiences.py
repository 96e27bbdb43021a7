"""The coaches' clients comms may write to, as other contexts' events name them (an enrollment, a
purchase, a lead): the address and name of each, and the courses each is enrolled in."""

from __future__ import annotations

from uuid import UUID

from contexts.comms.models import ClientContact, CourseMember
from nlc.db.transactions import atomic

CONTEXT = "comms"


def client_contact_record(*, coach_id: UUID, client_id: UUID, email: str, name: str) -> ClientContact:
    with atomic(CONTEXT):
        contact, _ = ClientContact.objects.update_or_create(
            coach_id=coach_id, client_id=client_id, defaults={"email": email, "name": " ".join(name.split())[:200]}
        )
    return contact


def course_member_record(*, coach_id: UUID, course_id: UUID, client_id: UUID) -> None:
    with atomic(CONTEXT):
        CourseMember.objects.get_or_create(course_id=course_id, client_id=client_id, defaults={"coach_id": coach_id})
