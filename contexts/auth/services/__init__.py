"""Writes of the auth context. Each service owns its transaction on the auth alias: the change, its
audit row and its event commit together or not at all.

Failures that must still leave a trace (a wrong password counts towards a lock-out and is audited)
commit first and raise after the transaction, so the error reaches the caller with the trace kept.

The modules, by what they write: ``audit`` (the audit log), ``accounts`` (identities, sign-up, the
profile), ``sessions`` (log-in, refresh, log-out), ``google`` (Google sign-in), ``passwords``
(change, reset, set by an admin) and ``administration`` (admins acting on other identities).
"""

from contexts.auth.services.accounts import (
    coach_sign_up,
    email_normalize,
    password_validate,
    time_zone_validate,
    user_changes_publish,
    user_create,
    user_profile_update,
    user_save_new,
)
from contexts.auth.services.administration import user_access_update, user_create_by_admin, user_save_from_admin
from contexts.auth.services.audit import NO_ORIGIN, audit_entry_create
from contexts.auth.services.google import session_create_with_google
from contexts.auth.services.passwords import (
    password_reset_confirm,
    password_reset_link_issue,
    password_reset_request,
    user_password_change,
    user_password_set,
)
from contexts.auth.services.sessions import (
    session_create_with_password,
    session_refresh,
    session_revoke,
    session_revoke_all,
    token_revoke_all,
)

__all__ = [
    "NO_ORIGIN",
    "audit_entry_create",
    "coach_sign_up",
    "email_normalize",
    "password_reset_confirm",
    "password_reset_link_issue",
    "password_reset_request",
    "password_validate",
    "session_create_with_google",
    "session_create_with_password",
    "session_refresh",
    "session_revoke",
    "session_revoke_all",
    "time_zone_validate",
    "token_revoke_all",
    "user_access_update",
    "user_changes_publish",
    "user_create",
    "user_create_by_admin",
    "user_password_change",
    "user_password_set",
    "user_profile_update",
    "user_save_from_admin",
    "user_save_new",
]
