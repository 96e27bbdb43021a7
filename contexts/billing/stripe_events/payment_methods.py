"""Stripe's payment method events: billing keeps the coaches' own cards (brand, last four, expiry)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contexts.billing.errors import StripeEventIgnoredError
from contexts.billing.models import (
    CustomerKind,
    PaymentMethod,
    StripeCustomer,
)
from contexts.billing.stripe_events import shapes


def payment_method_event_apply(stripe_payment_method: dict[str, Any], *, created: datetime, event_type: str) -> None:
    payment_method = (
        PaymentMethod.objects.select_for_update().filter(stripe_payment_method_id=stripe_payment_method["id"]).first()
    )
    if payment_method is None:
        if event_type == "payment_method.detached":
            raise StripeEventIgnoredError("a payment method billing never kept")
        customer = StripeCustomer.objects.filter(
            stripe_customer_id=shapes.expandable_id(stripe_payment_method.get("customer")), kind=CustomerKind.COACH
        ).first()
        if customer is None:
            raise StripeEventIgnoredError("not a coach's payment method (billing keeps only coaches' own cards)")
        payment_method = PaymentMethod(
            coach_id=customer.coach_id, customer=customer, stripe_payment_method_id=stripe_payment_method["id"]
        )
    elif payment_method.detached_at is not None or created < payment_method.stripe_state_at:
        raise StripeEventIgnoredError("older than the payment method state billing has")
    payment_method.type = str(stripe_payment_method.get("type") or "")[:32]
    for field, value in shapes.card_details(stripe_payment_method).items():
        setattr(payment_method, field, value)
    payment_method.stripe_state_at = created
    if event_type == "payment_method.detached":
        payment_method.detached_at = created
    payment_method.save()
