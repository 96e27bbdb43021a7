"""A person exported (everything leads holds) and erased (rows gone, every context told)."""

import uuid

import pytest

from contexts.leads.models import Booking, Client, ClientPayment, Lead, LeadNote, LeadStat, TimelineEntry
from contexts.leads.tests.factories import ClientFactory, LeadFactory, TimelineEntryFactory
from nlc.events.testing import published_events
from nlc.testing.principals import ADMIN_ID, COACH_ID

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def person(coach_client, own_lead, coach_id):
    coach_client.post(f"/leads/leads/{own_lead.id}/notes", {"body": "Met at the gym"}, format="json")
    client = ClientFactory(coach_id=coach_id, email=own_lead.email, client_id=own_lead.client_id, lead=own_lead)
    ClientPayment.objects.create(
        client=client,
        transaction_id=uuid.uuid4(),
        kind="course_purchase",
        amount=4900,
        currency="USD",
        paid_at=client.first_paid_at,
    )
    LeadStat.objects.create(coach_id=coach_id, day=client.first_paid_at.date(), conversions=1)
    return own_lead


def test_the_export_holds_everything_about_the_person(coach_client, person):
    response = coach_client.get(f"/leads/people/{person.client_id}")
    assert response.status_code == 200
    body = response.json()
    assert (body["clientId"], body["coachId"]) == (str(person.client_id), str(person.coach_id))
    (lead,) = body["data"]["leads"]
    assert (lead["email"], lead["name"], [note["body"] for note in lead["notes"]]) == (
        "ann@example.com",
        "Ann Lee",
        ["Met at the gym"],
    )
    (client,) = body["data"]["clients"]
    assert [(payment["amount"], payment["currency"]) for payment in client["payments"]] == [(4900, "USD")]
    assert [entry["kind"] for entry in body["data"]["timeline"]] == ["note_added"]


def test_erasure_removes_the_person_and_publishes_the_event(coach_client, person, coach_id, other_coach_id):
    # given another person of the coach, and the same e-mail with another coach
    bystander = LeadFactory(coach_id=coach_id, email="keep@example.com")
    elsewhere = LeadFactory(coach_id=other_coach_id, email="ann@example.com")
    TimelineEntryFactory(coach_id=coach_id, client_id=bystander.client_id)
    # when
    response = coach_client.delete(f"/leads/people/{person.client_id}")
    # then nothing of the person is left, the others are untouched
    assert response.status_code == 204
    assert not Lead.objects.filter(client_id=person.client_id).exists()
    assert not Client.objects.exists()
    assert not ClientPayment.objects.exists()
    assert not LeadNote.objects.exists()
    assert not Booking.objects.exists()
    assert not TimelineEntry.objects.filter(client_id=person.client_id).exists()
    assert set(Lead.objects.values_list("id", flat=True)) == {bystander.id, elsewhere.id}
    assert TimelineEntry.objects.filter(client_id=bystander.client_id).count() == 1
    assert LeadStat.objects.get().conversions == 1  # counts name nobody
    (erased,) = published_events(context="leads", event_type="leads.client.erased")
    assert erased["payload"] == {
        "clientId": str(person.client_id),
        "coachId": str(coach_id),
        "requestedByUserId": str(COACH_ID),
        "requestedByRole": "coach",
        "erasedAt": erased["payload"]["erasedAt"],
    }
    # and the person is now unknown
    assert coach_client.get(f"/leads/people/{person.client_id}").status_code == 404


def test_an_admin_erases_for_a_coach(admin_client, person, coach_id):
    response = admin_client.delete(f"/leads/people/{person.client_id}", QUERY_STRING=f"coachId={coach_id}")
    assert response.status_code == 204
    assert not Lead.objects.exists()
    (erased,) = published_events(context="leads", event_type="leads.client.erased")
    assert (erased["payload"]["requestedByRole"], erased["payload"]["requestedByUserId"]) == ("admin", str(ADMIN_ID))
