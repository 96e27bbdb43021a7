"""The integrations context's domain errors, each with its HTTP status and a stable code
(nlc.api.errors). A webhook refused at intake is a :class:`WebhookRejected`: its code is also the
``reason`` label of the ``nlc_webhooks_rejected_total`` counter."""

from __future__ import annotations

from nlc.api.errors import ApiError


class WebhookRejected(ApiError):
    """The request is not a webhook we accept (bad body, bad or stale signature): a 4xx, nothing kept."""

    status_code = 400
    default_code = "webhook_rejected"
    default_detail = "The webhook was refused."

    def __init__(self, reason: str, message: str, *, status: int = 400):
        super().__init__(message, code=reason)
        self.status_code = status
        self.reason = reason


class ProviderUnknown(WebhookRejected):
    def __init__(self, provider: str, known: list[str]):
        super().__init__(
            "provider_unknown",
            f"No webhooks are taken for {provider[:40]!r}: the providers are {', '.join(known)}.",
            status=404,
        )


class ProviderUnavailable(WebhookRejected):
    """Our side is not ready for this provider (turned off, or no signing secret): the provider
    retries later, as it does after any 5xx, so nothing is lost."""

    def __init__(self, reason: str, message: str):
        super().__init__(reason, message, status=503)


class WebhookEventNotFound(ApiError):
    status_code = 404
    default_code = "webhook_event_not_found"
    default_detail = "No webhook event has this id."
