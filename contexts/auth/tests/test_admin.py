"""The Django admin: for admins only; what it changes is audited and published like the API."""

import pytest

from contexts.auth.models import AuditKind, AuditLogEntry, User
from contexts.auth.tests.factories import AuditLogEntryFactory
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["default"])


def test_an_identity_added_in_the_django_admin_is_audited_and_published(client, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "Added@Example.com",
            "first_name": "Adam",
            "last_name": "",
            "role": "coach",
            "usable_password": "true",
            "password1": "a-Strong-pass-123",
            "password2": "a-Strong-pass-123",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(email="added@example.com")
    assert user.check_password("a-Strong-pass-123")
    (event,) = published_events(context="auth", event_type="auth.user.created")
    assert (event["payload"]["userId"], event["payload"]["signupMethod"]) == (str(user.id), "admin")
    entry = AuditLogEntry.objects.get()
    assert (entry.kind, entry.user_id, entry.actor_id) == (AuditKind.USER_CREATED, user.id, admin.id)


def test_a_status_change_in_the_django_admin_is_audited_and_revokes_sessions(client, admin, coach):
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{coach.id}/change/",
        {
            "email": coach.email,
            "first_name": coach.first_name,
            "last_name": coach.last_name,
            "time_zone": "Europe/Berlin",
            "role": "coach",
            "status": "disabled",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    coach.refresh_from_db()
    assert (coach.status, coach.time_zone, coach.token_generation) == ("disabled", "Europe/Berlin", 2)
    (event,) = published_events(context="auth", event_type="auth.user.updated")
    assert (event["payload"]["changedFields"], event["payload"]["status"]) == (["status", "timeZone"], "disabled")
    entry = AuditLogEntry.objects.get()
    assert (entry.kind, entry.actor_id, entry.metadata) == (
        AuditKind.STATUS_CHANGED,
        admin.id,
        {"from": "active", "to": "disabled"},
    )


def test_an_unknown_time_zone_in_the_django_admin_is_a_form_error(client, admin, coach):
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{coach.id}/change/",
        {
            "email": coach.email,
            "first_name": coach.first_name,
            "last_name": coach.last_name,
            "time_zone": "Nowhere/Special",
            "role": "coach",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["time_zone"] == [
        "Not a known IANA time zone name (e.g. Europe/Berlin)."
    ]
    coach.refresh_from_db()
    assert coach.time_zone == "UTC"
    assert published_events(context="auth") == []


def test_a_password_set_in_the_django_admin_is_audited_and_revokes_sessions(client, admin, coach):
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{coach.id}/password/",
        {"usable_password": "true", "password1": "set-By-admin-77", "password2": "set-By-admin-77"},
    )
    assert response.status_code == 302, response.content[:2000]
    coach.refresh_from_db()
    assert coach.check_password("set-By-admin-77")
    assert coach.token_generation == 2
    assert list(AuditLogEntry.objects.values_list("kind", "user_id")) == [(AuditKind.PASSWORD_CHANGED, coach.id)]


def test_the_audit_log_is_read_only_in_the_django_admin(client, admin):
    entry = AuditLogEntryFactory()
    client.force_login(admin)
    assert client.get("/admin/accounts/auditlogentry/").status_code == 200
    assert client.get(f"/admin/accounts/auditlogentry/{entry.id}/change/").status_code == 200
    assert client.get("/admin/accounts/auditlogentry/add/").status_code == 403
    client.post(f"/admin/accounts/auditlogentry/{entry.id}/change/", {"kind": "logout", "email": "x@example.com"})
    assert client.post(f"/admin/accounts/auditlogentry/{entry.id}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert (entry.kind, AuditLogEntry.objects.count()) == (AuditKind.LOGIN_SUCCEEDED, 1)


def test_coaches_cannot_use_the_django_admin(client, coach):
    client.force_login(coach)
    assert client.get("/admin/accounts/auditlogentry/").status_code == 302
