"""E-mail providers behind one small interface (base.EmailProvider): Mailgun in production, ``local``
(stored, printed to the console) in the embedded default. Adapters raise only ProviderError."""

from __future__ import annotations

from django.conf import settings

from contexts.comms.providers.base import EmailProvider
from contexts.comms.providers.local import LocalProvider
from contexts.comms.providers.mailgun import MailgunProvider

PROVIDERS: dict[str, type[EmailProvider]] = {"mailgun": MailgunProvider, "local": LocalProvider}


def email_provider_name() -> str:
    return settings.COMMS_EMAIL_PROVIDER


def email_provider(name: str | None = None) -> EmailProvider:
    """The adapter a message is sent through (the one it was queued for, or the configured one)."""
    return PROVIDERS[name or email_provider_name()]()


__all__ = ["EmailProvider", "email_provider", "email_provider_name"]
