"""Every error of the auth context: a kind from :mod:`nlc.errors`, a stable code, a message. No HTTP here."""

from __future__ import annotations

import math
from datetime import datetime

from django.utils import timezone

from nlc.errors import (
    AuthenticationFailedError,
    ConflictError,
    InvalidInputError,
    LockedError,
    NotPermittedError,
    UnavailableError,
)

# The message of a 400 whose field errors say what is wrong (as the API's own validation says it).
SEE_FIELD_ERRORS = "The request is invalid: see fieldErrors."


class InvalidFieldsError(InvalidInputError):
    """Inputs that break a rule of the domain, keyed by their domain names (``new_password``)."""

    code = "invalid"
    message = SEE_FIELD_ERRORS

    def __init__(self, field_errors: dict[str, list[str]]):
        super().__init__(field_errors=field_errors)


class EmailRequiredError(InvalidFieldsError):
    def __init__(self) -> None:
        super().__init__({"email": ["An e-mail address is required."]})


class EmailTakenError(InvalidFieldsError):
    def __init__(self) -> None:
        super().__init__({"email": ["An account with this e-mail address already exists."]})


class TimeZoneUnknownError(InvalidFieldsError):
    def __init__(self) -> None:
        super().__init__({"time_zone": ["Not a known IANA time zone name (e.g. Europe/Berlin)."]})


class PasswordRejectedError(InvalidFieldsError):
    """The password validators refused a new password given as ``field``."""

    def __init__(self, *, field: str, messages: list[str]):
        super().__init__({field: messages})


class InvalidCredentialsError(AuthenticationFailedError):
    code = "invalid_credentials"
    message = "The e-mail address or the password is wrong."


class AccountLockedError(LockedError):
    code = "account_locked"

    def __init__(self, *, locked_until: datetime):
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        super().__init__(
            f"Too many failed log-ins: this account is locked until {locked_until.isoformat()}.",
            details={"lockedUntil": locked_until.isoformat(), "retryAfter": seconds},
            retry_after=seconds,
        )


class AccountDisabledError(NotPermittedError):
    code = "account_disabled"
    message = "This account is disabled."


class PasswordIncorrectError(InvalidInputError):
    code = "password_incorrect"
    message = "The current password is wrong."

    def __init__(self) -> None:
        super().__init__(field_errors={"current_password": [type(self).message]})


class SessionRevokedError(AuthenticationFailedError):
    """The session was signed out (its refresh token is blacklisted or its generation is past)."""

    code = "token_revoked"
    message = "This session was signed out: log in again."


class RefreshTokenRevokedError(SessionRevokedError):
    message = "This refresh token was revoked: log in again."


class NotARefreshTokenError(AuthenticationFailedError):
    code = "token_type_invalid"
    message = "This is not a refresh token."


class ResetTokenInvalidError(InvalidInputError):
    code = "reset_token_invalid"
    message = "This password-reset link is not valid: it was used already or never existed."


class ResetTokenExpiredError(InvalidInputError):
    code = "reset_token_expired"
    message = "This password-reset link has expired: ask for a new one."


class GoogleSignInDisabledError(UnavailableError):
    """No Google OAuth client id is configured here."""

    code = "google_sign_in_disabled"
    message = "Google sign-in is not configured on this server."


class GoogleUnavailableError(UnavailableError):
    """Google's certificates could not be fetched to check a token."""

    code = "google_unavailable"
    message = "Google could not be reached to check the sign-in; try again shortly."


class GoogleTokenInvalidError(AuthenticationFailedError):
    code = "google_token_invalid"
    message = "The Google ID token is not valid."


class GoogleAccountMismatchError(ConflictError):
    code = "google_account_mismatch"
    message = "This e-mail address is linked to another Google account."


class CannotChangeOwnAccessError(InvalidInputError):
    code = "cannot_change_own_access"
    message = "Admins cannot change their own role or status."
