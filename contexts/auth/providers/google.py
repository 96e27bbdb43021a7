"""Google sign-in: verify a Google ID token with google-auth.

``verify_oauth2_token`` checks the RS256 signature against Google's published certificates, the
audience (our OAuth client ids), the issuer and the expiry; we also require a verified e-mail.
Certificates are fetched through :data:`session`, a shared ``requests.Session`` with an explicit
timeout; tests mount a transport adapter on it that serves their own certificates.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.conf import settings
from google.auth import exceptions as google_exceptions
from google.auth.transport.requests import Request
from google.oauth2 import id_token

from contexts.auth.errors import GoogleSignInDisabled, GoogleTokenInvalid, GoogleUnavailable

CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
session = requests.Session()


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
        raise GoogleSignInDisabled()
    try:
        claims = id_token.verify_oauth2_token(token, _TimedRequest(session=session), audience=list(client_ids))
    except google_exceptions.TransportError as error:
        raise GoogleUnavailable() from error
    except (ValueError, google_exceptions.GoogleAuthError) as error:
        raise GoogleTokenInvalid(f"The Google ID token is not valid: {error}") from error
    email = claims.get("email")
    if not email or claims.get("email_verified") is not True:
        raise GoogleTokenInvalid("The Google account has no verified e-mail address.")
    return GoogleIdentity(
        subject=str(claims["sub"]),
        email=email.strip().lower(),
        first_name=str(claims.get("given_name", ""))[:150],
        last_name=str(claims.get("family_name", ""))[:150],
    )
