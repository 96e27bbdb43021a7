"""Payments: the transaction of each Stripe payment (one-off or an invoice's), its payment intent's
events and its refunds. A payment's status only moves forward; its completion is published once,
when billing knows all its consumers need, and its refunds only after it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from contexts.billing import events
from contexts.billing.errors import StripeEventIgnoredError
from contexts.billing.models import (
    CustomerKind,
    PaymentLink,
    Refund,
    StripeCustomer,
    Transaction,
    TransactionKind,
    TransactionStatus,
)
from contexts.billing.providers.stripe import stripe_gateway
from contexts.billing.stripe_events import shapes
from nlc.clients import client_id_for

# -- transactions -----------------------------------------------------------------------------------
# A payment's statuses only move forward.
TRANSACTION_RANK: dict[str, int] = {
    TransactionStatus.PENDING: 0,
    TransactionStatus.FAILED: 1,
    TransactionStatus.SUCCEEDED: 2,
    TransactionStatus.PARTIALLY_REFUNDED: 3,
    TransactionStatus.REFUNDED: 4,
}


def payment_link_for_stripe(stripe_payment_link_id: str | None, values: dict[str, str]) -> PaymentLink | None:
    if stripe_payment_link_id:
        link = PaymentLink.objects.filter(stripe_payment_link_id=stripe_payment_link_id).first()
        if link is not None:
            return link
    link_id = shapes.metadata_uuid(values, "paymentLinkId")
    return PaymentLink.objects.filter(pk=link_id).first() if link_id else None


def payment_transaction_for(
    *,
    payment_intent_id: str | None,
    session_id: str | None,
    payment_link: PaymentLink | None,
    values: dict[str, str],
    amount: int,
    currency: str,
    occurred_at: datetime,
) -> Transaction:
    """The (locked) transaction of a one-off payment, or a new unsaved one; StripeEventIgnoredError if no coach."""
    transaction_row = None
    if payment_intent_id:
        transaction_row = (
            Transaction.objects.select_for_update().filter(stripe_payment_intent_id=payment_intent_id).first()
        )
    if transaction_row is None and session_id:
        transaction_row = Transaction.objects.select_for_update().filter(stripe_checkout_session_id=session_id).first()
    if transaction_row is None:
        coach_id = payment_link.coach_id if payment_link else shapes.metadata_uuid(values, "coachId")
        if coach_id is None:
            raise StripeEventIgnoredError("a payment billing cannot attribute to a coach")
        course_id = payment_link.course_id if payment_link else shapes.metadata_uuid(values, "courseId")
        transaction_row = Transaction(
            coach_id=coach_id,
            kind=TransactionKind.COURSE_PURCHASE if course_id else TransactionKind.OTHER,
            payment_link=payment_link,
            course_id=course_id,
            amount=amount,
            currency=shapes.currency(currency),
            occurred_at=occurred_at,
        )
    elif transaction_row.payment_link_id is None and payment_link is not None:
        transaction_row.payment_link = payment_link
    transaction_row.stripe_payment_intent_id = transaction_row.stripe_payment_intent_id or payment_intent_id
    return transaction_row


def client_learn(transaction_row: Transaction, *, email: str, name: str = "", stripe_customer_id: str | None = None):
    """Remember who pays (the first e-mail and name Stripe names), and the client's Stripe customer."""
    email = email.strip().lower()
    if email and not transaction_row.client_email:
        transaction_row.client_email = email[:254]
        transaction_row.client_id = client_id_for(coach_id=transaction_row.coach_id, email=email)
    if name and not transaction_row.client_name:
        transaction_row.client_name = name.strip()[:200]
    if stripe_customer_id and transaction_row.client_email:
        StripeCustomer.objects.get_or_create(
            stripe_customer_id=stripe_customer_id,
            defaults={
                "coach_id": transaction_row.coach_id,
                "kind": CustomerKind.CLIENT,
                "client_id": transaction_row.client_id,
                "email": transaction_row.client_email,
                "name": transaction_row.client_name,
            },
        )


