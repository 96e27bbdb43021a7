"""Writes of the billing context that people start: plans, subscription checkouts and cancelations,
payment links. (What Stripe reports is applied in stripe_events.py.)

Each write that Stripe must know of calls Stripe first, with an idempotency key, and only then saves
(and publishes) in one transaction on the billing alias, so a failed call leaves nothing behind
here and a retried one creates nothing twice at Stripe. A Stripe failure reaches the caller as a
503 (worth retrying) or a 502 (Stripe refused), never as a 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from contexts.billing import events
from contexts.billing.errors import (
    PlanInactiveError,
    PlanUnknownError,
    SubscriptionExistsError,
    SubscriptionNotCancelableError,
    stripe_failure,
)
from contexts.billing.models import (
    CustomerKind,
    PaymentLink,
    Plan,
    StripeCustomer,
    Subscription,
    SubscriptionStatus,
)
from contexts.billing.providers.stripe import stripe_gateway
from contexts.billing.stripe_events import subscription_snapshot_apply
from nlc.db.transactions import atomic
from nlc.errors import ProviderError
from nlc.providers.idempotency import fresh_idempotency_key, idempotency_key

# A coach has at most one subscription in these statuses; a new checkout waits until it has ended.
SUBSCRIPTION_LIVE = frozenset(
    {
        SubscriptionStatus.TRIALING,
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.PAST_DUE,
        SubscriptionStatus.UNPAID,
        SubscriptionStatus.PAUSED,
    }
)
SUBSCRIPTION_CANCELABLE = SUBSCRIPTION_LIVE


@contextmanager
def _stripe_call() -> Iterator[None]:
    """The kernel's provider_call with billing's messages (errors.stripe_failure): 503 worth
    retrying, 502 Stripe refused, 503 not configured."""
    try:
        yield
    except ProviderError as error:
        raise stripe_failure(error) from error


# -- plans ----------------------------------------------------------------------------------------
def plan_create(*, name: str, amount: int, currency: str, interval: str, description: str = "") -> Plan:
    """A new plan, with its Stripe product and recurring price."""
    plan_id = uuid.uuid4()
    currency = currency.upper()
    values = {"planId": str(plan_id)}
    with _stripe_call():
        gateway = stripe_gateway()
        product = gateway.product_create(
            name=name, metadata=values, idempotency_key=idempotency_key("plan", plan_id, "product")
        )
        price = gateway.price_create(
            product_id=product["id"],
            product_name=None,
            unit_amount=amount,
            currency=currency,
            interval=interval,
            metadata=values,
            idempotency_key=idempotency_key("plan", plan_id, "price"),
        )
    with atomic("billing"):
        return Plan.objects.create(
            id=plan_id,
            name=name,
            description=description,
            amount=amount,
            currency=currency,
            interval=interval,
            stripe_product_id=product["id"],
            stripe_price_id=price["id"],
        )


def plan_update(
    *,
    plan: Plan,
    name: str | None = None,
    description: str | None = None,
    amount: int | None = None,
    currency: str | None = None,
    interval: str | None = None,
    active: bool | None = None,
) -> Plan:
    """Change a plan. Stripe prices cannot change: a new price replaces the old one, which is
    archived; running subscriptions keep theirs until they are moved, new checkouts use the new one."""
    new_name = name if name is not None else plan.name
    new_active = active if active is not None else plan.active
    new_price = (
        amount if amount is not None else plan.amount,
        currency.upper() if currency is not None else plan.currency,
        interval if interval is not None else plan.interval,
    )
    price_changes = new_price != (plan.amount, plan.currency, plan.interval)
    stripe_price_id = plan.stripe_price_id
    with _stripe_call():
        gateway = stripe_gateway()
        if (new_name, new_active) != (plan.name, plan.active):
            gateway.product_update(
                product_id=plan.stripe_product_id,
                name=new_name,
                active=new_active,
                metadata={"planId": str(plan.id)},
                idempotency_key=fresh_idempotency_key("plan", plan.id, "product"),
            )
        if price_changes:
            price = gateway.price_create(
                product_id=plan.stripe_product_id,
                product_name=None,
                unit_amount=new_price[0],
                currency=new_price[1],
                interval=new_price[2],
                metadata={"planId": str(plan.id)},
                idempotency_key=fresh_idempotency_key("plan", plan.id, "price"),
            )
            gateway.price_deactivate(price_id=plan.stripe_price_id, idempotency_key=fresh_idempotency_key("price"))
            stripe_price_id = price["id"]
    with atomic("billing"):
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        plan.name, plan.active, plan.stripe_price_id = new_name, new_active, stripe_price_id
        plan.amount, plan.currency, plan.interval = new_price
        if description is not None:
            plan.description = description
        plan.save()
    return plan


# -- subscriptions --------------------------------------------------------------------------------
def subscription_checkout_start(*, coach_id: UUID, coach_email: str, plan_id: UUID) -> Subscription:
    """Start a Stripe Checkout session (mode=subscription) for a coach and a plan.

    The subscription exists at once, ``incomplete``, with the checkout's URL; Stripe's events make it
    active (or leave it expired). Its id travels in the session's and the subscription's metadata.
    """
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise PlanUnknownError()
    if not plan.active:
        raise PlanInactiveError()
    if Subscription.objects.filter(coach_id=coach_id, status__in=SUBSCRIPTION_LIVE).exists():
        raise SubscriptionExistsError()
    subscription_id = uuid.uuid4()
    values = {"coachId": str(coach_id), "planId": str(plan.id), "subscriptionId": str(subscription_id)}
    with _stripe_call():
        customer = _coach_customer_ensure(coach_id=coach_id, email=coach_email)
        session = stripe_gateway().checkout_session_create_for_subscription(
            customer_id=customer.stripe_customer_id,
            price_id=plan.stripe_price_id,
            success_url=settings.BILLING_CHECKOUT_SUCCESS_URL,
            cancel_url=settings.BILLING_CHECKOUT_CANCEL_URL,
            client_reference_id=str(subscription_id),
            metadata=values,
            idempotency_key=idempotency_key("subscription", subscription_id, "checkout"),
        )
    with atomic("billing"):
        return Subscription.objects.create(
            id=subscription_id,
            coach_id=coach_id,
            plan=plan,
            amount=plan.amount,
            currency=plan.currency,
            interval=plan.interval,
            customer=customer,
            status=SubscriptionStatus.INCOMPLETE,
            stripe_checkout_session_id=session["id"],
            checkout_url=session.get("url") or "",
        )


def _coach_customer_ensure(*, coach_id: UUID, email: str) -> StripeCustomer:
    """The coach's own Stripe customer, created at Stripe the first time it is needed."""
    customer = StripeCustomer.objects.filter(coach_id=coach_id, kind=CustomerKind.COACH).order_by("created_at").first()
    if customer is not None:
        return customer
    remote = stripe_gateway().customer_create(
        email=email,
        name="",
        metadata={"coachId": str(coach_id)},
        idempotency_key=idempotency_key("coach", coach_id, "customer"),
    )
    with atomic("billing"):
        customer, _ = StripeCustomer.objects.get_or_create(
            stripe_customer_id=remote["id"],
            defaults={"coach_id": coach_id, "kind": CustomerKind.COACH, "email": email},
        )
    return customer


