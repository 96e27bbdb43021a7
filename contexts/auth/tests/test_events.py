"""What the auth context publishes, checked against the contracts in docs/contracts/events/auth/."""

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from jsonschema import Draft202012Validator

from contexts.auth import events, services
from contexts.auth.models import AuditLogEntry, User
from contexts.auth.tests.factories import PASSWORD
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["default"])


def _contract(name: str) -> Draft202012Validator:
    schema = json.loads((Path(settings.NLC_CONTRACTS_DIR) / "auth" / f"{name}.schema.json").read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_sign_up_publishes_user_created(api_client):
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        api_client.post(
            "/auth/signup", {"email": "nia@example.com", "password": PASSWORD, "firstName": "Nia", "lastName": "N"}
        )
    user = User.objects.get()
    (event,) = published_events(context="auth", event_type="auth.user.created")
    assert event["type"] == "auth.user.created"
    assert event["producer"] == "auth"
    assert event["payload"] == {
        "userId": str(user.id),
        "email": "nia@example.com",
        "firstName": "Nia",
        "lastName": "N",
        "role": "coach",
        "coachId": str(user.id),
        "createdAt": _iso(moment),
        "signupMethod": "password",
    }
    assert list(_contract("user.created").iter_errors(event["payload"])) == []


def test_every_new_identity_is_published_even_from_the_manager(db):
    # createsuperuser, the demo data and scripts go through the manager
    admin = User.objects.create_superuser("root@example.com", PASSWORD)
    (event,) = published_events(context="auth", event_type="auth.user.created")
    assert (event["payload"]["userId"], event["payload"]["role"], event["payload"]["coachId"]) == (
        str(admin.id),
        "admin",
        None,
    )
    assert event["payload"]["signupMethod"] == "admin"
    assert admin.is_superuser is True
    assert list(_contract("user.created").iter_errors(event["payload"])) == []


def test_reset_request_publishes_what_comms_needs(api_client, coach, settings):
    settings.PASSWORD_RESET_URL_TEMPLATE = "https://coach.nextlevelcoach.ai/reset-password?token={token}"
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        api_client.post("/auth/password/reset", {"email": coach.email})
    (event,) = published_events(context="auth", event_type="auth.password.reset_requested")
    payload = event["payload"]
    token = parse_qs(urlparse(payload["resetUrl"]).query)["token"][0]
    assert payload == {
        "userId": str(coach.id),
        "email": "cory@example.com",
        "firstName": "Cory",
        "resetUrl": f"https://coach.nextlevelcoach.ai/reset-password?token={token}",
        "expiresAt": _iso(moment + timedelta(minutes=60)),
        "requestedAt": _iso(moment),
    }
    assert len(token) >= 43
    assert list(_contract("password.reset_requested").iter_errors(payload)) == []


def test_a_failed_publish_leaves_no_identity_and_no_audit_row(monkeypatch, db):
    # given publishing that fails (a broken contract, say)
    def broken(**kwargs):
        raise RuntimeError("contract violated")

    monkeypatch.setattr(events, "user_created_publish", broken)
    # when an identity is created
    with pytest.raises(RuntimeError):
        services.user_create(email="lost@example.com", password=PASSWORD, signup_method="password")
    # then neither the identity nor its audit row exists
    assert User.objects.count() == 0
    assert AuditLogEntry.objects.count() == 0
