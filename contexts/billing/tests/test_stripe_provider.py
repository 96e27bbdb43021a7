"""The Stripe adapter: the SDK against the fake, with the pinned version, the secret key, an
idempotency key reused by its own retries, and failures told apart (retryable or not)."""

import pytest
import stripe

from contexts.billing.providers.stripe import failure_from, stripe_gateway
from nlc.errors import ProviderError


def test_the_sdks_retry_reuses_the_idempotency_key_and_succeeds(fake_stripe, settings):
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    fake_stripe.fail(status=500, times=1, path="/v1/products")
    product = stripe_gateway().product_create(name="Pro", metadata={}, idempotency_key="nlc-plan-1-product")
    first, second = fake_stripe.calls("POST", "/v1/products")
    assert {first.headers["idempotency-key"], second.headers["idempotency-key"]} == {"nlc-plan-1-product"}
    assert product["name"] == "Pro"
    assert {call.headers["authorization"] for call in (first, second)} == {f"Bearer {settings.STRIPE_SECRET_KEY}"}
    assert {call.headers["stripe-version"] for call in (first, second)} == {"2026-07-29.dahlia"}


def test_a_repeated_idempotency_key_gets_the_first_answer(fake_stripe):
    gateway = stripe_gateway()
    first = gateway.product_create(name="Pro", metadata={}, idempotency_key="same")
    again = gateway.product_create(name="Pro", metadata={}, idempotency_key="same")
    assert first["id"] == again["id"]
    assert [key for key in fake_stripe.objects if key.startswith("prod_")] == [first["id"]]


@pytest.mark.parametrize(
    ("error", "retryable", "code"),
    [
        (stripe.APIConnectionError("connection refused"), True, None),
        (stripe.RateLimitError("slow down", http_status=429), True, None),
        (stripe.APIError("boom", http_status=500), True, None),
        (stripe.StripeError("lock timeout", http_status=409), True, None),
        (
            stripe.InvalidRequestError("No such price", param="price", code="resource_missing", http_status=404),
            False,
            "resource_missing",
        ),
        (stripe.AuthenticationError("Invalid API Key", http_status=401), False, None),
        (stripe.CardError("declined", param=None, code="card_declined", http_status=402), False, "card_declined"),
    ],
    ids=["network", "429", "500", "409", "404", "401", "402"],
)
def test_failures_say_whether_a_retry_can_help(error, retryable, code):
    failure = failure_from(error)
    assert type(failure) is ProviderError
    assert (failure.provider, failure.retryable, failure.configured, failure.provider_code) == (
        "stripe",
        retryable,
        True,
        code,
    )


def test_one_client_per_configuration(fake_stripe, settings):
    gateway = stripe_gateway()
    assert stripe_gateway() is gateway
    settings.STRIPE_TIMEOUT_SECONDS = 3.0
    assert stripe_gateway() is not gateway
    assert stripe_gateway().client._requestor._client._timeout == 3.0
