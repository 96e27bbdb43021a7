"""Apply Stripe's events to billing's state: the writes behind ``integrations.webhook.received``.

Stripe sends events more than once and in any order. Two rules keep the state right:

- **Each event once.** :func:`stripe_event_apply` claims the Stripe event id in ``StripeEvent``
  inside the transaction of its effects: the same event again (a redelivery, or integrations
  replaying a stored webhook under a new bus event id) changes nothing and publishes nothing.
- **Never older over newer.** A row that events change keeps the time of the newest state applied
  (``stripe_state_at``, the event's ``created``). A subscription takes an event's snapshot only if it
  is at least as new, with the status's place in the life cycle deciding ties, and an ended
  subscription stays ended. Invoices and payments only move forward through their statuses
  (a paid invoice is never reopened, a successful payment never turns into a failure).

Billing publishes what it sees happen: ``billing.payment.completed`` once per payment, when it knows
all its consumers need (a course purchase: the course and the client's e-mail, which may arrive with
a later event); ``billing.payment.refunded`` once per Stripe refund, always after the payment's
completion; ``billing.invoice.issued`` once per invoice, when it is first seen open or paid;
``billing.subscription.activated`` whenever a subscription enters active or trialing from another
status; ``billing.payment.failed`` per failed attempt, unless the payment has succeeded meanwhile.

Every object is attributed to a coach through what billing put into Stripe's metadata (coachId,
planId, subscriptionId, paymentLinkId, courseId) or the Stripe ids it stored; an event about
something billing cannot attribute is recorded as ignored, with the reason.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from contexts.billing import events
from contexts.billing import stripe_shapes as shapes
from contexts.billing.models import (
    CustomerKind,
    Invoice,
    InvoiceStatus,
    PaymentLink,
    PaymentMethod,
    Plan,
    Refund,
    StripeCustomer,
    StripeEvent,
    StripeEventOutcome,
    Subscription,
    SubscriptionStatus,
    Transaction,
    TransactionKind,
    TransactionStatus,
)
from contexts.billing.providers.stripe import stripe_gateway
from nlc.clients import client_id_for
from nlc.db.router import alias_for_context

logger = logging.getLogger(__name__)

DUPLICATE = "duplicate"


class MalformedStripeEvent(ValueError):
    """The payload is not a Stripe event billing can read: retrying will not change that."""


class Ignored(Exception):
    """Nothing for billing to do with this event; the message says why (kept on StripeEvent)."""


def _alias() -> str:
    return alias_for_context("billing")


# -- entry point ----------------------------------------------------------------------------------
def stripe_event_apply(*, event: dict[str, Any]) -> str:
    """Apply one Stripe event (the parsed webhook body); return its outcome (applied, ignored, duplicate).

    Raises MalformedStripeEvent for a payload that is not a Stripe event, and the provider's
    StripeFailure when Stripe must be asked something and cannot answer (worth a retry).
    """
    event_id, event_type, stripe_object, created = _read(event)
    handler = HANDLERS.get(event_type)
    with transaction.atomic(using=_alias()):
        record = StripeEvent(
            stripe_event_id=event_id,
            event_type=event_type,
            api_version=str(event.get("api_version") or "")[:64],
            stripe_created_at=created,
            outcome=StripeEventOutcome.APPLIED,
        )
        try:
            with transaction.atomic(using=_alias()):
                record.save(using=_alias(), force_insert=True)
        except IntegrityError:
            logger.info("stripe event already applied", extra={"stripe_event_id": event_id, "type": event_type})
            return DUPLICATE
        try:
            if handler is None:
                raise Ignored(f"billing does not act on {event_type}")
            handler(stripe_object, created=created, event_type=event_type)
        except Ignored as reason:
            record.outcome, record.note = StripeEventOutcome.IGNORED, str(reason)[:500]
            record.save(using=_alias(), update_fields=["outcome", "note"])
            logger.info(
                "stripe event ignored", extra={"stripe_event_id": event_id, "type": event_type, "reason": str(reason)}
            )
        return record.outcome


def _read(event: Any) -> tuple[str, str, dict[str, Any], datetime]:
    if not isinstance(event, dict) or event.get("object") != "event":
        raise MalformedStripeEvent("not a Stripe event (object is not 'event')")
    event_id, event_type, created = event.get("id"), event.get("type"), event.get("created")
    data = event.get("data")
    stripe_object = data.get("object") if isinstance(data, dict) else None
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str) and event_type):
        raise MalformedStripeEvent("a Stripe event needs an id and a type")
    if not isinstance(created, int) or not isinstance(stripe_object, dict):
        raise MalformedStripeEvent(f"Stripe event {event_id} lacks created or data.object")
    if event_type in HANDLERS and not stripe_object.get("id"):
        raise MalformedStripeEvent(f"Stripe event {event_id} ({event_type}) has an object without an id")
    return event_id, event_type, stripe_object, shapes.timestamp(created)


# -- subscriptions --------------------------------------------------------------------------------
# Where a status sits in a subscription's life: the later one wins when two states share a second.
SUBSCRIPTION_RANK = {
    SubscriptionStatus.INCOMPLETE: 0,
    SubscriptionStatus.TRIALING: 1,
    SubscriptionStatus.ACTIVE: 2,
    SubscriptionStatus.PAST_DUE: 3,
    SubscriptionStatus.UNPAID: 4,
    SubscriptionStatus.PAUSED: 4,
    SubscriptionStatus.INCOMPLETE_EXPIRED: 5,
    SubscriptionStatus.CANCELED: 5,
}
SUBSCRIPTION_ENDED = frozenset({SubscriptionStatus.CANCELED, SubscriptionStatus.INCOMPLETE_EXPIRED})
SUBSCRIPTION_RUNNING = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING})


def _subscription_event(stripe_subscription: dict[str, Any], *, created: datetime, event_type: str) -> None:
    subscription = _subscription_for_stripe(stripe_subscription)
    if subscription is None:
        raise Ignored("a subscription billing did not start and cannot attribute to a coach and plan")
    if not subscription_snapshot_apply(subscription=subscription, stripe_subscription=stripe_subscription, at=created):
        raise Ignored("older than the subscription state billing has")


def subscription_snapshot_apply(
    *, subscription: Subscription, stripe_subscription: dict[str, Any], at: datetime
) -> bool:
    """Take Stripe's view of a (locked) subscription as of ``at`` unless billing has a newer one;
    publish billing.subscription.activated when it starts running. Returns whether it was taken."""
    status = stripe_subscription.get("status")
    if status not in SUBSCRIPTION_RANK:
        raise MalformedStripeEvent(f"unknown subscription status {status!r}")
    if not _subscription_state_is_newer(subscription, status=status, at=at):
        return False
    previous_status = subscription.status
    subscription.status = status
    subscription.stripe_state_at = at
    subscription.current_period_start, subscription.current_period_end = shapes.subscription_period(stripe_subscription)
    subscription.cancel_at_period_end = bool(stripe_subscription.get("cancel_at_period_end"))
    subscription.cancel_at = shapes.timestamp(stripe_subscription.get("cancel_at"))
    subscription.canceled_at = shapes.timestamp(stripe_subscription.get("canceled_at"))
    subscription.ended_at = shapes.timestamp(stripe_subscription.get("ended_at"))
    subscription.trial_end = shapes.timestamp(stripe_subscription.get("trial_end"))
    plan = Plan.objects.filter(stripe_price_id=shapes.subscription_price_id(stripe_subscription)).first()
    if plan is not None:
        subscription.plan = plan  # the coach switched plans in Stripe's portal
    customer_id = shapes.expandable_id(stripe_subscription.get("customer"))
    if customer_id and subscription.customer_id is None:
        subscription.customer = _coach_customer(customer_id, coach_id=subscription.coach_id)
    starts_running = status in SUBSCRIPTION_RUNNING and previous_status not in SUBSCRIPTION_RUNNING
    if starts_running:
        subscription.activated_at = timezone.now()
    subscription.save(using=_alias())
    if starts_running and subscription.current_period_start and subscription.current_period_end:
        events.subscription_activated_publish(subscription=subscription)
    return True


def _subscription_state_is_newer(subscription: Subscription, *, status: str, at: datetime) -> bool:
    if subscription.status in SUBSCRIPTION_ENDED:
        return False
    if subscription.stripe_state_at is None or at > subscription.stripe_state_at:
        return True
    return at == subscription.stripe_state_at and SUBSCRIPTION_RANK[status] >= SUBSCRIPTION_RANK[subscription.status]


def _subscription_for_stripe(stripe_subscription: dict[str, Any]) -> Subscription | None:
    """The (locked) subscription a Stripe subscription is: by its id, by the subscriptionId billing
    put in its metadata at checkout, or (one made in Stripe's dashboard) by its coach and price."""
    stripe_id = stripe_subscription["id"]
    values = shapes.metadata(stripe_subscription)
    subscription = _subscription_linked(stripe_id, subscription_id=shapes.metadata_uuid(values, "subscriptionId"))
    if subscription is not None:
        return subscription
    plan = Plan.objects.filter(stripe_price_id=shapes.subscription_price_id(stripe_subscription)).first()
    customer_id = shapes.expandable_id(stripe_subscription.get("customer"))
    customer = StripeCustomer.objects.filter(stripe_customer_id=customer_id, kind=CustomerKind.COACH).first()
    coach_id = shapes.metadata_uuid(values, "coachId") or (customer.coach_id if customer else None)
    if plan is None or coach_id is None:
        return None
    # Keep the id billing gave it at checkout, if the checkout's row is missing (never saved).
    subscription_id = shapes.metadata_uuid(values, "subscriptionId")
    if subscription_id is None or Subscription.objects.filter(pk=subscription_id).exists():
        subscription_id = uuid.uuid4()
    return Subscription.objects.create(
        id=subscription_id, coach_id=coach_id, plan=plan, customer=customer, stripe_subscription_id=stripe_id
    )


def _subscription_linked(stripe_id: str | None, *, subscription_id) -> Subscription | None:
    """The locked subscription with this Stripe id, else the one billing created as subscription_id
    (which gets the Stripe id now)."""
    if stripe_id:
        subscription = Subscription.objects.select_for_update().filter(stripe_subscription_id=stripe_id).first()
        if subscription is not None:
            return subscription
    if subscription_id is None:
        return None
    subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
    if subscription is None or not stripe_id:
        return subscription
    if subscription.stripe_subscription_id is None:
        subscription.stripe_subscription_id = stripe_id
        subscription.save(using=_alias(), update_fields=["stripe_subscription_id", "updated_at"])
    return subscription if subscription.stripe_subscription_id == stripe_id else None


def _coach_customer(stripe_customer_id: str, *, coach_id, email: str = "", name: str = "") -> StripeCustomer:
    customer, _ = StripeCustomer.objects.get_or_create(
        stripe_customer_id=stripe_customer_id,
        defaults={"coach_id": coach_id, "kind": CustomerKind.COACH, "email": email, "name": name[:200]},
    )
    return customer


# -- checkout sessions ----------------------------------------------------------------------------
def _checkout_session_event(session: dict[str, Any], *, created: datetime, event_type: str) -> None:
    mode = session.get("mode")
    if mode == "subscription":
        _subscription_checkout(session, event_type=event_type)
    elif mode == "payment":
        _payment_checkout(session, created=created, event_type=event_type)
    else:
        raise Ignored(f"billing does not act on checkout sessions in {mode} mode")


def _subscription_checkout(session: dict[str, Any], *, event_type: str) -> None:
    """Link the checkout a coach started to its Stripe subscription and customer. The status comes
    from the subscription's own events, and the payment from the invoice's."""
    values = shapes.metadata(session)
    subscription_id = shapes.metadata_uuid(values, "subscriptionId") or shapes.uuid_or_none(
        session.get("client_reference_id")
    )
    stripe_subscription_id = shapes.expandable_id(session.get("subscription"))
    subscription = _subscription_linked(stripe_subscription_id, subscription_id=subscription_id)
    if subscription is None:
        subscription = Subscription.objects.select_for_update().filter(stripe_checkout_session_id=session["id"]).first()
    if subscription is None:
        raise Ignored("a checkout billing did not start")
    if subscription.stripe_checkout_session_id is None:
        subscription.stripe_checkout_session_id = session["id"]
    customer_id = shapes.expandable_id(session.get("customer"))
    if customer_id and subscription.customer_id is None:
        details = session.get("customer_details") or {}
        subscription.customer = _coach_customer(
            customer_id,
            coach_id=subscription.coach_id,
            email=details.get("email") or "",
            name=details.get("name") or "",
        )
    if (
        event_type == "checkout.session.expired"
        and subscription.status == SubscriptionStatus.INCOMPLETE
        and subscription.stripe_subscription_id is None
    ):
        subscription.status = SubscriptionStatus.INCOMPLETE_EXPIRED
    subscription.save(using=_alias())


def _payment_checkout(session: dict[str, Any], *, created: datetime, event_type: str) -> None:
    """A client paid (or failed to pay) through a coach's payment link or another one-off checkout."""
    if event_type == "checkout.session.expired":
        raise Ignored("an abandoned checkout: no payment was made")
    values = shapes.metadata(session)
    payment_link = _payment_link_for(shapes.expandable_id(session.get("payment_link")), values)
    transaction_row = _payment_transaction(
        payment_intent_id=shapes.expandable_id(session.get("payment_intent")),
        session_id=session["id"],
        payment_link=payment_link,
        values=values,
        amount=session.get("amount_total") or 0,
        currency=session.get("currency") or "",
        occurred_at=shapes.timestamp(session.get("created")) or created,
    )
    if transaction_row.stripe_checkout_session_id is None:
        transaction_row.stripe_checkout_session_id = session["id"]
    details = session.get("customer_details") or {}
    _client_learn(
        transaction_row,
        email=details.get("email") or session.get("customer_email") or "",
        name=details.get("name") or "",
        stripe_customer_id=shapes.expandable_id(session.get("customer")),
    )
    if event_type == "checkout.session.async_payment_failed":
        _payment_fail(
            transaction_row, at=created, code="async_payment_failed", message="The payment did not go through."
        )
        return
    if session.get("payment_status") in ("paid", "no_payment_required"):
        _payment_succeed(transaction_row, paid_at=created)
    _transaction_settle(transaction_row)


# -- payment intents ------------------------------------------------------------------------------
def _payment_intent_succeeded(payment_intent: dict[str, Any], *, created: datetime, event_type: str) -> None:
    values = shapes.metadata(payment_intent)
    transaction_row = _payment_transaction(
        payment_intent_id=payment_intent["id"],
        session_id=None,
        payment_link=_payment_link_for(None, values),
        values=values,
        amount=payment_intent.get("amount") or 0,
        currency=payment_intent.get("currency") or "",
        occurred_at=shapes.timestamp(payment_intent.get("created")) or created,
    )
    transaction_row.stripe_charge_id = (
        shapes.payment_intent_charge_id(payment_intent) or transaction_row.stripe_charge_id
    )
    _client_learn(transaction_row, email=shapes.payment_intent_email(payment_intent))
    transaction_row.amount = payment_intent.get("amount_received") or payment_intent.get("amount") or 0
    _payment_succeed(transaction_row, paid_at=created)
    _transaction_settle(transaction_row)


def _payment_intent_failed(payment_intent: dict[str, Any], *, created: datetime, event_type: str) -> None:
    values = shapes.metadata(payment_intent)
    transaction_row = _payment_transaction(
        payment_intent_id=payment_intent["id"],
        session_id=None,
        payment_link=_payment_link_for(None, values),
        values=values,
        amount=payment_intent.get("amount") or 0,
        currency=payment_intent.get("currency") or "",
        occurred_at=shapes.timestamp(payment_intent.get("created")) or created,
    )
    error = payment_intent.get("last_payment_error") or {}
    payment_method = error.get("payment_method") if isinstance(error.get("payment_method"), dict) else {}
    billing_details = payment_method.get("billing_details") or {}
    _client_learn(
        transaction_row,
        email=shapes.payment_intent_email(payment_intent) or billing_details.get("email") or "",
        name=billing_details.get("name") or "",
    )
    _payment_fail(transaction_row, at=created, code=error.get("code") or "", message=error.get("message") or "")


# -- invoices -------------------------------------------------------------------------------------
INVOICE_RANK = {
    InvoiceStatus.DRAFT: 0,
    InvoiceStatus.OPEN: 1,
    InvoiceStatus.UNCOLLECTIBLE: 2,
    InvoiceStatus.PAID: 3,
    InvoiceStatus.VOID: 3,
}
INVOICE_ISSUED_STATUSES = frozenset({InvoiceStatus.OPEN, InvoiceStatus.PAID})


def _invoice_event(stripe_invoice: dict[str, Any], *, created: datetime, event_type: str) -> None:
    status = stripe_invoice.get("status")
    if status not in INVOICE_RANK:
        raise MalformedStripeEvent(f"unknown invoice status {status!r}")
    values = shapes.invoice_subscription_metadata(stripe_invoice)
    subscription = _subscription_linked(
        shapes.invoice_subscription_id(stripe_invoice), subscription_id=shapes.metadata_uuid(values, "subscriptionId")
    )
    coach_id = subscription.coach_id if subscription else shapes.metadata_uuid(values, "coachId")
    if coach_id is None:
        customer = StripeCustomer.objects.filter(
            stripe_customer_id=shapes.expandable_id(stripe_invoice.get("customer")), kind=CustomerKind.COACH
        ).first()
        coach_id = customer.coach_id if customer else None
    if coach_id is None:
        raise Ignored("an invoice billing cannot attribute to a coach")

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
    invoice.save(using=_alias())
    if publish_issued:
        events.invoice_issued_publish(invoice=invoice)

    if invoice.status == InvoiceStatus.PAID and invoice.amount_paid > 0:
        transaction_row = _invoice_transaction(invoice, stripe_invoice)
        _payment_succeed(transaction_row, paid_at=invoice.paid_at or created)
        _transaction_settle(transaction_row)
    elif event_type == "invoice.payment_failed" and invoice.amount_due > 0:
        transaction_row = _invoice_transaction(invoice, stripe_invoice)
        attempt_count = int(stripe_invoice.get("attempt_count") or 1)
        if attempt_count <= transaction_row.attempt_count:
            transaction_row.save(using=_alias())
            return  # a failed attempt billing has already reported
        transaction_row.attempt_count = attempt_count - 1  # _payment_fail counts this one
        _payment_fail(
            transaction_row,
            at=created,
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


# -- refunds --------------------------------------------------------------------------------------
def _charge_refunded(charge: dict[str, Any], *, created: datetime, event_type: str) -> None:
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
        return  # the refunds wait for their payment's transaction (_transaction_settle)
    transaction_row.stripe_charge_id = transaction_row.stripe_charge_id or charge_id
    if TRANSACTION_RANK[transaction_row.status] < TRANSACTION_RANK[TransactionStatus.SUCCEEDED]:
        _payment_succeed(transaction_row, paid_at=shapes.timestamp(charge.get("created")) or created)
    transaction_row.amount_refunded = max(transaction_row.amount_refunded, charge.get("amount_refunded") or 0)
    _transaction_settle(transaction_row)


# -- payment methods ------------------------------------------------------------------------------
def _payment_method_event(stripe_payment_method: dict[str, Any], *, created: datetime, event_type: str) -> None:
    payment_method = (
        PaymentMethod.objects.select_for_update().filter(stripe_payment_method_id=stripe_payment_method["id"]).first()
    )
    if payment_method is None:
        if event_type == "payment_method.detached":
            raise Ignored("a payment method billing never kept")
        customer = StripeCustomer.objects.filter(
            stripe_customer_id=shapes.expandable_id(stripe_payment_method.get("customer")), kind=CustomerKind.COACH
        ).first()
        if customer is None:
            raise Ignored("not a coach's payment method (billing keeps only coaches' own cards)")
        payment_method = PaymentMethod(
            coach_id=customer.coach_id, customer=customer, stripe_payment_method_id=stripe_payment_method["id"]
        )
    elif payment_method.detached_at is not None or created < payment_method.stripe_state_at:
        raise Ignored("older than the payment method state billing has")
    payment_method.type = str(stripe_payment_method.get("type") or "")[:32]
    for field, value in shapes.card_details(stripe_payment_method).items():
        setattr(payment_method, field, value)
    payment_method.stripe_state_at = created
    if event_type == "payment_method.detached":
        payment_method.detached_at = created
    payment_method.save(using=_alias())


# -- transactions ---------------------------------------------------------------------------------
# A payment's statuses only move forward.
TRANSACTION_RANK = {
    TransactionStatus.PENDING: 0,
    TransactionStatus.FAILED: 1,
    TransactionStatus.SUCCEEDED: 2,
    TransactionStatus.PARTIALLY_REFUNDED: 3,
    TransactionStatus.REFUNDED: 4,
}


def _payment_link_for(stripe_payment_link_id: str | None, values: dict[str, str]) -> PaymentLink | None:
    if stripe_payment_link_id:
        link = PaymentLink.objects.filter(stripe_payment_link_id=stripe_payment_link_id).first()
        if link is not None:
            return link
    link_id = shapes.metadata_uuid(values, "paymentLinkId")
    return PaymentLink.objects.filter(pk=link_id).first() if link_id else None


def _payment_transaction(
    *,
    payment_intent_id: str | None,
    session_id: str | None,
    payment_link: PaymentLink | None,
    values: dict[str, str],
    amount: int,
    currency: str,
    occurred_at: datetime,
) -> Transaction:
    """The (locked) transaction of a one-off payment, or a new unsaved one; Ignored if no coach."""
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
            raise Ignored("a payment billing cannot attribute to a coach")
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


def _client_learn(transaction_row: Transaction, *, email: str, name: str = "", stripe_customer_id: str | None = None):
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


def _payment_succeed(transaction_row: Transaction, *, paid_at: datetime) -> None:
    """Mark a payment successful, as of the earliest evidence seen before its completion went out."""
    if TRANSACTION_RANK[transaction_row.status] < TRANSACTION_RANK[TransactionStatus.SUCCEEDED]:
        transaction_row.status = TransactionStatus.SUCCEEDED
        transaction_row.paid_at = paid_at
    elif (
        transaction_row.completed_published_at is None and transaction_row.paid_at and paid_at < transaction_row.paid_at
    ):
        transaction_row.paid_at = paid_at


def _payment_fail(
    transaction_row: Transaction, *, at: datetime, code: str, message: str, next_attempt_at: datetime | None = None
) -> None:
    """Record a failed attempt and publish it, unless the payment has succeeded meanwhile."""
    if TRANSACTION_RANK[transaction_row.status] >= TRANSACTION_RANK[TransactionStatus.SUCCEEDED]:
        transaction_row.save(using=_alias())
        raise Ignored("a failed attempt of a payment that has succeeded since")
    transaction_row.status = TransactionStatus.FAILED
    transaction_row.attempt_count += 1
    if transaction_row.failed_at is None or at >= transaction_row.failed_at:
        transaction_row.failed_at = at
        transaction_row.failure_code = code[:100]
        transaction_row.failure_message = message[:1000]
    transaction_row.save(using=_alias())
    events.payment_failed_publish(transaction=transaction_row, next_attempt_at=next_attempt_at)


def _transaction_settle(transaction_row: Transaction) -> None:
    """Save a transaction, publish its completion once it is complete enough, then its refunds."""
    publish_completed = transaction_row.completed_published_at is None and _completion_is_publishable(transaction_row)
    if publish_completed:
        transaction_row.completed_published_at = timezone.now()
    transaction_row.save(using=_alias())
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
    transaction_row.save(using=_alias())
    if transaction_row.completed_published_at is None:
        return  # published once the payment's completion is
    published_total = sum(refund.amount for refund in refunds if refund.published_at is not None)
    for refund in refunds:
        if refund.published_at is not None:
            continue
        published_total += refund.amount
        refund.published_at = timezone.now()
        refund.save(using=_alias(), update_fields=["published_at", "updated_at"])
        events.payment_refunded_publish(
            refund=refund, transaction=transaction_row, full_refund=published_total >= transaction_row.amount
        )


Handler = Callable[..., None]
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _checkout_session_event,
    "checkout.session.async_payment_succeeded": _checkout_session_event,
    "checkout.session.async_payment_failed": _checkout_session_event,
    "checkout.session.expired": _checkout_session_event,
    "customer.subscription.created": _subscription_event,
    "customer.subscription.updated": _subscription_event,
    "customer.subscription.deleted": _subscription_event,
    "customer.subscription.paused": _subscription_event,
    "customer.subscription.resumed": _subscription_event,
    "invoice.created": _invoice_event,
    "invoice.finalized": _invoice_event,
    "invoice.updated": _invoice_event,
    "invoice.paid": _invoice_event,
    "invoice.payment_succeeded": _invoice_event,
    "invoice.payment_failed": _invoice_event,
    "invoice.voided": _invoice_event,
    "invoice.marked_uncollectible": _invoice_event,
    "payment_intent.succeeded": _payment_intent_succeeded,
    "payment_intent.payment_failed": _payment_intent_failed,
    "charge.refunded": _charge_refunded,
    "payment_method.attached": _payment_method_event,
    "payment_method.updated": _payment_method_event,
    "payment_method.automatically_updated": _payment_method_event,
    "payment_method.detached": _payment_method_event,
}