def payment_succeed(transaction_row: Transaction, *, paid_at: datetime) -> None:
    """Mark a payment successful, as of the earliest evidence seen before its completion went out."""
    if TRANSACTION_RANK[transaction_row.status] < TRANSACTION_RANK[TransactionStatus.SUCCEEDED]:
        transaction_row.status = TransactionStatus.SUCCEEDED
        transaction_row.paid_at = paid_at
    elif (
        transaction_row.completed_published_at is None and transaction_row.paid_at and paid_at < transaction_row.paid_at
    ):
        transaction_row.paid_at = paid_at


def payment_fail(
    transaction_row: Transaction, *, at: datetime, code: str, message: str, next_attempt_at: datetime | None = None
) -> None:
    """Record a failed attempt and publish it, unless the payment has succeeded meanwhile."""
    if TRANSACTION_RANK[transaction_row.status] >= TRANSACTION_RANK[TransactionStatus.SUCCEEDED]:
        transaction_row.save()
        raise StripeEventIgnoredError("a failed attempt of a payment that has succeeded since")
    transaction_row.status = TransactionStatus.FAILED
    transaction_row.attempt_count += 1
    if transaction_row.failed_at is None or at >= transaction_row.failed_at:
        transaction_row.failed_at = at
        transaction_row.failure_code = code[:100]
        transaction_row.failure_message = message[:1000]
    transaction_row.save()
    events.payment_failed_publish(transaction=transaction_row, next_attempt_at=next_attempt_at)


def transaction_settle(transaction_row: Transaction) -> None:
    """Save a transaction, publish its completion once it is complete enough, then its refunds."""
    publish_completed = transaction_row.completed_published_at is None and _completion_is_publishable(transaction_row)
    if publish_completed:
        transaction_row.completed_published_at = timezone.now()
    transaction_row.save()
    if publish_completed:
        events.payment_completed_publish(transaction=transaction_row)
    _refunds_apply(transaction_row)


def _completion_is_publishable(transaction_row: Transaction) -> bool:
    if TRANSACTION_RANK[transaction_row.status] < TRANSACTION_RANK[TransactionStatus.SUCCEEDED]:
        return False
    if transaction_row.paid_at is None or not transaction_row.external_payment_id:
        return False
    if transaction_row.kind == TransactionKind.COURSE_PURCHASE:
        return bool(transaction_row.course_id and transaction_row.client_email)
    if transaction_row.kind == TransactionKind.SUBSCRIPTION:
        return transaction_row.plan_id is not None
    return True


def _refunds_apply(transaction_row: Transaction) -> None:
    """Attach the refunds of this payment that arrived before it, update the refunded amount, and
    publish each refund billing has not published yet (only after the payment's completion)."""
    waiting = Refund.objects.filter(transaction__isnull=True)
    if transaction_row.stripe_payment_intent_id:
        waiting.filter(stripe_payment_intent_id=transaction_row.stripe_payment_intent_id).update(
            transaction=transaction_row
        )
    if transaction_row.stripe_charge_id:
        waiting.filter(stripe_charge_id=transaction_row.stripe_charge_id).update(transaction=transaction_row)
    refunds = list(transaction_row.refunds.select_for_update().order_by("refunded_at", "stripe_refund_id"))
    if not refunds and transaction_row.amount_refunded == 0:
        return
    refunded = max(transaction_row.amount_refunded, sum(refund.amount for refund in refunds))
    if refunds:
        transaction_row.refunded_at = max(refund.refunded_at for refund in refunds)
    transaction_row.amount_refunded = refunded
    if TRANSACTION_RANK[transaction_row.status] >= TRANSACTION_RANK[TransactionStatus.SUCCEEDED]:
        full = refunded >= transaction_row.amount
        transaction_row.status = TransactionStatus.REFUNDED if full else TransactionStatus.PARTIALLY_REFUNDED
    transaction_row.save()
    if transaction_row.completed_published_at is None:
        return  # published once the payment's completion is
    published_total = sum(refund.amount for refund in refunds if refund.published_at is not None)
    for refund in refunds:
        if refund.published_at is not None:
            continue
        published_total += refund.amount
        refund.published_at = timezone.now()
        refund.save(update_fields=["published_at", "updated_at"])
        events.payment_refunded_publish(
            refund=refund, transaction=transaction_row, full_refund=published_total >= transaction_row.amount
        )


