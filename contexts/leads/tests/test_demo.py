"""The development demo data (seed_demo): a landing form, leads, a booking, a converted client."""

import uuid
from io import StringIO

import pytest

from contexts.leads import demo
from contexts.leads.models import Booking, Client, Lead, LeadForm, TimelineEntry
from nlc.clients import client_id_for

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def demo_coach_known(envelope, deliver_event):
    coach_id = uuid.uuid4()
    deliver_event(
        "leads",
        envelope(
            "auth.user.created",
            {
                "userId": str(coach_id),
                "email": demo.DEMO_COACH_EMAIL,
                "firstName": "Demo",
                "lastName": "Coach",
                "role": "coach",
                "coachId": str(coach_id),
                "createdAt": "2026-01-01T00:00:00Z",
                "signupMethod": "password",
            },
        ),
    )
    return coach_id


def test_the_demo_seeds_once_and_the_clients_timeline_reads_end_to_end(demo_coach_known, principal_client):
    # when it runs twice
    out = StringIO()
    demo.seed(stdout=out)
    demo.seed(stdout=out)
    # then one form, four leads (one booked, one contacted, one client), one booking, one client
    assert LeadForm.objects.filter(coach_id=demo_coach_known).count() == 1
    assert sorted(Lead.objects.values_list("status", flat=True)) == ["booked", "client", "contacted", "new"]
    assert Booking.objects.count() == 1
    client = Client.objects.get()
    assert (client.email, client.total_paid) == (demo.DEMO_CLIENT[0], 4900)
    assert "demo leads exist" in out.getvalue()
    # and the client's timeline reads through the API, from the form to the conversion
    coach = principal_client(role="coach", user_id=demo_coach_known)
    person = client_id_for(coach_id=demo_coach_known, email=demo.DEMO_CLIENT[0])
    timeline = coach.get(f"/leads/people/{person}/timeline").json()
    assert [row["kind"] for row in timeline["results"]] == ["form_submitted", "payment_completed", "status_changed"]
    assert TimelineEntry.objects.filter(kind="booking_made").count() == 1


def test_without_the_demo_coach_it_says_so(capsys):
    out = StringIO()
    demo.seed(stdout=out)
    assert "no copy of the demo coach" in out.getvalue()
    assert not Lead.objects.exists()
