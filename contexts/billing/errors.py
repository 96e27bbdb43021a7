"""Every error of the billing context: domain words and a stable code, no HTTP (nlc.api.errors maps
each kind to its status).

Stripe's failures reach callers through :func:`stripe_failure`, the kernel's provider failure with
billing's messages: ``503 stripe_unavailable`` (worth retrying), ``502 stripe_error`` (Stripe refused,
with Stripe's own words) and ``503 stripe_not_configured``.
"""

from __future__ import annotations

from nlc.errors import ConflictError, DomainError, InvalidInputError, ProviderError, provider_failure

STRIPE_NOT_CONFIGURED_MESSAGE = "Payments are not configured on this server (no Stripe API key)."


def stripe_failure(error: ProviderError) -> DomainError:
    """The domain error of a failed Stripe call: Stripe's refusal keeps the adapter's message."""
    if not error.configured:
        return provider_failure(error, message=STRIPE_NOT_CONFIGURED_MESSAGE)
    if not error.retryable:
        return provider_failure(error, message=error.message)
    return provider_failure(error)


class PlanUnknownError(InvalidInputError):
    code = "invalid"
    message = "The request is invalid: see fieldErrors."

    def __init__(self) -> None:
        super().__init__(field_errors={"plan_id": ["There is no such plan."]})


class PlanInactiveError(InvalidInputError):
    code = "plan_inactive"
    message = "This plan is not offered any more."

    def __init__(self) -> None:
        super().__init__(field_errors={"plan_id": [self.message]})


class SubscriptionExistsError(ConflictError):
    code = "subscription_exists"
    message = "You already have a subscription that is not canceled: change or cancel it instead."


class SubscriptionNotCancelableError(ConflictError):
    code = "subscription_not_cancelable"
    message = "Only a subscription that Stripe runs and that has not ended can be canceled."


class StripeEventMalformedError(ValueError):
    """The payload is not a Stripe event billing can read: retrying will not change that (the
    consumer dead-letters it)."""


class StripeEventIgnoredError(Exception):
    """Nothing for billing to do with this Stripe event; the message says why (kept on StripeEvent).
    Not a failure: raised from deep in a handler, it ends the event's handling as "ignored"."""
