"""Clients and their history, kept from other contexts' events: payments and refunds (billing),
enrollments and progress (courses), e-mails (comms). A payment naming a person makes them a client
and converts their lead, once."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import F

from contexts.leads.models import Client, ClientEnrollment, ClientPayment, Lead, TimelineKind
from contexts.leads.rules import email_normalize, progress_milestone, text_clean
from contexts.leads.services.records import lead_convert, timeline_entry_add
from nlc.db.transactions import atomic

SUBSCRIPTION = "subscription"


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency}"


def payment_record(
    *,
    transaction_id: UUID,
    coach_id: UUID,
    kind: str,
    course_id: UUID | None,
    client_id: UUID,
    client_email: str,
    client_name: str,
    amount: int,
    currency: str,
    paid_at: datetime,
) -> Client | None:
    """A client's payment: the client (made on the first), its total, its lead converted once.
    A coach's own subscription payment is no client's; the same transaction twice changes nothing."""
    if kind == SUBSCRIPTION:
        return None
    with atomic("leads"):
        if ClientPayment.objects.filter(transaction_id=transaction_id).exists():
            return None
        email = email_normalize(client_email)
        lead = Lead.objects.select_for_update().filter(coach_id=coach_id, email=email).first()
        client = _client_for(
            coach_id=coach_id,
            client_id=client_id,
            email=email,
            name=client_name,
            lead=lead,
            paid_at=paid_at,
            currency=currency,
        )
        ClientPayment.objects.create(
            client=client,
            transaction_id=transaction_id,
            kind=kind,
            course_id=course_id,
            amount=amount,
            currency=currency,
            paid_at=paid_at,
        )
        if currency == client.currency:
            Client.objects.filter(pk=client.pk).update(total_paid=F("total_paid") + amount)
        timeline_entry_add(
            coach_id=coach_id,
            client_id=client_id,
            kind=TimelineKind.PAYMENT_COMPLETED,
            occurred_at=paid_at,
            summary=f"Paid {_money(amount, currency)}",
            data={"transactionId": str(transaction_id), "amount": amount, "currency": currency, "kind": kind},
        )
        if lead is not None:
            lead_convert(
                lead=lead,
                via="purchase",
                transaction_id=transaction_id,
                course_id=course_id,
                converted_at=paid_at,
                changed_by_user_id=None,
            )
        return client


def _client_for(
    *, coach_id: UUID, client_id: UUID, email: str, name: str, lead: Lead | None, paid_at: datetime, currency: str
) -> Client:
    client = Client.objects.select_for_update().filter(coach_id=coach_id, client_id=client_id).first()
    if client is not None:
        return client
    return Client.objects.create(
        coach_id=coach_id,
        client_id=client_id,
        email=email,
        name=text_clean(name) or (lead.name if lead else ""),
        lead=lead,
        first_paid_at=paid_at,
        currency=currency,
    )


def payment_refund_record(*, transaction_id: UUID, amount: int, currency: str, refunded_at: datetime) -> None:
    """A refund of a client's payment lowers its total; one of a payment leads never saw is ignored."""
    with atomic("leads"):
        payment = (
            ClientPayment.objects.select_for_update()
            .select_related("client")
            .filter(transaction_id=transaction_id)
            .first()
        )
        if payment is None:
            return
        ClientPayment.objects.filter(pk=payment.pk).update(refunded_amount=F("refunded_amount") + amount)
        if currency == payment.client.currency:
            Client.objects.filter(pk=payment.client.pk).update(total_paid=F("total_paid") - amount)
        timeline_entry_add(
            coach_id=payment.client.coach_id,
            client_id=payment.client.client_id,
            kind=TimelineKind.PAYMENT_REFUNDED,
            occurred_at=refunded_at,
            summary=f"Refunded {_money(amount, currency)}",
            data={"transactionId": str(transaction_id), "amount": amount, "currency": currency},
        )


def enrollment_record(
    *,
    enrollment_id: UUID,
    coach_id: UUID,
    client_id: UUID,
    course_id: UUID,
    course_title: str,
    enrolled_at: datetime,
) -> None:
    with atomic("leads"):
        _, created = ClientEnrollment.objects.get_or_create(
            enrollment_id=enrollment_id,
            defaults={
                "coach_id": coach_id,
                "client_id": client_id,
                "course_id": course_id,
                "course_title": course_title,
                "enrolled_at": enrolled_at,
            },
        )
        if created:
            timeline_entry_add(
                coach_id=coach_id,
                client_id=client_id,
                kind=TimelineKind.ENROLLED,
                occurred_at=enrolled_at,
                summary=f"Enrolled in {course_title}",
                data={"enrollmentId": str(enrollment_id), "courseId": str(course_id)},
            )


def enrollment_progress_record(*, enrollment_id: UUID, progress_percent: int, updated_at: datetime) -> None:
    """Keep the progress; a quarter crossed (25, 50, 75, 100 %) is a milestone on the timeline."""
    with atomic("leads"):
        enrollment = ClientEnrollment.objects.select_for_update().filter(enrollment_id=enrollment_id).first()
        if enrollment is None or progress_percent <= enrollment.progress_percent:
            return
        milestone = progress_milestone(before=enrollment.progress_percent, after=progress_percent)
        enrollment.progress_percent = progress_percent
        enrollment.save(update_fields=["progress_percent", "updated_at"])
        if milestone is not None:
            timeline_entry_add(
                coach_id=enrollment.coach_id,
                client_id=enrollment.client_id,
                kind=TimelineKind.PROGRESS,
                occurred_at=updated_at,
                summary=f"{milestone}% of {enrollment.course_title}",
                data={"enrollmentId": str(enrollment_id), "progressPercent": milestone},
            )


def enrollment_complete_record(*, enrollment_id: UUID, completed_at: datetime) -> None:
    with atomic("leads"):
        enrollment = ClientEnrollment.objects.select_for_update().filter(enrollment_id=enrollment_id).first()
        if enrollment is None or enrollment.completed_at is not None:
            return
        enrollment.completed_at = completed_at
        enrollment.progress_percent = 100
        enrollment.save(update_fields=["completed_at", "progress_percent", "updated_at"])
        timeline_entry_add(
            coach_id=enrollment.coach_id,
            client_id=enrollment.client_id,
            kind=TimelineKind.COURSE_COMPLETED,
            occurred_at=completed_at,
            summary=f"Completed {enrollment.course_title}",
            data={"enrollmentId": str(enrollment_id)},
        )


def email_touch_record(
    *, coach_id: UUID, client_id: UUID, kind: str, occurred_at: datetime, subject: str, data: dict
) -> None:
    """An e-mail sent to, opened or clicked by one of the coach's people (strangers are not kept)."""
    with atomic("leads"):
        known = (
            Lead.objects.filter(coach_id=coach_id, client_id=client_id).exists()
            or Client.objects.filter(coach_id=coach_id, client_id=client_id).exists()
        )
        if known:
            timeline_entry_add(
                coach_id=coach_id, client_id=client_id, kind=kind, occurred_at=occurred_at, summary=subject, data=data
            )
