"""HTTP to third parties: every call has a timeout, and every failure says whether to retry."""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter

from nlc.errors import ProviderError

# Answers worth asking again for: throttled, or the provider failing on its side.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class _TimeoutAdapter(HTTPAdapter):
    """Refuses to send without a timeout; the session's own timeout is the default."""

    def __init__(self, timeout: float, **kwargs: Any):
        self.timeout = timeout
        super().__init__(**kwargs)

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        return super().send(
            request, stream=stream, timeout=timeout or self.timeout, verify=verify, cert=cert, proxies=proxies
        )


def http_session(*, timeout: float, user_agent: str = "NextLevelCoach/1.0") -> requests.Session:
    """A session whose every request times out after ``timeout`` seconds (connect and read) unless
    the call gives its own. Adapters keep one per thread or per process and reuse its connections."""
    if not timeout or timeout <= 0:
        raise ValueError("an outbound HTTP session needs a positive timeout")
    session = requests.Session()
    adapter = _TimeoutAdapter(timeout)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = user_agent
    return session


def http_failure(provider: str, *, error: Exception | None = None, response=None) -> ProviderError:
    """The ProviderError for a transport error (always retryable) or a failed HTTP answer
    (retryable for 408/425/429/5xx, permanent for the other 4xx)."""
    if response is not None:
        status = response.status_code
        return ProviderError(
            f"{provider} answered {status}: {response.text[:300]}",
            provider=provider,
            retryable=status in RETRYABLE_STATUSES,
            http_status=status,
        )
    return ProviderError(f"{provider} could not be reached: {error}", provider=provider, retryable=True)


def http_json(session: requests.Session, method: str, url: str, *, provider: str, **kwargs: Any) -> Any:
    """Send, and answer the decoded JSON of a 2xx; raise the ProviderError of anything else."""
    try:
        response = session.request(method, url, **kwargs)
    except requests.RequestException as error:
        raise http_failure(provider, error=error) from error
    if response.status_code >= 400:
        raise http_failure(provider, response=response)
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as error:
        raise ProviderError(
            f"{provider} answered something that is not JSON", provider=provider, retryable=True
        ) from error
