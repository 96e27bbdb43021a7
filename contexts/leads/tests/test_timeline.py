"""One timeline per person: every touch in time order, from first form to payment and completion."""

import datetime as dt
import json
import uuid

import pytest

from contexts.leads import selectors
from contexts.leads.models import TimelineEntry
from contexts.leads.tests.factories import TimelineEntryFactory
from nlc.clients import client_id_for

pytestmark = pytest.mark.django_db(databases="__all__")


def test_touches_read_in_time_order_whatever_order_they_were_learned(coach_client, coach_id, own_lead):
    # given touches recorded out of order (a late event of an earlier moment)
    at = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    for minutes, summary in ((30, "Paid 49.00 USD"), (0, "Submitted the form"), (10, "Booked a call")):
        TimelineEntryFactory(
            coach_id=coach_id,
            client_id=own_lead.client_id,
            occurred_at=at + dt.timedelta(minutes=minutes),
            summary=summary,
        )
    # and another person's touch
    TimelineEntryFactory(coach_id=coach_id, client_id=uuid.uuid4(), occurred_at=at)
    # when
    response = coach_client.get(f"/leads/people/{own_lead.client_id}/timeline")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(row["summary"], row["occurredAt"]) for row in body["results"]] == [
        ("Submitted the form", "2026-05-01T09:00:00Z"),
        ("Booked a call", "2026-05-01T09:10:00Z"),
        ("Paid 49.00 USD", "2026-05-01T09:30:00Z"),
    ]


def test_a_person_end_to_end(api_client, coach_client, coach_id, own_form, envelope, deliver_event):
    # given a form submission, a note, a purchase and an enrollment
    assert (
        api_client.post(f"/leads/intake/{own_form.key}", {"email": "zoe@example.com"}, format="json").status_code == 202
    )
    client_id = client_id_for(coach_id=coach_id, email="zoe@example.com")
    lead_id = coach_client.get("/leads/leads").json()["results"][0]["id"]
    coach_client.post(f"/leads/leads/{lead_id}/notes", {"body": "Keen"}, format="json")
    deliver_event(
        "leads",
        envelope(
            "billing.payment.completed",
            {
                "transactionId": str(uuid.uuid4()),
                "coachId": str(coach_id),
                "planId": None,
                "subscriptionId": None,
                "paymentLinkId": None,
                "courseId": str(uuid.uuid4()),
                "clientId": str(client_id),
                "clientEmail": "zoe@example.com",
                "clientName": "Zoe",
                "kind": "course_purchase",
                "amount": 4900,
                "currency": "USD",
                "externalPaymentId": "pi_1",
                "status": "completed",
                "paidAt": "2099-01-01T10:00:00Z",
            },
        ),
    )
    # when
    timeline = coach_client.get(f"/leads/people/{client_id}/timeline").json()
    # then
    assert [row["kind"] for row in timeline["results"]] == [
        "form_submitted",
        "note_added",
        "payment_completed",
        "status_changed",
    ]
    assert timeline["results"][3]["data"] == {"fromStatus": "new", "toStatus": "client", "changedByUserId": None}


def test_an_admin_reads_any_persons_timeline(admin_client, own_lead):
    TimelineEntryFactory(coach_id=own_lead.coach_id, client_id=own_lead.client_id)
    response = admin_client.get(f"/leads/people/{own_lead.client_id}/timeline")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_an_unknown_person_is_not_found(coach_client):
    response = coach_client.get(f"/leads/people/{uuid.uuid4()}/timeline")
    assert response.status_code == 404
    assert response.json()["code"] == "person_not_found"


def test_an_entry_reads_as_it_was_stored_page_by_page(coach_client, coach_id, own_lead):
    # given touches with and without fractions of a second, and data of every JSON kind
    at = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    data = {"zeta": 'é "quoted" \\ \n', "alpha": [1, 2.5, None, True], "nested": {"b": 1, "a": "x"}}
    entries = [
        TimelineEntryFactory(
            coach_id=coach_id,
            client_id=own_lead.client_id,
            occurred_at=at + dt.timedelta(seconds=n, microseconds=micro),
            summary=f"Touch {n} ✓",
            data=data,
        )
        for n, micro in enumerate((0, 500000, 123, 0, 999999))
    ]
    # when: two pages
    first = coach_client.get(f"/leads/people/{own_lead.client_id}/timeline", {"pageSize": 3}).json()
    second = coach_client.get(f"/leads/people/{own_lead.client_id}/timeline", {"pageSize": 3, "page": 2}).json()
    # then
    assert first["count"] == second["count"] == 5
    assert [row["occurredAt"] for row in first["results"] + second["results"]] == [
        "2026-05-01T09:00:00Z",
        "2026-05-01T09:00:01.500000Z",
        "2026-05-01T09:00:02.000123Z",
        "2026-05-01T09:00:03Z",
        "2026-05-01T09:00:04.999999Z",
    ]
    assert first["results"][0] == {
        "id": str(entries[0].id),
        "kind": "note_added",
        "occurredAt": "2026-05-01T09:00:00Z",
        "summary": "Touch 0 ✓",
        "data": data,
    }
    assert list(second["results"][1]["data"]) == list(TimelineEntry.objects.get(pk=entries[4].pk).data)
    assert second["next"] is None
    assert first["next"].endswith("page=2&pageSize=3")


def test_a_page_past_the_end_is_not_found(coach_client, coach_id, own_lead):
    TimelineEntryFactory(coach_id=coach_id, client_id=own_lead.client_id)
    response = coach_client.get(f"/leads/people/{own_lead.client_id}/timeline", {"page": 2})
    assert response.status_code == 404


def test_a_person_with_no_touches_has_an_empty_timeline(coach_client, own_lead):
    response = coach_client.get(f"/leads/people/{own_lead.client_id}/timeline")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_page_built_by_the_database_is_the_one_python_builds(coach_id, own_lead):
    at = dt.datetime(1999, 12, 31, 23, 59, 59, 10, tzinfo=dt.UTC)
    for n in range(4):
        TimelineEntryFactory(
            coach_id=coach_id,
            client_id=own_lead.client_id,
            occurred_at=at + dt.timedelta(hours=n * 7, microseconds=n * 250000),
            data={"n": n, "text": "ü\t<b>", "when": None},
        )
    pages = selectors.TimelinePages(coach_id=coach_id, client_id=own_lead.client_id)
    rows = pages.rows.values(*selectors.TIMELINE_FIELDS)
    assert pages[1:4] == [selectors._timeline_entry(row) for row in rows[1:4]]
    assert json.dumps(pages[0:4]) == json.dumps([selectors._timeline_entry(row) for row in rows])
