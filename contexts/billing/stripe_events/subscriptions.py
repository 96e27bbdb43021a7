"""Stripe's subscription events: a coach's platform subscription takes the newest snapshot Stripe
sends (``created``, ties broken by life-cycle order), and an ended one stays ended.

What a taken snapshot changes is published in its transaction, so an older event arriving late
(not taken) or the same event again (claimed once) publishes nothing. The rule, such that the
latest ``billing.subscription.*`` event of a subscription always carries its current state:

- ``activated`` when it starts running (active or trialing) from any other status: its start, or a
  reactivation after past_due, unpaid or paused;
- ``updated`` when it is live afterwards (trialing, active, past_due, unpaid, paused) and its plan,
  price (amount, currency), interval or status changed, with the values before in ``previous*``;
  also on a reactivation (both events then carry the same state and the same time), but not on
  its start from incomplete, which ``activated`` reports alone;
- ``canceled`` once, when it ends (canceled, incomplete_expired, or customer.subscription.deleted)
  after having been live; a subscription billing never saw live ends silently, as nothing told
  consumers it had started.

Their times (``activatedAt``, ``changedAt``, ``canceledAt``) are all Stripe's time of the change:
the ``created`` of the event whose snapshot billing took (for the subscription Stripe answers a
cancellation request with, the moment billing asked), never earlier than the time of a change
published before; so a consumer may order one subscription's events by
them. Stripe counts in seconds: two changes within one second carry the same time, and then the
one published later (the outbox order) is the newer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from contexts.billing import events
from contexts.billing.data import SubscriptionTerms
from contexts.billing.errors import StripeEventIgnoredError, StripeEventMalformedError
from contexts.billing.models import (
    CustomerKind,
    Interval,
    Plan,
    StripeCustomer,
    Subscription,
    SubscriptionStatus,
)
from contexts.billing.stripe_events import shapes

# Where a status sits in a subscription's life: the later one wins when two states share a second.
SUBSCRIPTION_RANK: dict[str, int] = {
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
SUBSCRIPTION_LIVE = frozenset(
    {*SUBSCRIPTION_RUNNING, SubscriptionStatus.PAST_DUE, SubscriptionStatus.UNPAID, SubscriptionStatus.PAUSED}
)
DELETED = "customer.subscription.deleted"


def subscription_event_apply(stripe_subscription: dict[str, Any], *, created: datetime, event_type: str) -> None:
    subscription = _subscription_for_stripe(stripe_subscription)
    if subscription is None:
        raise StripeEventIgnoredError("a subscription billing did not start and cannot attribute to a coach and plan")
    if event_type == DELETED and stripe_subscription.get("status") not in SUBSCRIPTION_ENDED:
        # Stripe deletes a subscription when it ends: the event says so whatever the snapshot's status.
        stripe_subscription = {**stripe_subscription, "status": SubscriptionStatus.CANCELED}
    if not subscription_snapshot_apply(subscription=subscription, stripe_subscription=stripe_subscription, at=created):
        raise StripeEventIgnoredError("older than the subscription state billing has")


def subscription_snapshot_apply(
    *, subscription: Subscription, stripe_subscription: dict[str, Any], at: datetime
) -> bool:
    """Take Stripe's view of a (locked) subscription as of ``at`` unless billing has a newer one, and
    publish what changed (the module's rule). Returns whether it was taken."""
    status = stripe_subscription.get("status")
    if status not in SUBSCRIPTION_RANK:
        raise StripeEventMalformedError(f"unknown subscription status {status!r}")
    if not _subscription_state_is_newer(subscription, status=status, at=at):
        return False
    before = SubscriptionTerms.of(subscription)
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
    price = shapes.subscription_price(stripe_subscription)
    if price is not None and price[2] in Interval.values:
        subscription.amount, subscription.currency, subscription.interval = price
    elif plan is not None and plan.pk != before.plan_id:
        subscription.amount, subscription.currency, subscription.interval = plan.amount, plan.currency, plan.interval
    customer_id = shapes.expandable_id(stripe_subscription.get("customer"))
    if customer_id and subscription.customer_id is None:
        subscription.customer = coach_customer_ensure(customer_id, coach_id=subscription.coach_id)
    starts_running = status in SUBSCRIPTION_RUNNING and before.status not in SUBSCRIPTION_RUNNING
    if starts_running:
        subscription.activated_at = at
    subscription.save()
    _subscription_changes_publish(
        subscription, before=before, at=at, reason=shapes.subscription_cancellation_reason(stripe_subscription)
    )
    return True


def _subscription_changes_publish(
    subscription: Subscription, *, before: SubscriptionTerms, at: datetime, reason: str | None
) -> None:
    after = SubscriptionTerms.of(subscription)
    if after == before:
        return
    activated = (
        after.status in SUBSCRIPTION_RUNNING
        and before.status not in SUBSCRIPTION_RUNNING
        and subscription.current_period_start is not None
        and subscription.current_period_end is not None
    )
    if activated:
        events.subscription_activated_publish(subscription=subscription)
    if after.status in SUBSCRIPTION_LIVE and not (activated and before.status == SubscriptionStatus.INCOMPLETE):
        events.subscription_updated_publish(subscription=subscription, previous=before, changed_at=at)
    if after.status in SUBSCRIPTION_ENDED and before.status in SUBSCRIPTION_LIVE:
        events.subscription_canceled_publish(subscription=subscription, reason=reason, canceled_at=at)


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
    subscription = subscription_linked(stripe_id, subscription_id=shapes.metadata_uuid(values, "subscriptionId"))
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
        id=subscription_id,
        coach_id=coach_id,
        plan=plan,
        amount=plan.amount,
        currency=plan.currency,
        interval=plan.interval,
        customer=customer,
        stripe_subscription_id=stripe_id,
    )


def subscription_linked(stripe_id: str | None, *, subscription_id) -> Subscription | None:
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
        subscription.save(update_fields=["stripe_subscription_id", "updated_at"])
    return subscription if subscription.stripe_subscription_id == stripe_id else None


def coach_customer_ensure(stripe_customer_id: str, *, coach_id, email: str = "", name: str = "") -> StripeCustomer:
    customer, _ = StripeCustomer.objects.get_or_create(
        stripe_customer_id=stripe_customer_id,
        defaults={"coach_id": coach_id, "kind": CustomerKind.COACH, "email": email, "name": name[:200]},
    )
    return customer
