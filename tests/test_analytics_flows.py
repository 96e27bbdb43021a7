"""Analytics over the real bus (PostgreSQL and RabbitMQ): a course sale billing publishes ends in the
coach's KPIs, with the day's snapshot announced once."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from nlc.db.router import alias_for_context
from nlc.events import publish


def _sale(coach_id: uuid.UUID, amount: int) -> dict:
    with transaction.atomic(using=alias_for_context("billing")):
        return publish(
            "billing.payment.completed",
            {
                "transactionId": str(uuid.uuid4()),
                "coachId": str(coach_id),
                "planId": None,
                "subscriptionId": None,
                "paymentLinkId": str(uuid.uuid4()),
                "courseId": str(uuid.uuid4()),
                "clientId": str(uuid.uuid4()),
                "clientEmail": "buyer@example.com",
                "clientName": "Bea Buyer",
                "kind": "course_purchase",
                "amount": amount,
                "currency": "EUR",
                "externalPaymentId": f"pi_{uuid.uuid4().hex[:12]}",
                "status": "completed",
                "paidAt": timezone.now().isoformat(),
            },
        )


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_payment_billing_publishes_ends_in_the_coachs_kpis(settings, event_bus, principal_client):
    assert settings.BROKER_URL, "this test runs over RabbitMQ (scripts/test sets BROKER_URL)"
    settings.ANALYTICS_SNAPSHOT_DELAY_SECONDS = 0  # each consumer transaction announces its days
    settings.ANALYTICS_FOLD_IN_THREAD = False  # folded before the consumer takes the next batch
    # given a coach who sells two courses, and another coach
    coach_id, other_id = uuid.uuid4(), uuid.uuid4()
    coach = principal_client(role="coach", user_id=coach_id, email="coach@example.com")
    other = principal_client(role="coach", user_id=other_id, email="other@example.com")
    # when billing publishes the two payments and the bus settles
    _sale(coach_id, 4900)
    _sale(coach_id, 2500)
    event_bus.settle()
    # then the coach's day holds both, and the other coach's nothing
    today = timezone.now().date().isoformat()
    body = coach.get("/analytics/kpis", {"dateFrom": today, "dateTo": today}).json()
    assert body["totals"]["revenue"] == [
        {"currency": "EUR", "gross": 7400, "refunds": 0, "net": 7400, "courseSales": 7400}
    ]
    assert (body["totals"]["courseSales"], body["totals"]["payments"]) == (2, 2)
    assert other.get("/analytics/kpis", {"dateFrom": today, "dateTo": today}).json()["totals"]["revenue"] == []
    # and the day's snapshot travelled, with the totals of the day
    snapshots = event_bus.events("analytics.snapshot.updated", coachId=str(coach_id), date=today)
    assert snapshots
    assert snapshots[-1]["payload"]["metrics"]["revenueGrossAmount"] == 7400
    assert snapshots[-1]["payload"]["currency"] == "EUR"