def subscription_cancel_at_period_end(*, subscription: Subscription) -> Subscription:
    """Ask Stripe to end the subscription when its current period ends (the coach keeps access
    until then); Stripe's answer is applied at once."""
    if subscription.cancel_at_period_end and subscription.status in SUBSCRIPTION_CANCELABLE:
        return subscription
    if not subscription.stripe_subscription_id or subscription.status not in SUBSCRIPTION_CANCELABLE:
        raise SubscriptionNotCancelableError()
    asked_at = timezone.now()
    with _stripe_call():
        remote = stripe_gateway().subscription_cancel_at_period_end(
            subscription_id=subscription.stripe_subscription_id,
            idempotency_key=fresh_idempotency_key("subscription", subscription.id, "cancel"),
        )
    with atomic("billing"):
        subscription = Subscription.objects.select_for_update().select_related("plan").get(pk=subscription.pk)
        subscription_snapshot_apply(subscription=subscription, stripe_subscription=remote, at=asked_at)
    return subscription


# -- payment links --------------------------------------------------------------------------------
def payment_link_create(*, coach_id: UUID, course_id: UUID, name: str, amount: int, currency: str) -> PaymentLink:
    """A Stripe payment link selling ``course_id`` for ``amount``; publishes billing.payment_link.created.

    Its metadata (and that of every payment made through it) names the coach, the course and the link.
    """
    link_id = uuid.uuid4()
    currency = currency.upper()
    values = {"coachId": str(coach_id), "courseId": str(course_id), "paymentLinkId": str(link_id)}
    with _stripe_call():
        gateway = stripe_gateway()
        price = gateway.price_create(
            product_id=None,
            product_name=name,
            unit_amount=amount,
            currency=currency,
            interval=None,
            metadata=values,
            idempotency_key=idempotency_key("payment-link", link_id, "price"),
        )
        remote = gateway.payment_link_create(
            price_id=price["id"], metadata=values, idempotency_key=idempotency_key("payment-link", link_id)
        )
    with atomic("billing"):
        link = PaymentLink.objects.create(
            id=link_id,
            coach_id=coach_id,
            course_id=course_id,
            name=name,
            amount=amount,
            currency=currency,
            url=remote["url"],
            stripe_payment_link_id=remote["id"],
            stripe_price_id=price["id"],
        )
        events.payment_link_created_publish(payment_link=link)
    return link


def payment_link_deactivate(*, payment_link: PaymentLink) -> PaymentLink:
    """Stop selling through a link (Stripe shows buyers that it is no longer available). Idempotent."""
    if not payment_link.active:
        return payment_link
    with _stripe_call():
        stripe_gateway().payment_link_deactivate(
            payment_link_id=payment_link.stripe_payment_link_id,
            idempotency_key=idempotency_key("payment-link", payment_link.id, "deactivate"),
        )
    with atomic("billing"):
        payment_link = PaymentLink.objects.select_for_update().get(pk=payment_link.pk)
        if payment_link.active:
            payment_link.active, payment_link.deactivated_at = False, timezone.now()
            payment_link.save(update_fields=["active", "deactivated_at", "updated_at"])
    return payment_link
