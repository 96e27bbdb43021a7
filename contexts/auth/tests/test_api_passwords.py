"""Password change and reset, end to end through HTTP."""

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.utils import timezone

from contexts.auth.models import AuditKind, AuditLogEntry, PasswordResetToken
from contexts.auth.tests.factories import PASSWORD
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["default"])
NEW_PASSWORD = "another-Long-secret-42"


def _reset_token_from_event() -> str:
    (event,) = published_events(context="auth", event_type="auth.password.reset_requested")
    return parse_qs(urlparse(event["payload"]["resetUrl"]).query)["token"][0]


def test_changing_the_password_revokes_other_sessions_and_returns_a_fresh_pair(api_client, client_for, coach):
    # given two sessions
    here, elsewhere = client_for(coach), client_for(coach)
    # when the password is changed in one of them
    response = here.post("/auth/password/change", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD})
    # then the new password works, the other session is over, and this one goes on with the fresh pair
    assert response.status_code == 200, response.json()
    coach.refresh_from_db()
    assert coach.check_password(NEW_PASSWORD)
    assert api_client.post("/auth/token/refresh", {"refresh": elsewhere.tokens.refresh}).json()["code"] == (
        "token_revoked"
    )
    assert elsewhere.get("/auth/me").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api_client.get("/auth/me").status_code == 200
    assert list(AuditLogEntry.objects.values_list("kind", "user_id")) == [(AuditKind.PASSWORD_CHANGED, coach.id)]


def test_a_wrong_current_password_changes_nothing(client_for, coach):
    client = client_for(coach)
    response = client.post("/auth/password/change", {"currentPassword": "guess", "newPassword": NEW_PASSWORD})
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "password_incorrect",
        "message": "The current password is wrong.",
        "fieldErrors": {"currentPassword": ["The current password is wrong."]},
    }
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)
    assert coach.token_generation == 1
    assert AuditLogEntry.objects.count() == 0


def test_a_weak_new_password_is_refused(client_for, coach):
    response = client_for(coach).post("/auth/password/change", {"currentPassword": PASSWORD, "newPassword": "cory"})
    assert response.status_code == 400
    assert list(response.json()["fieldErrors"]) == ["newPassword"]
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)


def test_a_reset_request_answers_the_same_whether_or_not_the_account_exists(api_client, coach):
    # when a reset is asked for an unknown e-mail and for the coach's
    unknown = api_client.post("/auth/password/reset", {"email": "nobody@example.com"})
    known = api_client.post("/auth/password/reset", {"email": "CORY@example.com"})
    # then both answers are the same
    assert unknown.status_code == known.status_code == 202
    assert (
        unknown.json()
        == known.json()
        == {"message": "If an account exists for this e-mail address, a reset link is on its way."}
    )
    # and only the coach got a token (stored hashed) and an event; both requests were audited
    token = _reset_token_from_event()
    stored = PasswordResetToken.objects.get()
    assert stored.user_id == coach.id
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    assert list(AuditLogEntry.objects.order_by("created_at").values_list("kind", "user_id", "email")) == [
        (AuditKind.PASSWORD_RESET_REQUESTED, None, "nobody@example.com"),
        (AuditKind.PASSWORD_RESET_REQUESTED, coach.id, "cory@example.com"),
    ]


def test_a_reset_token_works_once_and_revokes_every_session(api_client, client_for, coach):
    # given a session and a reset link
    session = client_for(coach)
    api_client.post("/auth/password/reset", {"email": coach.email})
    token = _reset_token_from_event()
    # when the link is used
    response = api_client.post("/auth/password/reset/confirm", {"token": token, "newPassword": NEW_PASSWORD})
    # then the password is set, every session is revoked, and it is audited
    assert response.status_code == 204
    coach.refresh_from_db()
    assert coach.check_password(NEW_PASSWORD)
    assert session.get("/auth/me").json()["code"] == "token_revoked"
    assert api_client.post("/auth/token/refresh", {"refresh": session.tokens.refresh}).status_code == 401
    assert AuditLogEntry.objects.filter(kind=AuditKind.PASSWORD_RESET_COMPLETED, user_id=coach.id).count() == 1
    # and the same link does not work a second time
    again = api_client.post("/auth/password/reset/confirm", {"token": token, "newPassword": "third-Password-77"})
    assert again.status_code == 400
    assert again.json()["code"] == "reset_token_invalid"
    coach.refresh_from_db()
    assert coach.check_password(NEW_PASSWORD)


def test_a_reset_token_does_not_work_after_it_expires(api_client, coach):
    api_client.post("/auth/password/reset", {"email": coach.email})
    token = _reset_token_from_event()
    # when the link is used one second after it expired
    with time_machine.travel(timezone.now() + timedelta(minutes=60, seconds=1)):
        response = api_client.post("/auth/password/reset/confirm", {"token": token, "newPassword": NEW_PASSWORD})
    # then it is refused and nothing changed
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "reset_token_expired",
        "message": "This password-reset link has expired: ask for a new one.",
        "fieldErrors": {},
    }
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)
    assert AuditLogEntry.objects.filter(kind=AuditKind.PASSWORD_RESET_COMPLETED).count() == 0


def test_a_reset_token_still_works_just_before_it_expires(api_client, coach):
    api_client.post("/auth/password/reset", {"email": coach.email})
    token = _reset_token_from_event()
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        response = api_client.post("/auth/password/reset/confirm", {"token": token, "newPassword": NEW_PASSWORD})
    assert response.status_code == 204


def test_a_weak_password_does_not_spend_the_reset_token(api_client, coach):
    api_client.post("/auth/password/reset", {"email": coach.email})
    token = _reset_token_from_event()
    weak = api_client.post("/auth/password/reset/confirm", {"token": token, "newPassword": "password"})
    assert weak.status_code == 400
    assert list(weak.json()["fieldErrors"]) == ["newPassword"]
    assert PasswordResetToken.objects.get().used_at is None
    assert (
        api_client.post("/auth/password/reset/confirm", {"token": token, "newPassword": NEW_PASSWORD}).status_code
        == 204
    )


def test_an_unknown_reset_token_is_refused(api_client, coach):
    response = api_client.post("/auth/password/reset/confirm", {"token": "made-up", "newPassword": NEW_PASSWORD})
    assert (response.status_code, response.json()["code"]) == (400, "reset_token_invalid")
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)


def test_a_disabled_account_gets_no_reset_link(api_client, coach):
    coach.status = "disabled"
    coach.save()
    response = api_client.post("/auth/password/reset", {"email": coach.email})
    assert response.status_code == 202
    assert PasswordResetToken.objects.count() == 0
    assert published_events(context="auth", event_type="auth.password.reset_requested") == []


def test_a_reset_lifts_a_lock_out(api_client, coach, settings):
    settings.AUTH_LOCKOUT_MAX_FAILED_LOGINS = 2
    for _ in range(2):
        api_client.post("/auth/login", {"email": coach.email, "password": "wrong"})
    assert api_client.post("/auth/login", {"email": coach.email, "password": PASSWORD}).status_code == 423
    api_client.post("/auth/password/reset", {"email": coach.email})
    api_client.post("/auth/password/reset/confirm", {"token": _reset_token_from_event(), "newPassword": NEW_PASSWORD})
    assert api_client.post("/auth/login", {"email": coach.email, "password": NEW_PASSWORD}).status_code == 200
