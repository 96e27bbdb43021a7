"""A scripted week of one coach's events (Monday 2 to Sunday 8 March 2026), at moments close to
midnight so that a coach in New York and one in UTC count some of them on different days."""

from __future__ import annotations

import uuid

from contexts.analytics.tests import factories as make


def week_events(coach_id) -> list[tuple[str, dict]]:
    enrollment_id, course_id, client_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    return [
        ("billing.payment.completed", make.payment(coach_id, "2026-03-03T02:00:00Z", amount=10000, currency="USD")),
        (
            "billing.payment.completed",
            make.payment(coach_id, "2026-03-04T12:00:00Z", amount=5000, currency="EUR", kind="other"),
        ),
        ("billing.payment.refunded", make.refund(coach_id, "2026-03-05T03:30:00Z", amount=3000, currency="USD")),
        ("leads.lead.created", make.lead(coach_id, "2026-03-02T23:30:00Z", source="landing_page")),
        ("leads.lead.created", make.lead(coach_id, "2026-03-06T01:00:00Z", source="calendly")),
        ("leads.status.changed", make.status_changed(coach_id, "2026-03-06T10:00:00Z", to_status="booked")),
        ("leads.converted", make.converted(coach_id, "2026-03-06T11:00:00Z")),
        (
            "courses.enrollment.created",
            make.enrollment(
                coach_id, "2026-03-03T04:00:00Z", enrollment_id=enrollment_id, course_id=course_id, client_id=client_id
            ),
        ),
        (
            "courses.progress.updated",
            make.progress(
                coach_id,
                "2026-03-04T10:00:00Z",
                enrollment_id=enrollment_id,
                course_id=course_id,
                client_id=client_id,
                lesson_id=uuid.uuid4(),
                done=1,
            ),
        ),
        ("comms.email.sent", make.email("sent", coach_id, "2026-03-02T10:00:00Z", client_id=client_id)),
        ("comms.email.delivered", make.email("delivered", coach_id, "2026-03-02T10:01:00Z", client_id=client_id)),
        ("comms.email.opened", make.email("opened", coach_id, "2026-03-03T00:30:00Z", client_id=client_id)),
        ("comms.email.clicked", make.email("clicked", coach_id, "2026-03-03T00:31:00Z", client_id=client_id)),
        ("comms.email.failed", make.email("failed", coach_id, "2026-03-07T12:00:00Z")),
        ("comms.email.failed", make.email("failed", coach_id, "2026-03-07T13:00:00Z", severity="temporary")),
    ]


def nonzero(kpis: dict) -> dict:
    """A bucket of the API's answer with only what is not zero (revenue by currency kept whole)."""
    out = {}
    for key, value in kpis.items():
        if key in ("start", "end"):
            continue
        if isinstance(value, dict):
            value = {name: count for name, count in value.items() if count}
        if value not in (0, None, [], {}):
            out[key] = value
    return out


# What each day of the week holds: in UTC, and for a coach in New York (UTC-5 that week).
UTC_DAYS = {
    "2026-03-02": {"newLeads": 1, "newLeadsBySource": {"landing_page": 1}, "emails": {"sent": 1, "delivered": 1}},
    "2026-03-03": {
        "revenue": [{"currency": "USD", "gross": 10000, "refunds": 0, "net": 10000, "courseSales": 10000}],
        "payments": 1,
        "courseSales": 1,
        "enrollments": 1,
        "emails": {"opened": 1, "clicked": 1},
    },
    "2026-03-04": {
        "revenue": [{"currency": "EUR", "gross": 5000, "refunds": 0, "net": 5000, "courseSales": 0}],
        "payments": 1,
        "activeLearners7d": 1,
        "activeLearners28d": 1,
    },
    "2026-03-05": {
        "revenue": [{"currency": "USD", "gross": 0, "refunds": 3000, "net": -3000, "courseSales": 0}],
        "activeLearners7d": 1,
        "activeLearners28d": 1,
    },
    "2026-03-06": {
        "newLeads": 1,
        "newLeadsBySource": {"calendly": 1},
        "bookings": 1,
        "conversions": 1,
        "conversionRate": 1.0,
        "activeLearners7d": 1,
        "activeLearners28d": 1,
    },
    "2026-03-07": {"emails": {"bounced": 1}, "activeLearners7d": 1, "activeLearners28d": 1},
    "2026-03-08": {"activeLearners7d": 1, "activeLearners28d": 1},
}
NEW_YORK_DAYS = {
    "2026-03-02": {
        "revenue": [{"currency": "USD", "gross": 10000, "refunds": 0, "net": 10000, "courseSales": 10000}],
        "payments": 1,
        "courseSales": 1,
        "newLeads": 1,
        "newLeadsBySource": {"landing_page": 1},
        "enrollments": 1,
        "emails": {"sent": 1, "delivered": 1, "opened": 1, "clicked": 1},
    },
    "2026-03-03": {},
    "2026-03-04": {
        "revenue": [
            {"currency": "EUR", "gross": 5000, "refunds": 0, "net": 5000, "courseSales": 0},
            {"currency": "USD", "gross": 0, "refunds": 3000, "net": -3000, "courseSales": 0},
        ],
        "payments": 1,
        "activeLearners7d": 1,
        "activeLearners28d": 1,
    },
    "2026-03-05": {
        "newLeads": 1,
        "newLeadsBySource": {"calendly": 1},
        "activeLearners7d": 1,
        "activeLearners28d": 1,
    },
    "2026-03-06": {"bookings": 1, "conversions": 1, "activeLearners7d": 1, "activeLearners28d": 1},
    "2026-03-07": {"emails": {"bounced": 1}, "activeLearners7d": 1, "activeLearners28d": 1},
    "2026-03-08": {"activeLearners7d": 1, "activeLearners28d": 1},
}
WEEK_TOTALS = {
    "revenue": [
        {"currency": "EUR", "gross": 5000, "refunds": 0, "net": 5000, "courseSales": 0},
        {"currency": "USD", "gross": 10000, "refunds": 3000, "net": 7000, "courseSales": 10000},
    ],
    "payments": 2,
    "courseSales": 1,
    "newLeads": 2,
    "newLeadsBySource": {"calendly": 1, "landing_page": 1},
    "bookings": 1,
    "conversions": 1,
    "conversionRate": 0.5,
    "enrollments": 1,
    "activeLearners7d": 1,
    "activeLearners28d": 1,
    "emails": {"sent": 1, "delivered": 1, "opened": 1, "clicked": 1, "bounced": 1},
}
