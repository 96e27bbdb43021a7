"""Reads cost a fixed number of queries, all on the leads alias: a page of 100 costs what a page
of 1 costs; a timeline page of 200 what a page of 1 costs."""

import datetime as dt
import uuid

import factory
import pytest

from contexts.leads.models import ClientEnrollment, LeadNote
from contexts.leads.tests.factories import ClientFactory, LeadFactory, LeadFormFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize("size", [1, 100])
@pytest.mark.parametrize(
    ("url", "factory"),
    [("/leads/leads", LeadFactory), ("/leads/forms", LeadFormFactory), ("/leads/clients", ClientFactory)],
)
def test_the_lists(coach_client, coach_id, context_queries, size, url, factory):
    # given
    factory.create_batch(size, coach_id=coach_id)
    # when: the count and the page
    with context_queries("leads", at_most=2):
        response = coach_client.get(url, {"pageSize": 100})
    # then
    assert response.status_code == 200
    assert response.json()["count"] == size


def test_one_lead(coach_client, own_lead, context_queries):
    with context_queries("leads", at_most=1):
        response = coach_client.get(f"/leads/leads/{own_lead.id}")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 100])
def test_a_leads_notes(coach_client, coach_id, own_lead, context_queries, size):
    LeadNote.objects.bulk_create(LeadNote(lead=own_lead, body=f"Note {n}") for n in range(size))
    # when: the lead, the count and the page
    with context_queries("leads", at_most=3):
        response = coach_client.get(f"/leads/leads/{own_lead.id}/notes", {"pageSize": 100})
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [1, 100])
def test_a_clients_detail_with_its_enrollments(coach_client, own_client, context_queries, size):
    ClientEnrollment.objects.bulk_create(
        ClientEnrollment(
            coach_id=own_client.coach_id,
            client_id=own_client.client_id,
            enrollment_id=uuid.uuid4(),
            course_id=uuid.uuid4(),
            course_title=f"Course {n}",
            enrolled_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
        for n in range(size)
    )
    # when: the client and its enrollments
    with context_queries("leads", at_most=2):
        response = coach_client.get(f"/leads/clients/{own_client.id}")
    assert len(response.json()["enrollments"]) == size


@pytest.mark.parametrize("size", [1, 200])
def test_a_timeline_page(coach_client, coach_id, own_lead, context_queries, size):
    # given
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    TimelineEntryFactory.create_batch(
        size,
        coach_id=coach_id,
        client_id=own_lead.client_id,
        occurred_at=factory_moments(start),
    )
    # when: whose person it is, the count and the page
    with context_queries("leads", at_most=3):
        response = coach_client.get(f"/leads/people/{own_lead.client_id}/timeline", {"pageSize": 200})
    # then
    assert response.status_code == 200
    assert response.json()["count"] == size
    assert len(response.json()["results"]) == size


def factory_moments(start):
    return factory.Sequence(lambda n: start + dt.timedelta(minutes=n))
