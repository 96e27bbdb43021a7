"""The auth context's domain errors: each has its HTTP status and a stable code (nlc.api.errors)."""

from __future__ import annotations

import math
from datetime import datetime

from django.utils import timezone

from nlc.api.errors import ApiError


class InvalidCredentials(ApiError):
    status_code = 401
    default_code = "invalid_credentials"
    default_detail = "The e-mail address or the password is wrong."


class AccountLocked(ApiError):
    status_code = 423
    default_code = "account_locked"

    def __init__(self, *, locked_until: datetime):
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        super().__init__(
            f"Too many failed log-ins: this account is locked until {locked_until.isoformat()}.",
            details={"lockedUntil": locked_until.isoformat(), "retryAfter": seconds},
            headers={"Retry-After": str(seconds)},
        )


class AccountDisabled(ApiError):
    status_code = 403
    default_code = "account_disabled"
    default_detail = "This account is disabled."


class PasswordIncorrect(ApiError):
    status_code = 400
    default_code = "password_incorrect"
    default_detail = "The current password is wrong."

    def __init__(self):
        super().__init__(field_errors={"currentPassword": [self.default_detail]})


class ResetTokenInvalid(ApiError):
    status_code = 400
    default_code = "reset_token_invalid"
    default_detail = "This password-reset link is not valid: it was used already or never existed."


class ResetTokenExpired(ApiError):
    status_code = 400
    default_code = "reset_token_expired"
    default_detail = "This password-reset link has expired: ask for a new one."


class GoogleSignInDisabled(ApiError):
    status_code = 503
    default_code = "google_sign_in_disabled"
    default_detail = "Google sign-in is not configured on this server."


class GoogleUnavailable(ApiError):
    status_code = 503
    default_code = "google_unavailable"
    default_detail = "Google could not be reached to check the sign-in; try again shortly."


class GoogleTokenInvalid(ApiError):
    status_code = 401
    default_code = "google_token_invalid"
    default_detail = "The Google ID token is not valid."


class GoogleAccountMismatch(ApiError):
    status_code = 409
    default_code = "google_account_mismatch"
    default_detail = "This e-mail address is linked to another Google account."


class CannotChangeOwnAccess(ApiError):
    status_code = 400
    default_code = "cannot_change_own_access"
    default_detail = "Admins cannot change their own role or status."
