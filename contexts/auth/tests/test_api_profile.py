"""A person's profile: names and time zone, set at sign-up and changed through PATCH /auth/me, and
auth.user.updated whenever a profile or an account's status changes (exact payloads, nothing on a
change that changes nothing)."""

import json
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from jsonschema import Draft202012Validator

from contexts.auth import services
from contexts.auth.errors import TimeZoneUnknownError
from contexts.auth.models import User
from contexts.auth.tests.factories import PASSWORD, CoachFactory
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["default"])

UPDATED = "auth.user.updated"


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _updated_payloads() -> list[dict]:
    payloads = [event["payload"] for event in published_events(context="auth", event_type=UPDATED)]
    schema = json.loads((Path(settings.NLC_CONTRACTS_DIR) / "auth" / "user.updated.schema.json").read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for payload in payloads:
        assert list(validator.iter_errors(payload)) == []
    return payloads


# -- sign-up ------------------------------------------------------------------------------------------
def test_a_coach_signs_up_in_its_time_zone(api_client):
    # when
    response = api_client.post(
        "/auth/signup",
        {"email": "tia@example.com", "password": PASSWORD, "firstName": "Tia", "timeZone": "America/New_York"},
    )
    # then
    assert response.status_code == 201
    assert response.json()["user"]["timeZone"] == "America/New_York"
    assert User.objects.get().time_zone == "America/New_York"
    assert _updated_payloads() == []


def test_a_coach_signing_up_without_a_time_zone_is_on_utc(api_client):
    response = api_client.post("/auth/signup", {"email": "uma@example.com", "password": PASSWORD, "firstName": "Uma"})
    assert response.status_code == 201
    assert response.json()["user"]["timeZone"] == "UTC"
    assert User.objects.get().time_zone == "UTC"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "europe/berlin", "../../etc/passwd", "", "A" * 65])
def test_a_sign_up_with_an_unknown_time_zone_is_refused_and_creates_nothing(api_client, zone):
    # when
    response = api_client.post(
        "/auth/signup", {"email": "vic@example.com", "password": PASSWORD, "firstName": "Vic", "timeZone": zone}
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["fieldErrors"]) == ["timeZone"]
    assert User.objects.count() == 0
    assert published_events(context="auth") == []


# -- PATCH /auth/me -----------------------------------------------------------------------------------
def test_a_coach_changes_its_time_zone_and_auth_user_updated_tells_it(client_for, coach):
    # given
    moment = timezone.now().replace(microsecond=0)
    # when
    with time_machine.travel(moment, tick=False):
        response = client_for(coach).patch("/auth/me", {"timeZone": "Europe/Berlin"})
    # then
    assert response.status_code == 200
    assert response.json()["timeZone"] == "Europe/Berlin"
    coach.refresh_from_db()
    assert (coach.time_zone, coach.updated_at) == ("Europe/Berlin", moment)
    assert client_for(coach).get("/auth/me").json()["timeZone"] == "Europe/Berlin"
    assert _updated_payloads() == [
        {
            "userId": str(coach.id),
            "coachId": str(coach.id),
            "email": "cory@example.com",
            "firstName": "Cory",
            "lastName": "Coach",
            "role": "coach",
            "status": "active",
            "timeZone": "Europe/Berlin",
            "changedFields": ["timeZone"],
            "updatedAt": _iso(moment),
        }
    ]
    (event,) = published_events(context="auth", event_type=UPDATED)
    assert event["producer"] == "auth"


def test_names_and_time_zone_at_once_are_one_event_naming_each_change(client_for, coach):
    response = client_for(coach).patch(
        "/auth/me", {"firstName": "Coralie", "lastName": "Coach", "timeZone": "Asia/Tokyo"}
    )
    assert response.status_code == 200
    assert (response.json()["firstName"], response.json()["lastName"], response.json()["timeZone"]) == (
        "Coralie",
        "Coach",
        "Asia/Tokyo",
    )
    (payload,) = _updated_payloads()
    # the last name was sent unchanged: it is not a change
    assert payload["changedFields"] == ["firstName", "timeZone"]
    assert (payload["firstName"], payload["lastName"], payload["timeZone"]) == ("Coralie", "Coach", "Asia/Tokyo")


