"""Stripe's invoice events: a coach's invoices only move forward through their statuses; a paid one
settles its payment's transaction, a failed attempt is reported once."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.utils import timezone

from contexts.billing import events
from contexts.billing.errors import StripeEventIgnoredError, StripeEventMalformedError
from contexts.billing.models import (
    CustomerKind,
    Invoice,
    InvoiceStatus,
    StripeCustomer,
    Subscription,
    Transaction,
    TransactionKind,
)
from contexts.billing.stripe_events import shapes
from contexts.billing.stripe_events.payments import payment_fail, payment_succeed, transaction_settle
from contexts.billing.stripe_events.subscriptions import subscription_linked

INVOICE_RANK: dict[str, int] = {
    InvoiceStatus.DRAFT: 0,
    InvoiceStatus.OPEN: 1,
    InvoiceStatus.UNCOLLECTIBLE: 2,
    InvoiceStatus.PAID: 3,
    InvoiceStatus.VOID: 3,
}
INVOICE_ISSUED_STATUSES = frozenset({InvoiceStatus.OPEN, InvoiceStatus.PAID})


def invoice_event_apply(stripe_invoice: dict[str, Any], *, created: datetime, event_type: str) -> None:
    status = stripe_invoice.get("status")
    if status not in INVOICE_RANK:
        raise StripeEventMalformedError(f"unknown invoice status {status!r}")
    values = shapes.invoice_subscription_metadata(stripe_invoice)
    subscription = subscription_linked(
        shapes.invoice_subscription_id(stripe_invoice), subscription_id=shapes.metadata_uuid(values, "subscriptionId")
    )
    coach_id = _invoice_coach_id(stripe_invoice, subscription=subscription, values=values)
    if coach_id is None:
        raise StripeEventIgnoredError("an invoice billing cannot attribute to a coach")

    invoice = Invoice.objects.select_for_update().filter(stripe_invoice_id=stripe_invoice["id"]).first()
    if invoice is None:
        invoice = Invoice(coach_id=coach_id, stripe_invoice_id=stripe_invoice["id"])
        _invoice_snapshot(invoice, stripe_invoice, at=created)
    elif _invoice_state_is_newer(invoice, status=status, at=created):
        _invoice_snapshot(invoice, stripe_invoice, at=created)
    if invoice.subscription_id is None and subscription is not None:
        invoice.subscription = subscription
    publish_issued = invoice.issued_at is None and invoice.status in INVOICE_ISSUED_STATUSES
    if publish_issued:
        invoice.issued_at = timezone.now()
    invoice.save()
    if publish_issued:
        events.invoice_issued_publish(invoice=invoice)

    if invoice.status == InvoiceStatus.PAID and invoice.amount_paid > 0:
        transaction_row = _invoice_transaction(invoice, stripe_invoice)
        payment_succeed(transaction_row, paid_at=invoice.paid_at or created)
        transaction_settle(transaction_row)
    elif event_type == "invoice.payment_failed" and invoice.amount_due > 0:
        _invoice_payment_failed(invoice, stripe_invoice, at=created)


def _invoice_coach_id(
    stripe_invoice: dict[str, Any], *, subscription: Subscription | None, values: dict[str, str]
) -> UUID | None:
    """The coach an invoice bills: its subscription's, the one in its metadata, or its customer's."""
    coach_id = subscription.coach_id if subscription else shapes.metadata_uuid(values, "coachId")
    if coach_id is not None:
        return coach_id
    customer = StripeCustomer.objects.filter(
        stripe_customer_id=shapes.expandable_id(stripe_invoice.get("customer")), kind=CustomerKind.COACH
    ).first()
    return customer.coach_id if customer else None


def _invoice_payment_failed(invoice: Invoice, stripe_invoice: dict[str, Any], *, at: datetime) -> None:
    """Report a failed attempt to pay the invoice, once per attempt Stripe counts."""
    transaction_row = _invoice_transaction(invoice, stripe_invoice)
    attempt_count = int(stripe_invoice.get("attempt_count") or 1)
    if attempt_count <= transaction_row.attempt_count:
        transaction_row.save()
        return  # a failed attempt billing has already reported
    transaction_row.attempt_count = attempt_count - 1  # payment_fail counts this one
    payment_fail(
        transaction_row,
        at=at,
        code="",
        message="",
        next_attempt_at=shapes.timestamp(stripe_invoice.get("next_payment_attempt")),
    )


def _invoice_state_is_newer(invoice: Invoice, *, status: str, at: datetime) -> bool:
    current, new = INVOICE_RANK[invoice.status], INVOICE_RANK[status]
    return new > current or (new == current and at >= invoice.stripe_state_at)


def _invoice_snapshot(invoice: Invoice, stripe_invoice: dict[str, Any], *, at: datetime) -> None:
    invoice.status = stripe_invoice["status"]
    invoice.stripe_state_at = at
    invoice.number = str(stripe_invoice.get("number") or "")[:64]
    invoice.currency = shapes.currency(stripe_invoice.get("currency") or "")
    invoice.total = stripe_invoice.get("total") or 0
    invoice.amount_due = stripe_invoice.get("amount_due") or 0
    invoice.amount_paid = stripe_invoice.get("amount_paid") or 0
    invoice.amount_remaining = stripe_invoice.get("amount_remaining") or 0
    invoice.hosted_invoice_url = stripe_invoice.get("hosted_invoice_url") or ""
    invoice.pdf_url = stripe_invoice.get("invoice_pdf") or ""
    invoice.period_start, invoice.period_end = shapes.invoice_service_period(stripe_invoice)
    invoice.due_at = shapes.timestamp(stripe_invoice.get("due_date"))
    invoice.attempt_count = stripe_invoice.get("attempt_count") or 0
    invoice.next_payment_attempt_at = shapes.timestamp(stripe_invoice.get("next_payment_attempt"))
    invoice.paid_at = shapes.invoice_paid_at(stripe_invoice)
    invoice.invoiced_at = shapes.timestamp(stripe_invoice.get("created")) or at


def _invoice_transaction(invoice: Invoice, stripe_invoice: dict[str, Any]) -> Transaction:
    """The (locked) transaction of an invoice's payment: one per invoice, whatever its attempts."""
    payment_intent_id = shapes.invoice_payment_intent_id(stripe_invoice)
    transaction_row = (
        Transaction.objects.select_for_update().filter(stripe_invoice_id=invoice.stripe_invoice_id).first()
    )
    if transaction_row is None and payment_intent_id:
        transaction_row = (
            Transaction.objects.select_for_update().filter(stripe_payment_intent_id=payment_intent_id).first()
        )
    if transaction_row is None:
        subscription = invoice.subscription
        transaction_row = Transaction(
            coach_id=invoice.coach_id,
            kind=TransactionKind.SUBSCRIPTION if subscription else TransactionKind.OTHER,
            subscription=subscription,
            plan_id=subscription.plan_id if subscription else None,
            occurred_at=invoice.invoiced_at,
        )
    transaction_row.invoice = invoice
    transaction_row.stripe_invoice_id = invoice.stripe_invoice_id
    transaction_row.stripe_payment_intent_id = transaction_row.stripe_payment_intent_id or payment_intent_id
    transaction_row.amount = invoice.amount_paid if invoice.status == InvoiceStatus.PAID else invoice.amount_due
    transaction_row.currency = invoice.currency
    return transaction_row
