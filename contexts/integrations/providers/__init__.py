"""Webhook verifiers, one per provider, each with its provider's real signing scheme."""

from __future__ import annotations

from collections.abc import Callable

from contexts.integrations.providers import calendly, mailgun, stripe
from contexts.integrations.providers.base import IncomingWebhook, VerifiedWebhook

VERIFIERS: dict[str, Callable[[IncomingWebhook], VerifiedWebhook]] = {
    "stripe": stripe.verify,
    "mailgun": mailgun.verify,
    "calendly": calendly.verify,
}

# The environment variable that may hold each provider's signing secrets (comma-separated).
SECRET_SETTINGS = {
    "stripe": "STRIPE_WEBHOOK_SECRET",
    "mailgun": "MAILGUN_WEBHOOK_SIGNING_KEY",
    "calendly": "CALENDLY_WEBHOOK_SIGNING_KEY",
}

__all__ = ["SECRET_SETTINGS", "VERIFIERS", "IncomingWebhook", "VerifiedWebhook"]
