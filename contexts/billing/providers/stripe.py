"""Billing's calls to Stripe, through the stripe SDK, behind a small interface.

Every call names an idempotency key (so a retry, ours or the SDK's, never creates a second object),
runs with the timeout of ``STRIPE_TIMEOUT_SECONDS`` and the SDK's own network retries
(``STRIPE_MAX_NETWORK_RETRIES``), against ``STRIPE_API_BASE`` when it is set (a local fake) and in
the pinned ``STRIPE_API_VERSION``. Answers are plain dicts in Stripe's shapes.

A failure is the kernel's :class:`~nlc.errors.ProviderError` (``provider="stripe"``, Stripe's error
code as ``provider_code``) that says whether retrying may help: ``retryable`` when Stripe was
unreachable, timed out, rate limited us or failed on its side; not when Stripe refused the request
(a bad parameter, a wrong key); ``configured=False`` without a secret key. Services answer them with
a 503 and a 502; a consumer retries or dead-letters.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

import stripe
from django.conf import settings
from stripe.params import CustomerCreateParams, PaymentLinkCreateParams, PriceCreateParams
from stripe.params.checkout import SessionCreateParams

from nlc.errors import ProviderError

logger = logging.getLogger(__name__)


PROVIDER = "stripe"


class StripeGateway(Protocol):
    """What billing asks of Stripe. Each write takes the idempotency key of the change it makes."""

    def product_create(self, *, name: str, metadata: dict[str, str], idempotency_key: str) -> dict[str, Any]: ...

    def product_update(
        self, *, product_id: str, name: str, active: bool, metadata: dict[str, str], idempotency_key: str
    ) -> dict[str, Any]: ...

    def price_create(
        self,
        *,
        product_id: str | None,
        product_name: str | None,
        unit_amount: int,
        currency: str,
        interval: str | None,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> dict[str, Any]: ...

    def price_deactivate(self, *, price_id: str, idempotency_key: str) -> dict[str, Any]: ...

    def customer_create(
        self, *, email: str, name: str, metadata: dict[str, str], idempotency_key: str
    ) -> dict[str, Any]: ...

    def checkout_session_create_for_subscription(
        self,
        *,
        customer_id: str,
        price_id: str,
        success_url: str,
        cancel_url: str,
        client_reference_id: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> dict[str, Any]: ...

    def subscription_cancel_at_period_end(self, *, subscription_id: str, idempotency_key: str) -> dict[str, Any]: ...

    def payment_link_create(
        self, *, price_id: str, metadata: dict[str, str], idempotency_key: str
    ) -> dict[str, Any]: ...

    def payment_link_deactivate(self, *, payment_link_id: str, idempotency_key: str) -> dict[str, Any]: ...

    def refund_list_for_charge(self, *, charge_id: str) -> list[dict[str, Any]]: ...


class SdkStripeGateway:
    """:class:`StripeGateway` over ``stripe.StripeClient``."""

    def __init__(self, client: stripe.StripeClient):
        self.client = client

    # -- products and prices ------------------------------------------------------------------------
    def product_create(self, *, name, metadata, idempotency_key):
        return self._call(
            "product_create",
            lambda: self.client.v1.products.create(
                {"name": name, "metadata": metadata}, {"idempotency_key": idempotency_key}
            ),
        )

    def product_update(self, *, product_id, name, active, metadata, idempotency_key):
        return self._call(
            "product_update",
            lambda: self.client.v1.products.update(
                product_id,
                {"name": name, "active": active, "metadata": metadata},
                {"idempotency_key": idempotency_key},
            ),
        )

    def price_create(self, *, product_id, product_name, unit_amount, currency, interval, metadata, idempotency_key):
        params: PriceCreateParams = {"unit_amount": unit_amount, "currency": currency.lower(), "metadata": metadata}
        if product_id:
            params["product"] = product_id
        else:
            params["product_data"] = {"name": product_name, "metadata": metadata}
        if interval:
            params["recurring"] = {"interval": interval}
        return self._call(
            "price_create", lambda: self.client.v1.prices.create(params, {"idempotency_key": idempotency_key})
        )

    def price_deactivate(self, *, price_id, idempotency_key):
        return self._call(
            "price_update",
            lambda: self.client.v1.prices.update(price_id, {"active": False}, {"idempotency_key": idempotency_key}),
        )

    # -- customers, checkout, subscriptions -------------------------------------------------------
    def customer_create(self, *, email, name, metadata, idempotency_key):
        params: CustomerCreateParams = {"metadata": metadata}
        if email:
            params["email"] = email
        if name:
            params["name"] = name
        return self._call(
            "customer_create", lambda: self.client.v1.customers.create(params, {"idempotency_key": idempotency_key})
        )

    def checkout_session_create_for_subscription(
        self, *, customer_id, price_id, success_url, cancel_url, client_reference_id, metadata, idempotency_key
    ):
        params: SessionCreateParams = {
            "mode": "subscription",
            "customer": customer_id,
            "line_items": [{"price": price_id, "quantity": 1}],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": client_reference_id,
            "metadata": metadata,
            # Copied onto the subscription, and from it onto each of its invoices, so every later
            # event names our subscription whatever order it arrives in.
            "subscription_data": {"metadata": metadata},
        }
        return self._call(
            "checkout_session_create",
            lambda: self.client.v1.checkout.sessions.create(params, {"idempotency_key": idempotency_key}),
        )

    def subscription_cancel_at_period_end(self, *, subscription_id, idempotency_key):
        return self._call(
            "subscription_update",
            lambda: self.client.v1.subscriptions.update(
                subscription_id, {"cancel_at_period_end": True}, {"idempotency_key": idempotency_key}
            ),
        )

    # -- payment links and refunds ----------------------------------------------------------------
    def payment_link_create(self, *, price_id, metadata, idempotency_key):
        params: PaymentLinkCreateParams = {
            "line_items": [{"price": price_id, "quantity": 1}],
            "metadata": metadata,
            # Copied onto each payment intent, so a payment names its link, coach and course.
            "payment_intent_data": {"metadata": metadata},
        }
        return self._call(
            "payment_link_create",
            lambda: self.client.v1.payment_links.create(params, {"idempotency_key": idempotency_key}),
        )

    def payment_link_deactivate(self, *, payment_link_id, idempotency_key):
        return self._call(
            "payment_link_update",
            lambda: self.client.v1.payment_links.update(
                payment_link_id, {"active": False}, {"idempotency_key": idempotency_key}
            ),
        )

    def refund_list_for_charge(self, *, charge_id):
        page = self._call("refund_list", lambda: self.client.v1.refunds.list({"charge": charge_id, "limit": 100}))
        return list(page.get("data", []))

    # -- errors -------------------------------------------------------------------------------------
    @staticmethod
    def _call(operation: str, send) -> dict[str, Any]:
        try:
            return send().to_dict()
        except stripe.StripeError as error:
            failure = failure_from(error)
            logger.warning(
                "stripe call failed",
                extra={
                    "operation": operation,
                    "retryable": failure.retryable,
                    "http_status": failure.http_status,
                    "stripe_code": failure.provider_code,
                    "stripe_request_id": getattr(error, "request_id", None),
                },
            )
            raise failure from error


def failure_from(error: stripe.StripeError) -> ProviderError:
    """Tell a failure worth retrying (network, timeout, 409/429/5xx) from a refusal."""
    status = error.http_status
    code = getattr(error, "code", None)
    message = error.user_message or str(error) or error.__class__.__name__
    if isinstance(error, stripe.APIConnectionError):
        text, retryable = f"Stripe could not be reached: {message}", True
    elif isinstance(error, stripe.RateLimitError) or status in (409, 429) or (status is not None and status >= 500):
        text, retryable = f"Stripe is not answering normally: {message}", True
    else:
        text, retryable = f"Stripe refused the request: {message}", False
    return ProviderError(text, provider=PROVIDER, retryable=retryable, provider_code=code, http_status=status)


_lock = threading.Lock()
_gateways: dict[tuple, SdkStripeGateway] = {}


def stripe_gateway() -> StripeGateway:
    """The gateway for the current settings (one SDK client, and its connections, per configuration)."""
    if not settings.STRIPE_SECRET_KEY:
        raise ProviderError(
            "Stripe is not configured on this server (STRIPE_SECRET_KEY is empty).",
            provider=PROVIDER,
            retryable=False,
            configured=False,
        )
    key = (
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        settings.STRIPE_API_VERSION,
        settings.STRIPE_TIMEOUT_SECONDS,
        settings.STRIPE_MAX_NETWORK_RETRIES,
    )
    with _lock:
        gateway = _gateways.get(key)
        if gateway is None:
            gateway = _gateways[key] = SdkStripeGateway(_client(*key))
        return gateway


def _client(api_key: str, api_base: str, api_version: str, timeout: float, retries: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        stripe_version=api_version,
        base_addresses={"api": api_base} if api_base else None,
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )
