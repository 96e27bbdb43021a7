"""Reads cost a fixed number of queries, all on the analytics alias: a page of 100 costs what a page
of 1 costs, a year of days what a day costs."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from contexts.analytics.models import DayMetric, Enrollment
from contexts.analytics.tests.factories import ClientHealthFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize("size", [1, 100])
def test_client_health_list(coach_client, coach_id, context_queries, size):
    # given clients, each with an enrollment
    for row in ClientHealthFactory.create_batch(size, coach_id=coach_id):
        Enrollment.objects.create(
            enrollment_id=uuid.uuid4(), coach_id=coach_id, course_id=uuid.uuid4(), client_id=row.client_id
        )
    # when: the count, the page and the page's enrollments
    with context_queries("analytics", at_most=3):
        response = coach_client.get("/analytics/clients", {"pageSize": 100})
    # then
    assert response.status_code == 200
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [1, 100])
def test_course_progress_list(coach_client, coach_id, context_queries, size):
    for _ in range(size):
        Enrollment.objects.create(
            enrollment_id=uuid.uuid4(), coach_id=coach_id, course_id=uuid.uuid4(), client_id=uuid.uuid4()
        )
    with context_queries("analytics", at_most=2):
        response = coach_client.get("/analytics/courses", {"pageSize": 100})
    assert response.status_code == 200
    assert response.json()["count"] == size


@pytest.mark.parametrize("days", [1, 366])
def test_kpis_over_any_range(coach_client, coach_id, context_queries, days):
    # given a counter on every day
    start = dt.date(2025, 3, 1)
    DayMetric.objects.bulk_create(
        DayMetric(
            scope="coach",
            coach_id=coach_id,
            day=start + dt.timedelta(days=n),
            metric="newLeads",
            dimension="manual",
            value=1,
        )
        for n in range(days)
    )
    end = start + dt.timedelta(days=days - 1)
    # when: the counters, the active learners of every bucket, the coach's time zone
    with context_queries("analytics", at_most=3):
        response = coach_client.get("/analytics/kpis", {"dateFrom": start, "dateTo": end, "bucket": "day"})
    # then
    assert response.status_code == 200
    assert response.json()["totals"]["newLeads"] == days


@pytest.mark.parametrize("days", [1, 366])
def test_platform_over_any_range(admin_client, context_queries, days):
    start = dt.date(2025, 3, 1)
    DayMetric.objects.bulk_create(
        DayMetric(
            scope="platform", coach_id=uuid.uuid4(), day=start + dt.timedelta(days=n), metric="coachesNew", value=1
        )
        for n in range(days)
    )
    end = start + dt.timedelta(days=days - 1)
    with context_queries("analytics", at_most=3):
        response = admin_client.get("/analytics/platform", {"dateFrom": start, "dateTo": end, "bucket": "week"})
    assert response.status_code == 200
    assert response.json()["totals"]["coachesNew"] == days


def test_one_client(coach_client, coach_id, context_queries):
    row = ClientHealthFactory(coach_id=coach_id)
    with context_queries("analytics", at_most=2):
        response = coach_client.get(f"/analytics/clients/{row.client_id}")
    assert response.status_code == 200
