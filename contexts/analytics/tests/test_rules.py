"""The pure arithmetic: monthly amounts, MRR movements, health parts, buckets."""

from __future__ import annotations

import datetime as dt
import uuid

from contexts.analytics.rules import (
    ClientFacts,
    EnrollmentState,
    buckets,
    health_parts,
    health_score,
    monthly_amount,
    mrr_movement,
    previous_period,
)


def test_a_yearly_price_counts_a_twelfth_a_month():
    assert (monthly_amount(49000, "year"), monthly_amount(4900, "month"), monthly_amount(100, "year")) == (
        4083,
        4900,
        8,
    )


def test_mrr_movements():
    assert mrr_movement(0, 4900) == ("mrrNewAmount", 4900)
    assert mrr_movement(4900, 9900) == ("mrrExpansionAmount", 5000)
    assert mrr_movement(9900, 7900) == ("mrrContractionAmount", 2000)
    assert mrr_movement(7900, 0) == ("mrrChurnAmount", 7900)
    assert mrr_movement(7900, 7900) is None


def test_health_of_an_engaged_paying_learner_on_pace():
    coach, client = uuid.uuid4(), uuid.uuid4()
    facts = ClientFacts(
        coach_id=coach,
        client_id=client,
        last_active_at=dt.datetime(2026, 3, 10, tzinfo=dt.UTC),
        emails_sent=4,
        emails_opened=2,
        emails_clicked=1,
        payment_state="paid",
    )
    enrollment = EnrollmentState(
        enrollment_id=uuid.uuid4(),
        coach_id=coach,
        course_id=uuid.uuid4(),
        client_id=client,
        enrolled_at=dt.datetime(2026, 2, 26, tzinfo=dt.UTC),
        progress_percent=50,
    )
    parts = health_parts(facts, [enrollment], today=dt.date(2026, 3, 13))
    assert [(part.name, part.points) for part in parts] == [
        ("recentActivity", 30),
        ("progressPace", 30),
        ("emailEngagement", 9),
        ("paymentState", 20),
    ]
    assert parts[1].fact == "1 enrollment(s), 50% average progress, 100% of a 30-day pace"
    assert health_score(parts) == 89


def test_buckets_and_the_previous_period():
    assert buckets(dt.date(2026, 2, 25), dt.date(2026, 3, 3), "week") == [
        (dt.date(2026, 2, 25), dt.date(2026, 3, 1)),
        (dt.date(2026, 3, 2), dt.date(2026, 3, 3)),
    ]
    assert buckets(dt.date(2026, 1, 30), dt.date(2026, 3, 1), "month") == [
        (dt.date(2026, 1, 30), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 1)),
    ]
    assert previous_period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == (dt.date(2026, 1, 29), dt.date(2026, 2, 28))
