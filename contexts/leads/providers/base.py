"""The interface of a third party the leads context calls, and an adapter over HTTP.

An adapter raises only ``nlc.errors.ProviderError``, saying whether the same call may succeed later
(``retryable``) and whether the provider is configured here at all. A service calls it inside
``with provider_call():`` and the API answers 503 ``<provider>_unavailable`` (or
``<provider>_not_configured``) or 502 ``<provider>_error``; a consumer lets a retryable one fail the
delivery, which the bus retries. Every outbound request has a timeout (``http_session``) and every
write an idempotency key (nlc.providers.idempotency). Rename ``leads`` below to the provider.
"""

from __future__ import annotations

from typing import Any, Protocol

from nlc.errors import ProviderError
from nlc.providers.http import http_json, http_session


class LeadProvider(Protocol):
    """What leads asks of its provider."""

    def lead_fetch(self, *, external_id: str) -> dict[str, Any]: ...


class HttpLeadProvider:
    """:class:`LeadProvider` over the provider's JSON API."""

    provider = "leads"

    def __init__(self, *, base_url: str, api_key: str, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.session = http_session(timeout=timeout)

    def lead_fetch(self, *, external_id: str) -> dict[str, Any]:
        if not self.api_key:
            raise ProviderError(
                f"{self.provider} has no API key here", provider=self.provider, retryable=False, configured=False
            )
        return http_json(
            self.session,
            "GET",
            f"{self.base_url}/leads/{external_id}",
            provider=self.provider,
            headers={"Authorization": f"Bearer {self.api_key}"},
        )
