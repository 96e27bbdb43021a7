"""Google sign-in: verify a Google ID token with google-auth.

``verify_oauth2_token`` checks the RS256 signature against Google's published certificates, the
audience (our OAuth client ids), the issuer and the expiry; we also require a verified e-mail.
Certificates are fetched through :data:`session`, a shared session with an explicit timeout; tests
mount a transport adapter on it that serves their own certificates.

Google being unreachable, or not configured here, is a :class:`~nlc.errors.ProviderError`; a token
that does not hold is the caller's fault, a :class:`~contexts.auth.errors.GoogleTokenInvalidError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from google.auth import exceptions as google_exceptions
from google.auth.transport.requests import Request
from google.oauth2 import id_token

from contexts.auth.errors import GoogleTokenInvalidError
from nlc.errors import ProviderError
from nlc.providers.http import http_session

PROVIDER = "google"
CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
session = http_session(timeout=settings.GOOGLE_HTTP_TIMEOUT_SECONDS)


@dataclass(frozen=True)
class GoogleIdentity:
    subject: str
    email: str
    first_name: str
    last_name: str


class _TimedRequest(Request):
    """google-auth's transport, with our timeout on every call (its default is two minutes)."""

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        timeout = timeout or settings.GOOGLE_HTTP_TIMEOUT_SECONDS
        return super().__call__(url, method=method, body=body, headers=headers, timeout=timeout, **kwargs)


def google_identity_verify(*, token: str) -> GoogleIdentity:
    client_ids = settings.GOOGLE_OAUTH_CLIENT_IDS
    if not client_ids:
        raise ProviderError(
            "No Google OAuth client id is configured.", provider=PROVIDER, retryable=False, configured=False
        )
    try:
        claims = id_token.verify_oauth2_token(token, _TimedRequest(session=session), audience=list(client_ids))
    except google_exceptions.TransportError as error:
        raise ProviderError(
            f"Google's certificates could not be fetched: {error}", provider=PROVIDER, retryable=True
        ) from error
    except (ValueError, google_exceptions.GoogleAuthError) as error:
        raise GoogleTokenInvalidError(f"The Google ID token is not valid: {error}") from error
    email = claims.get("email")
    if not email or claims.get("email_verified") is not True:
        raise GoogleTokenInvalidError("The Google account has no verified e-mail address.")
    return GoogleIdentity(
        subject=str(claims["sub"]),
        email=email.strip().lower(),
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
    )
