"""Scheduled e-mails: one-off, at a time, to one recipient or a segment of the coach's own clients.

Beat's ``scheduled_email_send_due`` claims due rows with ``SKIP LOCKED`` and, in the same transaction,
queues one message per recipient (its trigger id made of the schedule and the address) and marks the
row sent. Several beat or worker processes never claim the same row; a process that dies half-way
rolls the whole row back, and the next run sends it: each scheduled e-mail goes exactly once, and a
restart loses none.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from django.utils import timezone

from contexts.comms import selectors
from contexts.comms.errors import TemplateMissingError, TemplateRenderError
from contexts.comms.models import ClientContact, CourseMember, ScheduledEmail, ScheduledStatus, Segment
from contexts.comms.rendering import plain, single_line
from contexts.comms.services.sending import message_queue
from nlc.db.transactions import atomic
from nlc.errors import ConflictError, InvalidInputError

logger = logging.getLogger(__name__)
CONTEXT = "comms"
SCHEDULE_NAMESPACE = uuid.UUID("0b7f3c1e-52a4-4a59-8a43-76c1d2c0e9b4")


def scheduled_email_create(
    *,
    coach_id: UUID,
    template_key: str,
    send_at: datetime,
    to_email: str = "",
    to_name: str = "",
    segment: str = "",
    course_id: UUID | None = None,
    data: dict[str, Any] | None = None,
) -> ScheduledEmail:
    single_line(to_name, field="to_name")
    if bool(to_email) == bool(segment):
        raise InvalidInputError(field_errors={"to_email": ["Give either a recipient or a segment."]})
    if segment == Segment.COURSE and course_id is None:
        raise InvalidInputError(field_errors={"course_id": ["The course segment needs a course."]})
    if send_at <= timezone.now():
        raise InvalidInputError(field_errors={"send_at": ["A moment in the future."]})
    if selectors.template_resolve(key=template_key, coach_id=coach_id) is None:
        raise InvalidInputError(
            "No such template.", code="template_not_found", field_errors={"template_key": ["No such template."]}
        )
    try:
        data = plain(data or {})
    except TypeError as error:
        raise InvalidInputError(field_errors={"data": [str(error)]}) from error
    with atomic(CONTEXT):
        return ScheduledEmail.objects.create(
            coach_id=coach_id,
            template_key=template_key,
            send_at=send_at,
            to_email=to_email,
            to_name=" ".join(to_name.split())[:200],
            segment=segment,
            course_id=course_id if segment == Segment.COURSE else None,
            data=data,
        )


def scheduled_email_cancel(*, scheduled: ScheduledEmail) -> ScheduledEmail:
    with atomic(CONTEXT):
        row = ScheduledEmail.objects.select_for_update().get(id=scheduled.id)
        if row.status != ScheduledStatus.SCHEDULED:
            raise ConflictError("This e-mail was sent already.", code="scheduled_email_sent")
        row.status = ScheduledStatus.CANCELLED
        row.save(update_fields=["status", "updated_at"])
    return row


def scheduled_email_send_due(*, limit: int = 20) -> int:
    """Queue the messages of every due scheduled e-mail (each claimed by one process); how many rows."""
    now = timezone.now()
    with atomic(CONTEXT):
        due = list(
            ScheduledEmail.objects.select_for_update(skip_locked=True)
            .filter(status=ScheduledStatus.SCHEDULED, send_at__lte=now)
            .order_by("send_at")[:limit]
        )
        for scheduled in due:
            scheduled.message_count = _send(scheduled)
            scheduled.status = ScheduledStatus.SENT
            scheduled.processed_at = now
            scheduled.save(update_fields=["status", "processed_at", "message_count", "updated_at"])
    return len(due)


def recipients_of(scheduled: ScheduledEmail) -> list[tuple[str, str, UUID | None]]:
    """(e-mail, name, client id) of everyone the scheduled e-mail goes to."""
    if scheduled.to_email:
        return [(scheduled.to_email, scheduled.to_name, None)]
    contacts = ClientContact.objects.filter(coach_id=scheduled.coach_id)
    if scheduled.segment == Segment.COURSE and scheduled.course_id is not None:
        members = CourseMember.objects.filter(coach_id=scheduled.coach_id, course_id=scheduled.course_id)
        contacts = contacts.filter(client_id__in=members.values("client_id"))
    return [(contact.email, contact.name, contact.client_id) for contact in contacts.order_by("email")]


def _send(scheduled: ScheduledEmail) -> int:
    count = 0
    for email, name, client_id in recipients_of(scheduled):
        try:
            message_queue(
                key=scheduled.template_key,
                to_email=email,
                to_name=name,
                coach_id=scheduled.coach_id,
                client_id=client_id,
                context={**scheduled.data, "name": name, "email": email},
                trigger_event_id=uuid.uuid5(SCHEDULE_NAMESPACE, f"{scheduled.id}:{email.lower()}"),
                trigger_event_type="comms.scheduled_email",
                sender_coach_id=scheduled.coach_id,
            )
        except (TemplateMissingError, TemplateRenderError) as error:
            logger.error("scheduled e-mail cannot be made", extra={"id": str(scheduled.id), "reason": str(error)})
            return count
        count += 1
    return count
