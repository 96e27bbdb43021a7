"""Stripe's checkout sessions: a coach's subscription checkout linked to its Stripe subscription, or
a client's one-off payment (a payment link sale)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contexts.billing.errors import StripeEventIgnoredError
from contexts.billing.models import (
    Subscription,
    SubscriptionStatus,
)
from contexts.billing.stripe_events import shapes
from contexts.billing.stripe_events.payments import (
    client_learn,
    payment_fail,
    payment_link_for_stripe,
    payment_succeed,
    payment_transaction_for,
    transaction_settle,
)
from contexts.billing.stripe_events.subscriptions import coach_customer_ensure, subscription_linked


def checkout_session_event_apply(session: dict[str, Any], *, created: datetime, event_type: str) -> None:
    mode = session.get("mode")
    if mode == "subscription":
        _subscription_checkout(session, event_type=event_type)
    elif mode == "payment":
        _payment_checkout(session, created=created, event_type=event_type)
    else:
        raise StripeEventIgnoredError(f"billing does not act on checkout sessions in {mode} mode")


def _subscription_checkout(session: dict[str, Any], *, event_type: str) -> None:
    """Link the checkout a coach started to its Stripe subscription and customer. The status comes
    from the subscription's own events, and the payment from the invoice's."""
    values = shapes.metadata(session)
    subscription_id = shapes.metadata_uuid(values, "subscriptionId") or shapes.uuid_or_none(
        session.get("client_reference_id")
    )
    stripe_subscription_id = shapes.expandable_id(session.get("subscription"))
    subscription = subscription_linked(stripe_subscription_id, subscription_id=subscription_id)
    if subscription is None:
        subscription = Subscription.objects.select_for_update().filter(stripe_checkout_session_id=session["id"]).first()
    if subscription is None:
        raise StripeEventIgnoredError("a checkout billing did not start")
    if subscription.stripe_checkout_session_id is None:
        subscription.stripe_checkout_session_id = session["id"]
    customer_id = shapes.expandable_id(session.get("customer"))
    if customer_id and subscription.customer_id is None:
        details = session.get("customer_details") or {}
        subscription.customer = coach_customer_ensure(
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
    subscription.save()


def _payment_checkout(session: dict[str, Any], *, created: datetime, event_type: str) -> None:
    """A client paid (or failed to pay) through a coach's payment link or another one-off checkout."""
    if event_type == "checkout.session.expired":
        raise StripeEventIgnoredError("an abandoned checkout: no payment was made")
    values = shapes.metadata(session)
    payment_link = payment_link_for_stripe(shapes.expandable_id(session.get("payment_link")), values)
    transaction_row = payment_transaction_for(
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
    client_learn(
        transaction_row,
        email=details.get("email") or session.get("customer_email") or "",
        name=details.get("name") or "",
        stripe_customer_id=shapes.expandable_id(session.get("customer")),
    )
    if event_type == "checkout.session.async_payment_failed":
        payment_fail(
            transaction_row, at=created, code="async_payment_failed", message="The payment did not go through."
        )
        return
    if session.get("payment_status") in ("paid", "no_payment_required"):
        payment_succeed(transaction_row, paid_at=created)
    transaction_settle(transaction_row)
