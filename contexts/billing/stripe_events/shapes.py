"""Reading Stripe's objects: where each fact sits, in the pinned API version and in older ones.

Billing reads events in the shapes of ``STRIPE_API_VERSION`` (2026-07-29.dahlia): an invoice's
subscription under ``parent.subscription_details``, billing periods on the subscription items,
``charge.refunded`` without a refunds list. An endpoint still on an old version (the 2020-08-27
shapes: ``invoice.subscription``, ``subscription.current_period_*``, ``charge.refunds``,
``payment_intent.charges``) is read too: each reader looks where the pinned version puts a fact
first and falls back to where the old one did, so a webhook endpoint can be moved to the pinned
version without losing events on the way. Nothing here touches the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID


def timestamp(value: Any) -> datetime | None:
    """Stripe's Unix seconds as an aware UTC datetime (None stays None)."""
    if value is None or isinstance(value, bool):
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


def expandable_id(value: Any) -> str | None:
    """The id of a field Stripe sends either as an id or, when expanded, as the object itself."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def metadata(stripe_object: dict[str, Any] | None) -> dict[str, str]:
    value = (stripe_object or {}).get("metadata")
    return value if isinstance(value, dict) else {}


def uuid_or_none(value: Any) -> UUID | None:
    """A UUID billing gave Stripe itself (metadata, client_reference_id); anything else is None."""
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def metadata_uuid(values: dict[str, str], key: str) -> UUID | None:
    return uuid_or_none(values.get(key))


def currency(value: str) -> str:
    return value.upper()


def _list_data(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        return [item for item in value["data"] if isinstance(item, dict)]
    return []


# -- subscriptions ----------------------------------------------------------------------------------
def subscription_items(subscription: dict[str, Any]) -> list[dict[str, Any]]:
    return _list_data(subscription.get("items"))


def subscription_period(subscription: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """The current billing period: on the items since 2025-03-31.basil, on the subscription before."""
    for item in subscription_items(subscription):
        if item.get("current_period_start") is not None:
            return timestamp(item["current_period_start"]), timestamp(item.get("current_period_end"))
    return timestamp(subscription.get("current_period_start")), timestamp(subscription.get("current_period_end"))


def subscription_price_id(subscription: dict[str, Any]) -> str | None:
    for item in subscription_items(subscription):
        price_id = expandable_id(item.get("price")) or expandable_id(item.get("plan"))
        if price_id:
            return price_id
    return expandable_id(subscription.get("plan"))


def subscription_cancellation_reason(subscription: dict[str, Any]) -> str | None:
    """Stripe's ``cancellation_details.reason`` (cancellation_requested, payment_failed,
    payment_disputed), or None."""
    details = subscription.get("cancellation_details")
    reason = details.get("reason") if isinstance(details, dict) else None
    return str(reason)[:200] if reason else None


def subscription_price(subscription: dict[str, Any]) -> tuple[int, str, str] | None:
    """What Stripe bills per interval: (unit amount times quantity, upper-case currency, interval) of
    the first item with a recurring price; the subscription's own ``plan`` in old versions. None
    when the payload does not say it in those terms (no unit amount: a tiered or metered price; a
    period of several intervals)."""
    for item in subscription_items(subscription):
        price = item.get("price") if isinstance(item.get("price"), dict) else item.get("plan")
        found = _recurring_price(price, quantity=item.get("quantity"))
        if found:
            return found
    return _recurring_price(subscription.get("plan"), quantity=subscription.get("quantity"))


def _recurring_price(price: Any, *, quantity: Any) -> tuple[int, str, str] | None:
    if not isinstance(price, dict):
        return None
    unit_amount = price.get("unit_amount", price.get("amount"))
    recurring = price.get("recurring")
    interval = recurring.get("interval") if isinstance(recurring, dict) else price.get("interval")
    interval_count = recurring.get("interval_count") if isinstance(recurring, dict) else price.get("interval_count")
    if interval_count not in (None, 1):
        return None
    if not isinstance(unit_amount, int) or isinstance(unit_amount, bool) or not interval or not price.get("currency"):
        return None
    count = quantity if isinstance(quantity, int) and not isinstance(quantity, bool) and quantity > 0 else 1
    return unit_amount * count, currency(str(price["currency"])), str(interval)


# -- invoices ---------------------------------------------------------------------------------------
def _invoice_subscription_details(invoice: dict[str, Any]) -> dict[str, Any]:
    parent = invoice.get("parent")
    if isinstance(parent, dict) and isinstance(parent.get("subscription_details"), dict):
        return parent["subscription_details"]
    legacy = invoice.get("subscription_details")  # 2022-11-15 to 2025-02-24
    return legacy if isinstance(legacy, dict) else {}


def invoice_subscription_id(invoice: dict[str, Any]) -> str | None:
    details = _invoice_subscription_details(invoice)
    return expandable_id(details.get("subscription")) or expandable_id(invoice.get("subscription"))


def invoice_subscription_metadata(invoice: dict[str, Any]) -> dict[str, str]:
    """The subscription's metadata as it was when the invoice was finalized."""
    value = _invoice_subscription_details(invoice).get("metadata")
    return value if isinstance(value, dict) else {}


