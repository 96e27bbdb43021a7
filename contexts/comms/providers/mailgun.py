"""Mailgun's HTTP API through its official client (the ``mailgun`` package): ``POST
/v3/<domain>/messages`` as a form, with an explicit (connect, read) timeout and the client's own
retries switched off, so a failure reaches comms at once and comms decides (retry later or fail).

429, 5xx, timeouts and connection errors are retryable; any other 4xx (a refused address, a bad
key) is not. Settings: MAILGUN_API_KEY, MAILGUN_DOMAIN, MAILGUN_API_BASE (EU region or a local fake).
"""

from __future__ import annotations

import logging
from email.utils import formataddr
from functools import lru_cache

from django.conf import settings
from mailgun.client import Client
from mailgun.config import RetryPolicy
from mailgun.handlers.error_handler import ApiError

from contexts.comms.data import OutgoingEmail
from nlc.errors import ProviderError
from nlc.providers.http import http_failure

logger = logging.getLogger(__name__)
PROVIDER = "mailgun"


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str, connect_timeout: float, read_timeout: float) -> Client:
    """One client (and its connection pool) per configuration, reused by every send of the process."""
    return Client(
        auth=("api", api_key),
        api_url=api_base,
        timeout=(connect_timeout, read_timeout),
        retry_policy=RetryPolicy(max_retries=0),
    )


def form(email: OutgoingEmail) -> dict[str, str | list[str]]:
    """The form fields of Mailgun's send API for ``email``."""
    fields: dict[str, str | list[str]] = {
        "from": formataddr((email.from_name, email.from_email)),
        "to": formataddr((email.to_name, email.to_email)) if email.to_name else email.to_email,
        "subject": email.subject,
        "text": email.text_body,
    }
    if email.html_body:
        fields["html"] = email.html_body
    if email.reply_to:
        fields["h:Reply-To"] = email.reply_to
    for name, value in email.headers.items():
        fields[f"h:{name}"] = value
    if email.tags:
        fields["o:tag"] = list(email.tags)
    for name, value in email.variables.items():
        fields[f"v:{name}"] = value
    return fields


class MailgunProvider:
    name = PROVIDER

    def send(self, email: OutgoingEmail) -> str:
        if not settings.MAILGUN_API_KEY or not settings.MAILGUN_DOMAIN:
            raise ProviderError(
                "MAILGUN_API_KEY and MAILGUN_DOMAIN are not set", provider=PROVIDER, retryable=False, configured=False
            )
        client = _client(
            settings.MAILGUN_API_KEY,
            settings.MAILGUN_API_BASE,
            settings.COMMS_MAILGUN_CONNECT_TIMEOUT_SECONDS,
            settings.COMMS_MAILGUN_READ_TIMEOUT_SECONDS,
        )
        try:
            response = client.messages.create(data=form(email), domain=settings.MAILGUN_DOMAIN)
        except ApiError as error:  # timeouts and connection errors (the client wraps them)
            raise http_failure(PROVIDER, error=error) from error
        if response.status_code >= 400:
            failure = http_failure(PROVIDER, response=response)
            failure.provider_code = _message_of(response)
            raise failure
        provider_id = _message_of(response, field="id")
        if not provider_id:
            raise ProviderError("mailgun answered without a message id", provider=PROVIDER, retryable=True)
        return provider_id.strip("<>")


def _message_of(response, *, field: str = "message") -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    value = body.get(field) if isinstance(body, dict) else None
    return str(value) if value else None
