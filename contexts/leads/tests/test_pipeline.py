"""The pipeline: allowed moves, leads.status.changed, a manual conversion, notes, search, stats."""

import datetime as dt

import pytest

from contexts.leads.models import Lead, LeadStat, LeadStatus, TimelineEntry
from contexts.leads.tests.factories import LeadFactory
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases="__all__")


def _move(client, lead, to_status):
    return client.post(f"/leads/leads/{lead.id}/status", {"status": to_status}, format="json")


def test_an_allowed_move_changes_the_status_and_says_so(coach_client, own_lead, coach_id):
    # when
    response = _move(coach_client, own_lead, "contacted")
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "contacted"
    own_lead.refresh_from_db()
    assert own_lead.status == "contacted"
    (changed,) = published_events(context="leads", event_type="leads.status.changed")
    assert changed["schemaVersion"] == 2
    assert changed["payload"] == {
        "leadId": str(own_lead.id),
        "coachId": str(coach_id),
        "clientId": str(own_lead.client_id),
        "fromStatus": "new",
        "toStatus": "contacted",
        "changedByUserId": str(COACH_ID),
        "changedAt": changed["payload"]["changedAt"],
    }
    entry = TimelineEntry.objects.get()
    assert (entry.kind, entry.summary, entry.client_id) == (
        "status_changed",
        "Status new → contacted",
        own_lead.client_id,
    )


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [("new", "new"), ("client", "lost"), ("client", "new"), ("contacted", "new"), ("lost", "booked")],
)
def test_a_refused_move_changes_nothing(coach_client, coach_id, from_status, to_status):
    # given
    lead = LeadFactory(coach_id=coach_id, status=from_status)
    # when
    response = _move(coach_client, lead, to_status)
    # then
    assert response.status_code == 409
    assert response.json() == {
        "status": 409,
        "code": "status_move_refused",
        "message": f"A lead cannot move from {from_status} to {to_status}.",
        "fieldErrors": {},
        "details": {"fromStatus": from_status, "toStatus": to_status},
    }
    lead.refresh_from_db()
    assert lead.status == from_status
    assert published_events(context="leads") == []
    assert not TimelineEntry.objects.exists()


def test_an_unknown_status_is_a_field_error(coach_client, own_lead):
    response = _move(coach_client, own_lead, "qualified")
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"status": ['"qualified" is not a valid choice.']}


def test_moving_to_client_is_a_manual_conversion_once(coach_client, own_lead):
    # when the coach marks the lead a client
    response = _move(coach_client, own_lead, "client")
    # then it is converted, once, via manual
    assert response.status_code == 200
    own_lead.refresh_from_db()
    assert own_lead.status == LeadStatus.CLIENT
    assert own_lead.converted_at is not None
    (converted,) = published_events(context="leads", event_type="leads.converted")
    assert {key: converted["payload"][key] for key in ("leadId", "via", "transactionId", "courseId")} == {
        "leadId": str(own_lead.id),
        "via": "manual",
        "transactionId": None,
        "courseId": None,
    }
    (changed,) = published_events(context="leads", event_type="leads.status.changed")
    assert (changed["payload"]["fromStatus"], changed["payload"]["toStatus"]) == ("new", "client")
    assert LeadStat.objects.get().conversions == 1


def test_notes_are_kept_newest_first_and_on_the_timeline(coach_client, own_lead):
    assert (
        coach_client.post(f"/leads/leads/{own_lead.id}/notes", {"body": " First call "}, format="json").status_code
        == 201
    )
    assert coach_client.post(f"/leads/leads/{own_lead.id}/notes", {"body": "Second"}, format="json").status_code == 201
    listed = coach_client.get(f"/leads/leads/{own_lead.id}/notes").json()
    assert [note["body"] for note in listed["results"]] == ["Second", "First call"]
    assert listed["results"][0]["authorId"] == str(COACH_ID)
    assert TimelineEntry.objects.filter(kind="note_added").count() == 2


def test_search_and_filters(coach_client, coach_id):
    # given
    ann = LeadFactory(coach_id=coach_id, email="ann@example.com", name="Ann Lee", status="contacted", tags=["vip"])
    bob = LeadFactory(coach_id=coach_id, email="bob@runners.example", name="Bob", source="calendly")
    old = LeadFactory(coach_id=coach_id, email="old@example.com", name="Old Timer")
    Lead.objects.filter(pk=old.pk).update(created_at=dt.datetime(2025, 1, 10, 12, tzinfo=dt.UTC))

    def ids(**query):
        response = coach_client.get("/leads/leads", query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    # then each filter narrows as it says
    assert ids(status="contacted") == {str(ann.id)}
    assert ids(tag="VIP") == {str(ann.id)}
    assert ids(source="calendly") == {str(bob.id)}
    assert ids(q="RUNNERS") == {str(bob.id)}
    assert ids(q="lee") == {str(ann.id)}
    assert ids(createdTo="2025-01-31") == {str(old.id)}
    assert ids(createdFrom="2025-02-01") == {str(ann.id), str(bob.id)}
    assert ids(createdFrom="2025-01-01", createdTo="2025-01-10", q="old") == {str(old.id)}
    bad = coach_client.get("/leads/leads", {"status": "qualified", "createdFrom": "yesterday"})
    assert bad.status_code == 400
    assert set(bad.json()["fieldErrors"]) == {"status", "createdFrom"}


def test_stats_per_day_with_the_conversion_rate(coach_client, coach_id, own_form, api_client):
    # given two landing leads and one manual today, one of them converted
    for email in ("a@example.com", "b@example.com"):
        assert api_client.post(f"/leads/intake/{own_form.key}", {"email": email}, format="json").status_code == 202
    manual = coach_client.post("/leads/leads", {"email": "c@example.com"}, format="json").json()
    assert (
        coach_client.post(f"/leads/leads/{manual['id']}/status", {"status": "client"}, format="json").status_code == 200
    )
    # and a day of last year
    LeadStat.objects.create(coach_id=coach_id, day=dt.date(2025, 6, 1), new_calendly=4, bookings=3)
    # when
    response = coach_client.get("/leads/stats")
    only_old = coach_client.get("/leads/stats", {"dateTo": "2025-12-31"})
    # then
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert response.json()["results"] == [
        {
            "day": "2025-06-01",
            "newLeads": 4,
            "newBySource": {"landing_page": 0, "calendly": 4, "manual": 0, "import": 0},
            "bookings": 3,
            "cancellations": 0,
            "conversions": 0,
            "conversionRate": 0.0,
        },
        {
            "day": today,
            "newLeads": 3,
            "newBySource": {"landing_page": 2, "calendly": 0, "manual": 1, "import": 0},
            "bookings": 0,
            "cancellations": 0,
            "conversions": 1,
            "conversionRate": 0.3333,
        },
    ]
    assert [row["day"] for row in only_old.json()["results"]] == ["2025-06-01"]