def invoice_payment_intent_id(invoice: dict[str, Any]) -> str | None:
    """The payment intent that paid the invoice, where the payload names it: on the invoice in old
    versions, in the (expanded) ``payments`` list since basil; otherwise None."""
    for payment in _list_data(invoice.get("payments")):
        details = payment.get("payment")
        if isinstance(details, dict) and expandable_id(details.get("payment_intent")):
            return expandable_id(details["payment_intent"])
    return expandable_id(invoice.get("payment_intent"))


def invoice_service_period(invoice: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """The period the invoice bills for: its subscription line's period. (``period_start/end`` on
    the invoice itself is the window of pending items, a zero-length one on a first invoice.)"""
    for line in _list_data(invoice.get("lines")):
        parent = line.get("parent")
        is_subscription_line = (isinstance(parent, dict) and parent.get("subscription_item_details")) or line.get(
            "type"
        ) == "subscription"
        period = line.get("period")
        if is_subscription_line and isinstance(period, dict):
            return timestamp(period.get("start")), timestamp(period.get("end"))
    return timestamp(invoice.get("period_start")), timestamp(invoice.get("period_end"))


def invoice_paid_at(invoice: dict[str, Any]) -> datetime | None:
    transitions = invoice.get("status_transitions")
    return timestamp(transitions.get("paid_at")) if isinstance(transitions, dict) else None


# -- payments ---------------------------------------------------------------------------------------
def payment_intent_charges(payment_intent: dict[str, Any]) -> list[dict[str, Any]]:
    """Charges embedded in a payment intent (old versions only; since 2022-11-15 there are none)."""
    return _list_data(payment_intent.get("charges"))


def payment_intent_charge_id(payment_intent: dict[str, Any]) -> str | None:
    latest = expandable_id(payment_intent.get("latest_charge"))
    if latest:
        return latest
    charges = payment_intent_charges(payment_intent)
    return expandable_id(charges[-1]) if charges else None


def payment_intent_email(payment_intent: dict[str, Any]) -> str:
    if payment_intent.get("receipt_email"):
        return str(payment_intent["receipt_email"])
    for charge in reversed(payment_intent_charges(payment_intent)):
        details = charge.get("billing_details")
        if isinstance(details, dict) and details.get("email"):
            return str(details["email"])
    return ""


def charge_refunds(charge: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The refunds embedded in a charge (old versions); None when the payload has no list, as in
    the pinned version, where they have to be asked of Stripe."""
    refunds = charge.get("refunds")
    if isinstance(refunds, dict) and isinstance(refunds.get("data"), list):
        if refunds.get("has_more"):
            return None  # a partial list: ask Stripe for all of them
        return _list_data(refunds)
    return None


# -- payment methods --------------------------------------------------------------------------------
def card_details(payment_method: dict[str, Any]) -> dict[str, Any]:
    """Brand, last four digits and expiry: all billing ever keeps of a card."""
    card = payment_method.get("card")
    if not isinstance(card, dict):
        return {"brand": "", "last4": "", "exp_month": None, "exp_year": None}
    return {
        "brand": str(card.get("display_brand") or card.get("brand") or "")[:32],
        "last4": str(card.get("last4") or "")[:4],
        "exp_month": card.get("exp_month"),
        "exp_year": card.get("exp_year"),
    }
