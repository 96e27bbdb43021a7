"""Apply Stripe's events to billing's state: the writes behind ``integrations.webhook.received``.

Stripe sends events more than once and in any order. Two rules keep the state right:

- **Each event once.** :func:`stripe_event_apply` claims the Stripe event id in ``StripeEvent``
  (nlc.providers.inbound) inside the transaction of its effects: the same event again (a
  redelivery, or integrations replaying a stored webhook under a new bus event id) changes nothing
  and publishes nothing.
- **Never older over newer.** A row that events change keeps the time of the newest state applied
  (``stripe_state_at``, the event's ``created``). A subscription takes an event's snapshot only if it
  is at least as new, with the status's place in the life cycle deciding ties, and an ended
  subscription stays ended. Invoices and payments only move forward through their statuses
  (a paid invoice is never reopened, a successful payment never turns into a failure).

Billing publishes what it sees happen: ``billing.payment.completed`` once per payment, when it knows
all its consumers need (a course purchase: the course and the client's e-mail, which may arrive with
a later event); ``billing.payment.refunded`` once per Stripe refund, always after the payment's
completion; ``billing.invoice.issued`` once per invoice, when it is first seen open or paid;
``billing.payment.failed`` per failed attempt, unless the payment has succeeded meanwhile; and a
subscription's ``billing.subscription.activated``, ``.updated`` and ``.canceled`` by the rule in
:mod:`.subscriptions`, so that its latest event always carries its current state.

Every object is attributed to a coach through what billing put into Stripe's metadata (coachId,
planId, subscriptionId, paymentLinkId, courseId) or the Stripe ids it stored; an event about
something billing cannot attribute is recorded as ignored, with the reason.

One module per kind of Stripe object: subscriptions, checkout, invoices, payments (transactions,
payment intents, refunds), payment_methods; shapes reads Stripe's objects in every API version.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from contexts.billing.errors import StripeEventIgnoredError, StripeEventMalformedError
from contexts.billing.models import StripeEvent
from contexts.billing.stripe_events.checkout import checkout_session_event_apply
from contexts.billing.stripe_events.invoices import invoice_event_apply
from contexts.billing.stripe_events.payment_methods import payment_method_event_apply
from contexts.billing.stripe_events.payments import charge_refunded_apply, payment_intent_event_apply
from contexts.billing.stripe_events.subscriptions import subscription_event_apply, subscription_snapshot_apply
from nlc.db.transactions import atomic
from nlc.providers.inbound import ProviderEventOutcome, provider_event_claim, provider_event_outcome

__all__ = ["DUPLICATE", "HANDLERS", "stripe_event_apply", "subscription_snapshot_apply"]

logger = logging.getLogger(__name__)

DUPLICATE = "duplicate"

Handler = Callable[..., None]
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": checkout_session_event_apply,
    "checkout.session.async_payment_succeeded": checkout_session_event_apply,
    "checkout.session.async_payment_failed": checkout_session_event_apply,
    "checkout.session.expired": checkout_session_event_apply,
    "customer.subscription.created": subscription_event_apply,
    "customer.subscription.updated": subscription_event_apply,
    "customer.subscription.deleted": subscription_event_apply,
    "customer.subscription.paused": subscription_event_apply,
    "customer.subscription.resumed": subscription_event_apply,
    "invoice.created": invoice_event_apply,
    "invoice.finalized": invoice_event_apply,
    "invoice.updated": invoice_event_apply,
    "invoice.paid": invoice_event_apply,
    "invoice.payment_succeeded": invoice_event_apply,
    "invoice.payment_failed": invoice_event_apply,
    "invoice.voided": invoice_event_apply,
    "invoice.marked_uncollectible": invoice_event_apply,
    "payment_intent.succeeded": payment_intent_event_apply,
    "payment_intent.payment_failed": payment_intent_event_apply,
    "charge.refunded": charge_refunded_apply,
    "payment_method.attached": payment_method_event_apply,
    "payment_method.updated": payment_method_event_apply,
    "payment_method.automatically_updated": payment_method_event_apply,
    "payment_method.detached": payment_method_event_apply,
}


def stripe_event_apply(*, event: dict[str, Any]) -> str:
    """Apply one Stripe event (the parsed webhook body); return its outcome (applied, ignored, duplicate).

    Raises StripeEventMalformedError for a payload that is not a Stripe event, and the provider's
    ProviderError when Stripe must be asked something and cannot answer (worth a retry if retryable).
    """
    event_id, event_type, stripe_object, created = _read(event)
    handler = HANDLERS.get(event_type)
    with atomic("billing"):
        claimed = provider_event_claim(
            StripeEvent,
            provider_event_id=event_id,
            event_type=event_type,
            provider_created_at=created,
            api_version=str(event.get("api_version") or "")[:64],
        )
        if not claimed:
            logger.info("stripe event already applied", extra={"stripe_event_id": event_id, "type": event_type})
            return DUPLICATE
        try:
            if handler is None:
                raise StripeEventIgnoredError(f"billing does not act on {event_type}")
            handler(stripe_object, created=created, event_type=event_type)
        except StripeEventIgnoredError as reason:
            provider_event_outcome(
                StripeEvent, provider_event_id=event_id, outcome=ProviderEventOutcome.IGNORED, note=str(reason)
            )
            logger.info(
                "stripe event ignored", extra={"stripe_event_id": event_id, "type": event_type, "reason": str(reason)}
            )
            return ProviderEventOutcome.IGNORED
        return ProviderEventOutcome.APPLIED


def _read(event: Any) -> tuple[str, str, dict[str, Any], datetime]:
    if not isinstance(event, dict) or event.get("object") != "event":
        raise StripeEventMalformedError("not a Stripe event (object is not 'event')")
    event_id, event_type, created = event.get("id"), event.get("type"), event.get("created")
    data = event.get("data")
    stripe_object = data.get("object") if isinstance(data, dict) else None
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str) and event_type):
        raise StripeEventMalformedError("a Stripe event needs an id and a type")
    if not isinstance(created, int) or not isinstance(stripe_object, dict):
        raise StripeEventMalformedError(f"Stripe event {event_id} lacks created or data.object")
    if event_type in HANDLERS and not stripe_object.get("id"):
        raise StripeEventMalformedError(f"Stripe event {event_id} ({event_type}) has an object without an id")
    return event_id, event_type, stripe_object, datetime.fromtimestamp(created, tz=UTC)
