"""Admins manage identities and read the audit log; a coach never reaches another coach's data."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from contexts.auth.models import AuditKind, AuditLogEntry, User
from contexts.auth.tests.factories import PASSWORD, AuditLogEntryFactory
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["default"])


def test_an_admin_disables_a_coach_which_is_audited_and_ends_its_sessions(api_client, client_for, admin, coach):
    # given a coach with a session
    coach_session = client_for(coach)
    # when an admin disables it
    response = client_for(admin).patch(f"/auth/users/{coach.id}", {"status": "disabled"}, REMOTE_ADDR="192.0.2.9")
    # then it is disabled, audited with who did it, and its session is over
    assert response.status_code == 200
    assert response.json()["status"] == "disabled"
    entry = AuditLogEntry.objects.get()
    assert (entry.kind, entry.user_id, entry.actor_id, entry.ip, entry.metadata) == (
        AuditKind.STATUS_CHANGED,
        coach.id,
        admin.id,
        "192.0.2.9",
        {"from": "active", "to": "disabled"},
    )
    assert coach_session.get("/auth/me").status_code == 401
    assert api_client.post("/auth/token/refresh", {"refresh": coach_session.tokens.refresh}).status_code == 401


def test_an_admin_changes_a_role_which_is_audited_and_makes_it_superuser(client_for, admin, coach):
    response = client_for(admin).patch(f"/auth/users/{coach.id}", {"role": "admin"})
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["coachId"]) == ("admin", None)
    coach.refresh_from_db()
    assert coach.is_superuser is True
    entry = AuditLogEntry.objects.get()
    assert (entry.kind, entry.metadata) == (AuditKind.ROLE_CHANGED, {"from": "coach", "to": "admin"})


def test_changing_only_names_is_not_a_security_event(client_for, admin, coach):
    response = client_for(admin).patch(f"/auth/users/{coach.id}", {"firstName": "Coralie"})
    assert response.status_code == 200
    coach.refresh_from_db()
    assert (coach.first_name, coach.token_generation) == ("Coralie", 1)
    assert AuditLogEntry.objects.count() == 0


def test_an_admin_cannot_change_its_own_access(client_for, admin):
    response = client_for(admin).patch(f"/auth/users/{admin.id}", {"role": "coach"})
    assert (response.status_code, response.json()["code"]) == (400, "cannot_change_own_access")
    admin.refresh_from_db()
    assert admin.role == "admin"
    assert AuditLogEntry.objects.count() == 0


def test_an_admin_creates_an_identity_that_gets_a_link_to_set_its_password(client_for, admin):
    response = client_for(admin).post(
        "/auth/users", {"email": "Second.Admin@example.com", "firstName": "Sam", "role": "admin"}
    )
    assert response.status_code == 201
    user = User.objects.get(email="second.admin@example.com")
    assert (user.role, user.has_usable_password()) == ("admin", False)
    (created,) = published_events(context="auth", event_type="auth.user.created")
    assert (created["payload"]["signupMethod"], created["payload"]["role"]) == ("admin", "admin")
    (reset,) = published_events(context="auth", event_type="auth.password.reset_requested")
    assert reset["payload"]["userId"] == str(user.id)
    assert set(AuditLogEntry.objects.values_list("kind", "actor_id")) == {
        (AuditKind.USER_CREATED, admin.id),
        (AuditKind.PASSWORD_RESET_REQUESTED, admin.id),
    }


def test_an_admin_lists_and_filters_identities(client_for, admin, coach, other_coach):
    client = client_for(admin)
    everyone = client.get("/auth/users")
    coaches = client.get("/auth/users", {"role": "coach", "search": "olga"})
    assert everyone.status_code == 200
    assert everyone.json()["count"] == 3
    assert [user["email"] for user in coaches.json()["results"]] == ["olga@example.com"]
    assert client.get(f"/auth/users/{coach.id}").json()["email"] == "cory@example.com"


def test_an_unknown_identity_is_not_found_and_nothing_changes(client_for, admin):
    # given an id no identity has
    client = client_for(admin)
    missing = uuid.uuid4()
    # when an admin reads or changes it
    read = client.get(f"/auth/users/{missing}")
    change = client.patch(f"/auth/users/{missing}", {"status": "disabled"})
    # then both are the entity's 404, and nothing was written
    not_found = {"status": 404, "code": "user_not_found", "message": "No such user.", "fieldErrors": {}}
    assert (read.status_code, read.json()) == (404, not_found)
    assert (change.status_code, change.json()) == (404, not_found)
    assert AuditLogEntry.objects.count() == 0
    assert published_events(context="auth") == []


def test_the_audit_log_is_paginated_and_filterable_for_admins(client_for, admin, coach):
    # given entries of several kinds and times
    now = timezone.now()
    for minutes in range(3):
        AuditLogEntryFactory(kind=AuditKind.LOGIN_FAILED, user_id=coach.id, created_at=now - timedelta(minutes=minutes))
    AuditLogEntryFactory(kind=AuditKind.LOGOUT, user_id=admin.id, created_at=now - timedelta(days=2))
    client = client_for(admin)
    # when an admin reads the log page by page, and filtered
    first_page = client.get("/auth/audit-log", {"pageSize": 2})
    failures = client.get("/auth/audit-log", {"kind": "login_failed", "userId": str(coach.id)})
    recent = client.get("/auth/audit-log", {"since": (now - timedelta(days=1)).isoformat()})
    bad_filter = client.get("/auth/audit-log", {"kind": "nonsense"})
    # then
    assert first_page.status_code == 200
    assert first_page.json()["count"] == 4
    assert len(first_page.json()["results"]) == 2
    assert first_page.json()["next"].endswith("page=2&pageSize=2")
    assert first_page.json()["results"][0]["createdAt"] == now.isoformat().replace("+00:00", "Z")
    assert set(first_page.json()["results"][0]) == {
        "id",
        "kind",
        "userId",
        "actorId",
        "email",
        "ip",
        "userAgent",
        "metadata",
        "createdAt",
    }
    assert [entry["kind"] for entry in failures.json()["results"]] == ["login_failed"] * 3
    assert recent.json()["count"] == 3
    assert bad_filter.status_code == 400
    assert list(bad_filter.json()["fieldErrors"]) == ["kind"]


def test_every_security_event_is_in_the_log(api_client, client_for, admin, settings):
    settings.AUTH_LOCKOUT_MAX_FAILED_LOGINS = 2
    # sign-up, log-in success and failure, lock-out, log-out, log-out everywhere, password change,
    # reset requested and completed, role and status changed (Google link: test_api_google)
    signup = api_client.post("/auth/signup", {"email": "eve@example.com", "password": PASSWORD, "firstName": "Eve"})
    eve = User.objects.get(email="eve@example.com")
    api_client.post("/auth/login", {"email": "eve@example.com", "password": PASSWORD})
    api_client.post("/auth/logout", {"refresh": signup.json()["refresh"]})
    eve_client = client_for(eve)
    eve_client.post("/auth/password/change", {"currentPassword": PASSWORD, "newPassword": "brand-New-pass-12"})
    eve.refresh_from_db()
    assert client_for(eve).post("/auth/logout-all").status_code == 204
    api_client.post("/auth/password/reset", {"email": "eve@example.com"})
    (reset,) = published_events(context="auth", event_type="auth.password.reset_requested")
    token = reset["payload"]["resetUrl"].split("token=")[1]
    api_client.post("/auth/password/reset/confirm", {"token": token, "newPassword": "third-New-pass-34"})
    for _ in range(2):
        api_client.post("/auth/login", {"email": "eve@example.com", "password": "wrong"})
    client_for(admin).patch(f"/auth/users/{eve.id}", {"role": "admin", "status": "disabled"})
    assert set(AuditLogEntry.objects.filter(user_id=eve.id).values_list("kind", flat=True)) == {
        AuditKind.USER_CREATED,
        AuditKind.LOGIN_SUCCEEDED,
        AuditKind.LOGOUT,
        AuditKind.PASSWORD_CHANGED,
        AuditKind.LOGOUT_ALL,
        AuditKind.PASSWORD_RESET_REQUESTED,
        AuditKind.PASSWORD_RESET_COMPLETED,
        AuditKind.LOGIN_FAILED,
        AuditKind.ACCOUNT_LOCKED,
        AuditKind.ROLE_CHANGED,
        AuditKind.STATUS_CHANGED,
    }


# --- A coach never reaches another coach's data ------------------------------------------------

FORBIDDEN_TO_COACHES = [
    ("get", "/auth/users/{other}", None),
    ("patch", "/auth/users/{other}", {"firstName": "Hacked", "status": "disabled"}),
    ("patch", "/auth/users/{self}", {"role": "admin"}),
    ("get", "/auth/users", None),
    ("post", "/auth/users", {"email": "x@example.com", "firstName": "X", "role": "admin"}),
    ("get", "/auth/audit-log", None),
    ("get", "/auth/audit-log?userId={other}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), FORBIDDEN_TO_COACHES)
def test_a_coach_cannot_read_or_change_another_coachs_data(client_for, coach, other_coach, method, path, body):
    # given the other coach's data
    AuditLogEntryFactory(user_id=other_coach.id, kind=AuditKind.LOGIN_SUCCEEDED)
    client = client_for(coach)
    # when the coach tries
    response = getattr(client, method)(path.format(other=other_coach.id, self=coach.id), body)
    # then it is refused, and nothing changed
    assert response.status_code == 403
    assert response.json()["code"] == "admin_only"
    other_coach.refresh_from_db()
    coach.refresh_from_db()
    assert (other_coach.first_name, other_coach.status) == ("Olga", "active")
    assert coach.role == "coach"
    assert User.objects.count() == 2
    assert AuditLogEntry.objects.count() == 1


def test_me_is_always_the_caller(client_for, coach, other_coach):
    client = client_for(coach)
    assert client.get("/auth/me").json()["id"] == str(coach.id)
    client.patch("/auth/me", {"firstName": "Changed"})
    other_coach.refresh_from_db()
    assert other_coach.first_name == "Olga"


def test_a_coach_cannot_log_out_another_coach_without_its_refresh_token(client_for, coach, other_coach):
    # log-out needs the refresh token itself; an access token of another coach is not one
    other = client_for(other_coach)
    response = client_for(coach).post("/auth/logout", {"refresh": other.tokens.access})
    assert (response.status_code, response.json()["code"]) == (401, "token_type_invalid")
    assert other.get("/auth/me").status_code == 200


def test_reading_the_audit_log_costs_the_same_queries_for_one_or_a_hundred_entries(
    client_for, admin, django_assert_num_queries
):
    client = client_for(admin)
    AuditLogEntryFactory()
    # the caller's identity, the count, the page
    with django_assert_num_queries(3):
        assert client.get("/auth/audit-log").json()["count"] == 1
    AuditLogEntryFactory.create_batch(99)
    with django_assert_num_queries(3):
        assert len(client.get("/auth/audit-log", {"pageSize": 100}).json()["results"]) == 100