# -- payment intents --------------------------------------------------------------------------------
def payment_intent_event_apply(payment_intent: dict[str, Any], *, created: datetime, event_type: str) -> None:
    """``payment_intent.succeeded`` and ``payment_intent.payment_failed``: one payment's attempt."""
    values = shapes.metadata(payment_intent)
    transaction_row = payment_transaction_for(
        payment_intent_id=payment_intent["id"],
        session_id=None,
        payment_link=payment_link_for_stripe(None, values),
        values=values,
        amount=payment_intent.get("amount") or 0,
        currency=payment_intent.get("currency") or "",
        occurred_at=shapes.timestamp(payment_intent.get("created")) or created,
    )
    if event_type == "payment_intent.payment_failed":
        _payment_intent_failed(transaction_row, payment_intent, at=created)
    else:
        _payment_intent_succeeded(transaction_row, payment_intent, at=created)


def _payment_intent_succeeded(transaction_row: Transaction, payment_intent: dict[str, Any], *, at: datetime) -> None:
    transaction_row.stripe_charge_id = (
        shapes.payment_intent_charge_id(payment_intent) or transaction_row.stripe_charge_id
    )
    client_learn(transaction_row, email=shapes.payment_intent_email(payment_intent))
    transaction_row.amount = payment_intent.get("amount_received") or payment_intent.get("amount") or 0
    payment_succeed(transaction_row, paid_at=at)
    transaction_settle(transaction_row)


def _payment_intent_failed(transaction_row: Transaction, payment_intent: dict[str, Any], *, at: datetime) -> None:
    error = payment_intent.get("last_payment_error") or {}
    payment_method = error.get("payment_method")
    billing_details = (payment_method.get("billing_details") if isinstance(payment_method, dict) else None) or {}
    client_learn(
        transaction_row,
        email=shapes.payment_intent_email(payment_intent) or billing_details.get("email") or "",
        name=billing_details.get("name") or "",
    )
    payment_fail(transaction_row, at=at, code=error.get("code") or "", message=error.get("message") or "")


# -- refunds ----------------------------------------------------------------------------------------
def charge_refunded_apply(charge: dict[str, Any], *, created: datetime, event_type: str) -> None:
    charge_id = charge["id"]
    payment_intent_id = shapes.expandable_id(charge.get("payment_intent")) or ""
    refunds = shapes.charge_refunds(charge)
    if refunds is None:
        # Since 2022-11-15 the event carries no refunds: ask Stripe (a failure here is retried).
        refunds = stripe_gateway().refund_list_for_charge(charge_id=charge_id)
    for stripe_refund in refunds:
        if stripe_refund.get("status") in ("failed", "canceled"):
            continue
        Refund.objects.get_or_create(
            stripe_refund_id=stripe_refund["id"],
            defaults={
                "stripe_charge_id": charge_id,
                "stripe_payment_intent_id": payment_intent_id,
                "amount": stripe_refund.get("amount") or 0,
                "currency": shapes.currency(stripe_refund.get("currency") or charge.get("currency") or ""),
                "reason": str(stripe_refund.get("reason") or "")[:32],
                "refunded_at": shapes.timestamp(stripe_refund.get("created")) or created,
            },
        )
    transaction_row = None
    if payment_intent_id:
        transaction_row = (
            Transaction.objects.select_for_update().filter(stripe_payment_intent_id=payment_intent_id).first()
        )
    if transaction_row is None:
        transaction_row = Transaction.objects.select_for_update().filter(stripe_charge_id=charge_id).first()
    if transaction_row is None:
        return  # the refunds wait for their payment's transaction (transaction_settle)
    transaction_row.stripe_charge_id = transaction_row.stripe_charge_id or charge_id
    if TRANSACTION_RANK[transaction_row.status] < TRANSACTION_RANK[TransactionStatus.SUCCEEDED]:
        payment_succeed(transaction_row, paid_at=shapes.timestamp(charge.get("created")) or created)
    transaction_row.amount_refunded = max(transaction_row.amount_refunded, charge.get("amount_refunded") or 0)
    transaction_settle(transaction_row)
