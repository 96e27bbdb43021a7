"""Reads cost a fixed number of queries, all on the leads alias: a page of 100 costs what a page
of 1 costs; a timeline page of 200 what a page of 1 costs."""

import datetime as dt

import factory
import pytest

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
