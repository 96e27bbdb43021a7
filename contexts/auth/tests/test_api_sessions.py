"""Sign-up, log-in, me, refresh, log-out and log-out everywhere, end to end through HTTP."""

import jwt
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from contexts.auth.models import AuditKind, AuditLogEntry, Role, User
from contexts.auth.tests.factories import PASSWORD, CoachFactory
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["default"])


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _bearer(api_client, token: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_client


def test_a_coach_signs_up_and_gets_a_session(api_client):
    # when a newcomer signs up
    response = api_client.post(
        "/auth/signup",
        {"email": "New.Coach@Example.com", "password": PASSWORD, "firstName": "Nia", "lastName": "Newton"},
        HTTP_USER_AGENT="portal/1.0",
    )
    # then a coach exists, with a session for it
    assert response.status_code == 201, response.json()
    body = response.json()
    user = User.objects.get()
    assert user.email == "new.coach@example.com"
    assert user.role == Role.COACH
    assert user.check_password(PASSWORD)
    assert body["user"] == {
        "id": str(user.id),
        "email": "new.coach@example.com",
        "firstName": "Nia",
        "lastName": "Newton",
        "role": "coach",
        "timeZone": "UTC",
        "status": "active",
        "coachId": str(user.id),
        "googleLinked": False,
        "hasPassword": True,
        "createdAt": body["user"]["createdAt"],
        "lastLoginAt": None,
    }
    assert body["tokenType"] == "Bearer"
    access = _claims(body["access"])
    assert {key: access[key] for key in ("sub", "role", "coach_id", "email", "token_type", "gen", "iss")} == {
        "sub": str(user.id),
        "role": "coach",
        "coach_id": str(user.id),
        "email": "new.coach@example.com",
        "token_type": "access",
        "gen": 1,
        "iss": "nextlevelcoach",
    }
    assert access["exp"] - access["iat"] == int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds())
    assert jwt.get_unverified_header(body["access"])["alg"] == "HS256"
    assert _claims(body["refresh"])["token_type"] == "refresh"
    assert OutstandingToken.objects.filter(user=user, jti=_claims(body["refresh"])["jti"]).exists()
    # and it was audited and published
    entry = AuditLogEntry.objects.get()
    assert (entry.kind, entry.user_id, entry.email, entry.ip, entry.user_agent) == (
        AuditKind.USER_CREATED,
        user.id,
        "new.coach@example.com",
        "127.0.0.1",
        "portal/1.0",
    )
    assert len(published_events(context="auth", event_type="auth.user.created")) == 1


def test_sign_up_with_a_taken_email_or_a_weak_password_changes_nothing(api_client, coach):
    # when someone signs up with an e-mail already in use (any case), or a weak password
    taken = api_client.post("/auth/signup", {"email": "CORY@example.com", "password": PASSWORD, "firstName": "Copy"})
    weak = api_client.post("/auth/signup", {"email": "weak@example.com", "password": "123", "firstName": "W"})
    # then both are refused with field errors, and nothing was created, audited or published
    assert taken.status_code == 400
    assert taken.json() == {
        "status": 400,
        "code": "invalid",
        "message": "The request is invalid: see fieldErrors.",
        "fieldErrors": {"email": ["An account with this e-mail address already exists."]},
    }
    assert weak.status_code == 400
    assert weak.json()["code"] == "invalid"
    assert list(weak.json()["fieldErrors"]) == ["password"]
    assert (
        "This password is too short. It must contain at least 8 characters." in weak.json()["fieldErrors"]["password"]
    )
    assert list(User.objects.values_list("email", flat=True)) == ["cory@example.com"]
    assert AuditLogEntry.objects.count() == 0
    assert published_events(context="auth", event_type="auth.user.created") == []


def test_sign_up_requires_its_fields(api_client):
    response = api_client.post("/auth/signup", {"email": "not-an-email"})
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {
        "email": ["Enter a valid email address."],
        "password": ["This field is required."],
        "firstName": ["This field is required."],
    }
    assert User.objects.count() == 0


