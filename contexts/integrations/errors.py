"""Every error of the integrations context, by the kernel's kinds (nlc.errors); no HTTP here.

A webhook refused at intake is a :class:`WebhookRefusedError`, of the kind that says why: bad input
(:class:`WebhookRejectedError`), an unknown provider, a body too large, or our side not ready for the
provider. Its ``reason`` is its code, and the ``reason`` label of ``nlc_webhooks_rejected_total``.
"""

from __future__ import annotations

from nlc.errors import DomainError, InvalidInputError, NotFoundError, TooLargeError, UnavailableError


class WebhookRefusedError(DomainError):
    """A webhook refused at intake: nothing is kept. Each subclass is also of the kernel kind that
    gives its status (a 400 when it names none)."""

    code = "webhook_rejected"
    message = "The webhook was refused."

    def __init__(self, reason: str, message: str):
        super().__init__(message, code=reason)

    @property
    def reason(self) -> str:
        return self.code


class WebhookRejectedError(WebhookRefusedError, InvalidInputError):
    """The request is not a webhook we accept (bad body, bad or stale signature, a reused token)."""


class ProviderUnknownError(WebhookRefusedError, NotFoundError):
    def __init__(self, provider: str, known: list[str]):
        super().__init__(
            "provider_unknown",
            f"No webhooks are taken for {provider[:40]!r}: the providers are {', '.join(known)}.",
        )


class WebhookTooLargeError(WebhookRefusedError, TooLargeError):
    def __init__(self, limit: int):
        super().__init__("body_too_large", f"The body is larger than {limit} bytes.")


class ProviderUnavailableError(WebhookRefusedError, UnavailableError):
    """Our side is not ready for this provider (turned off, or no signing secret): the provider
    retries later, as it does after any 5xx, so nothing is lost."""


class SecretUnreadableError(UnavailableError):
    """A stored secret cannot be decrypted with any configured key (INTEGRATIONS_ENCRYPTION_KEY)."""

    code = "secret_unreadable"
    message = "A stored secret cannot be decrypted with INTEGRATIONS_ENCRYPTION_KEY."


class HandOffFailedError(UnavailableError):
    """The broker did not take a webhook's raw body; the hand-off is retried later."""

    code = "hand_off_failed"
    message = "The broker did not take the webhook."


class IntegrationConfigInvalidError(InvalidInputError):
    """A config that cannot be saved (an unknown provider, settings that are not a JSON object)."""

    code = "invalid"
    message = "The integration config is invalid."