@pytest.mark.parametrize(
    "body", [{}, {"firstName": "Cory"}, {"firstName": "Cory", "lastName": "Coach", "timeZone": "UTC"}]
)
def test_a_patch_that_changes_nothing_publishes_nothing(client_for, coach, body):
    # given
    before = User.objects.get(pk=coach.pk).updated_at
    # when
    response = client_for(coach).patch("/auth/me", body, format="json")
    # then
    assert response.status_code == 200
    assert (response.json()["firstName"], response.json()["timeZone"]) == ("Cory", "UTC")
    assert User.objects.get(pk=coach.pk).updated_at == before
    assert published_events(context="auth") == []


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ("Berlin", "Not a known IANA time zone name (e.g. Europe/Berlin)."),
        ("Europe/Atlantis", "Not a known IANA time zone name (e.g. Europe/Berlin)."),
        ("", "This field may not be blank."),
        ("Z" * 65, "Ensure this field has no more than 64 characters."),
    ],
)
def test_an_unknown_time_zone_is_a_400_naming_it_and_nothing_changes(client_for, coach, zone, message):
    # when a good name change comes with a bad time zone
    response = client_for(coach).patch("/auth/me", {"firstName": "Coralie", "timeZone": zone})
    # then
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"timeZone": [message]}
    coach.refresh_from_db()
    assert (coach.first_name, coach.time_zone) == ("Cory", "UTC")
    assert published_events(context="auth") == []


def test_changing_my_profile_costs_a_fixed_number_of_queries(client_for, coach, context_queries):
    client = client_for(coach)
    # the caller's identity; in the transaction (a savepoint in a test) its row locked, the update,
    # the outbox row and the relay's NOTIFY
    with context_queries("auth", at_most=7):
        response = client.patch("/auth/me", {"firstName": "Coralie", "timeZone": "Europe/Paris"})
    assert response.status_code == 200
    # a change that changes nothing: the caller's identity and the locked read only
    with context_queries("auth", at_most=4):
        assert client.patch("/auth/me", {"timeZone": "Europe/Paris"}).status_code == 200


# -- admins ---------------------------------------------------------------------------------------------
def test_an_admin_disabling_a_coach_publishes_its_new_status(client_for, admin, coach):
    # given
    moment = timezone.now().replace(microsecond=0)
    # when
    with time_machine.travel(moment, tick=False):
        response = client_for(admin).patch(f"/auth/users/{coach.id}", {"status": "disabled"})
    # then
    assert response.status_code == 200
    assert _updated_payloads() == [
        {
            "userId": str(coach.id),
            "coachId": str(coach.id),
            "email": "cory@example.com",
            "firstName": "Cory",
            "lastName": "Coach",
            "role": "coach",
            "status": "disabled",
            "timeZone": "UTC",
            "changedFields": ["status"],
            "updatedAt": _iso(moment),
        }
    ]


def test_a_coach_made_admin_loses_its_coach_id_in_the_event(client_for, admin, coach):
    client_for(admin).patch(f"/auth/users/{coach.id}", {"role": "admin", "lastName": "Boss"})
    (payload,) = _updated_payloads()
    assert (payload["changedFields"], payload["coachId"], payload["role"], payload["lastName"]) == (
        ["coachId", "lastName", "role"],
        None,
        "admin",
        "Boss",
    )


def test_an_admin_change_that_changes_nothing_publishes_nothing(client_for, admin, coach):
    response = client_for(admin).patch(
        f"/auth/users/{coach.id}", {"status": "active", "role": "coach", "firstName": "Cory"}
    )
    assert response.status_code == 200
    assert published_events(context="auth") == []


def test_the_admin_sees_a_users_time_zone(client_for, admin):
    coach = CoachFactory(time_zone="Australia/Sydney")
    client = client_for(admin)
    assert client.get(f"/auth/users/{coach.id}").json()["timeZone"] == "Australia/Sydney"
    listed = {user["id"]: user["timeZone"] for user in client.get("/auth/users").json()["results"]}
    assert listed == {str(coach.id): "Australia/Sydney", str(admin.id): "UTC"}


def test_a_change_saved_in_the_django_admin_is_published(admin, coach):
    # given the Django admin's form changed the coach's time zone and status
    edited = User.objects.get(pk=coach.pk)
    edited.time_zone, edited.status = "Africa/Lagos", "disabled"
    # when it is saved
    services.user_save_from_admin(user=edited, actor=admin, origin=services.NO_ORIGIN)
    # then
    (payload,) = _updated_payloads()
    assert (payload["changedFields"], payload["status"], payload["timeZone"]) == (
        ["status", "timeZone"],
        "disabled",
        "Africa/Lagos",
    )


def test_the_django_admin_cannot_store_an_unknown_time_zone(admin, coach):
    edited = User.objects.get(pk=coach.pk)
    edited.time_zone = "Nowhere/Special"
    with pytest.raises(TimeZoneUnknownError):
        services.user_save_from_admin(user=edited, actor=admin, origin=services.NO_ORIGIN)
    coach.refresh_from_db()
    assert coach.time_zone == "UTC"
    assert published_events(context="auth") == []


def test_the_admin_user_list_costs_the_same_queries_for_one_or_a_hundred(client_for, admin, context_queries):
    client = client_for(admin)
    # the caller's identity, the count, the page
    with context_queries("auth", at_most=3):
        assert client.get("/auth/users").json()["count"] == 1
    CoachFactory.create_batch(99)
    with context_queries("auth", at_most=3):
        assert len(client.get("/auth/users", {"pageSize": 100}).json()["results"]) == 100
