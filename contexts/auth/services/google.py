"""Google sign-in: a verified Google identity becomes a session, linking or creating the identity."""

from __future__ import annotations

from django.utils import timezone

from contexts.auth.errors import (
    AccountDisabledError,
    GoogleAccountMismatchError,
    GoogleSignInDisabledError,
    GoogleUnavailableError,
)
from contexts.auth.models import AuditKind, SignupMethod, User
from contexts.auth.providers.google import GoogleIdentity, google_identity_verify
from contexts.auth.services.accounts import user_create
from contexts.auth.services.audit import audit_entry_create
from contexts.auth.tokens import TokenPair, token_pair_issue
from nlc.api.http import RequestOrigin
from nlc.db.transactions import atomic
from nlc.errors import ProviderError, provider_failure


def _google_identity(*, id_token: str) -> GoogleIdentity:
    """The identity a Google ID token proves; Google's failures keep the codes clients know."""
    try:
        return google_identity_verify(token=id_token)
    except ProviderError as error:
        if not error.configured:
            raise GoogleSignInDisabledError() from error
        if error.retryable:
            raise GoogleUnavailableError() from error
        raise provider_failure(error) from error


def session_create_with_google(*, id_token: str, origin: RequestOrigin) -> tuple[User, TokenPair, bool]:
    """Sign in with a Google ID token: the identity linked to that Google account, else the one with
    its (verified) e-mail, which gets linked, else a new coach. Returns (user, tokens, created).

    A disabled identity's refusal is audited: it commits first and is raised after the transaction.
    """
    identity = _google_identity(id_token=id_token)
    created = False
    with atomic("auth"):
        user = User.objects.select_for_update().filter(google_subject=identity.subject).first()
        if user is None:
            user = User.objects.select_for_update().filter(email=identity.email).first()
            if user is not None and user.google_subject is not None:
                raise GoogleAccountMismatchError()
        if user is None:
            user = user_create(
                email=identity.email,
                password=None,
                first_name=identity.first_name,
                last_name=identity.last_name,
                google_subject=identity.subject,
                signup_method=SignupMethod.GOOGLE,
                origin=origin,
            )
            created = True
        if user.is_active:
            if user.google_subject is None:
                user.google_subject = identity.subject
                audit_entry_create(
                    kind=AuditKind.GOOGLE_LINKED, user=user, origin=origin, metadata={"googleSubject": identity.subject}
                )
            user.last_login = timezone.now()
            user.save(update_fields=["google_subject", "last_login"])
            audit_entry_create(kind=AuditKind.LOGIN_SUCCEEDED, user=user, origin=origin, metadata={"method": "google"})
            return user, token_pair_issue(user=user), created
        audit_entry_create(
            kind=AuditKind.LOGIN_FAILED,
            user=user,
            origin=origin,
            metadata={"reason": "account_disabled", "method": "google"},
        )
    raise AccountDisabledError()
