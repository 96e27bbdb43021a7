"""The billing context's domain errors: each has its HTTP status and a stable code (nlc.api.errors)."""

from __future__ import annotations

from nlc.api.errors import ApiError


class StripeUnavailableError(ApiError):
    """Stripe could not be reached or failed on its side: the request may be tried again."""

    status_code = 503
    default_code = "stripe_unavailable"
    default_detail = "Stripe cannot be reached right now; nothing was changed. Try again shortly."

    def __init__(self, message: str | None = None):
        super().__init__(message, headers={"Retry-After": "30"}, details={"retryable": True})


class StripeNotConfiguredError(ApiError):
    status_code = 503
    default_code = "stripe_not_configured"
    default_detail = "Payments are not configured on this server (no Stripe API key)."


class StripeRejectedError(ApiError):
    """Stripe refused what billing asked: retrying the same request will not help."""

    status_code = 502
    default_code = "stripe_error"
    default_detail = "Stripe refused the request; nothing was changed."

    def __init__(self, message: str | None = None, *, stripe_code: str | None = None):
        super().__init__(message, details={"retryable": False, "stripeCode": stripe_code})


class PlanInactive(ApiError):
    status_code = 400
    default_code = "plan_inactive"
    default_detail = "This plan is not offered any more."

    def __init__(self):
        super().__init__(field_errors={"planId": [self.default_detail]})


class SubscriptionExists(ApiError):
    status_code = 409
    default_code = "subscription_exists"
    default_detail = "You already have a subscription that is not canceled: change or cancel it instead."


class SubscriptionNotCancelable(ApiError):
    status_code = 409
    default_code = "subscription_not_cancelable"
    default_detail = "Only a subscription that Stripe runs and that has not ended can be canceled."


class PaymentLinkInactive(ApiError):
    status_code = 409
    default_code = "payment_link_inactive"
    default_detail = "This payment link is already deactivated."