def test_log_in_me_refresh_and_log_out(api_client, coach):
    # when the coach logs in with any case of its e-mail
    login = api_client.post("/auth/login", {"email": "Cory@Example.com", "password": PASSWORD})
    assert login.status_code == 200, login.json()
    tokens = login.json()
    assert tokens["user"]["email"] == "cory@example.com"
    coach.refresh_from_db()
    assert coach.last_login is not None

    # then me answers with its access token
    me = _bearer(api_client, tokens["access"]).get("/auth/me")
    assert me.status_code == 200
    assert me.json()["id"] == str(coach.id)
    assert me.json()["coachId"] == str(coach.id)

    # and the refresh token rotates: a new pair, the old refresh token revoked
    api_client.credentials()
    refreshed = api_client.post("/auth/token/refresh", {"refresh": tokens["refresh"]})
    assert refreshed.status_code == 200
    new = refreshed.json()
    assert set(new) == {"access", "refresh", "tokenType", "accessExpiresAt", "refreshExpiresAt"}
    assert new["refresh"] != tokens["refresh"]
    assert BlacklistedToken.objects.filter(token__jti=_claims(tokens["refresh"])["jti"]).exists()
    reused = api_client.post("/auth/token/refresh", {"refresh": tokens["refresh"]})
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_revoked"

    # and logging out revokes the new refresh token too
    logout = api_client.post("/auth/logout", {"refresh": new["refresh"]})
    assert logout.status_code == 204
    after = api_client.post("/auth/token/refresh", {"refresh": new["refresh"]})
    assert after.status_code == 401
    assert after.json() == {
        "status": 401,
        "code": "token_revoked",
        "message": "This refresh token was revoked: log in again.",
        "fieldErrors": {},
    }
    kinds = list(AuditLogEntry.objects.order_by("created_at").values_list("kind", flat=True))
    assert kinds == [AuditKind.LOGIN_SUCCEEDED, AuditKind.LOGOUT]


def test_logging_out_twice_changes_nothing_more(api_client, client_for, coach):
    refresh = client_for(coach).tokens.refresh
    assert api_client.post("/auth/logout", {"refresh": refresh}).status_code == 204
    # when it logs out again with the same token
    again = api_client.post("/auth/logout", {"refresh": refresh})
    # then it is still a success, and no second log-out is recorded
    assert again.status_code == 204
    assert AuditLogEntry.objects.filter(kind=AuditKind.LOGOUT).count() == 1


def test_log_out_ignores_a_stale_access_token_header(api_client, client_for, coach):
    client = client_for(coach)
    with time_machine.travel(timezone.now() + settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] * 2):
        response = client.post("/auth/logout", {"refresh": client.tokens.refresh})
    assert response.status_code == 204


def test_refresh_carries_the_current_role(api_client, client_for, coach):
    # given a coach with a session, then made an admin... without revocation (direct data change)
    refresh = client_for(coach).tokens.refresh
    User.objects.filter(pk=coach.pk).update(role=Role.ADMIN)
    # when it refreshes
    response = api_client.post("/auth/token/refresh", {"refresh": refresh})
    # then the new access token says admin, with no coach id
    claims = _claims(response.json()["access"])
    assert (claims["role"], claims["coach_id"]) == ("admin", None)


def test_log_out_everywhere_revokes_every_session(api_client, client_for, coach):
    # given two sessions of the coach
    laptop, phone = client_for(coach), client_for(coach)
    # when one logs out everywhere
    response = laptop.post("/auth/logout-all")
    assert response.status_code == 204
    # then neither refresh token works any more
    for client in (laptop, phone):
        refreshed = api_client.post("/auth/token/refresh", {"refresh": client.tokens.refresh})
        assert refreshed.status_code == 401
        assert refreshed.json()["code"] == "token_revoked"
    # and the auth context refuses their access tokens at once
    me = phone.get("/auth/me")
    assert me.status_code == 401
    assert me.json()["code"] == "token_revoked"
    coach.refresh_from_db()
    assert coach.token_generation == 2
    assert AuditLogEntry.objects.filter(kind=AuditKind.LOGOUT_ALL, user_id=coach.id).count() == 1
    # and a fresh log-in works again
    assert api_client.post("/auth/login", {"email": coach.email, "password": PASSWORD}).status_code == 200


def test_me_updates_names_but_never_role_status_or_email(client_for, coach):
    client = client_for(coach)
    response = client.patch(
        "/auth/me",
        {"firstName": "Corinne", "role": "admin", "status": "disabled", "email": "x@example.com"},
    )
    assert response.status_code == 200
    coach.refresh_from_db()
    assert (coach.first_name, coach.last_name, coach.role, coach.status, coach.email) == (
        "Corinne",
        "Coach",
        "coach",
        "active",
        "cory@example.com",
    )


def test_me_needs_a_token(api_client):
    response = api_client.get("/auth/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "status": 401,
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fieldErrors": {},
    }


def test_a_disabled_account_cannot_log_in_or_refresh_or_use_its_token(api_client, client_for):
    # given a coach with a session, then disabled
    coach = CoachFactory()
    client = client_for(coach)
    User.objects.filter(pk=coach.pk).update(status="disabled")
    # then its log-in, refresh and access token are refused
    login = api_client.post("/auth/login", {"email": coach.email, "password": PASSWORD})
    assert (login.status_code, login.json()["code"]) == (403, "account_disabled")
    refresh = api_client.post("/auth/token/refresh", {"refresh": client.tokens.refresh})
    assert (refresh.status_code, refresh.json()["code"]) == (403, "account_disabled")
    me = client.get("/auth/me")
    assert (me.status_code, me.json()["code"]) == (401, "account_disabled")
    assert OutstandingToken.objects.filter(user=coach).count() == 1  # no new session was issued
