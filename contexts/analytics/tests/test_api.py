"""Who sees what through the analytics API, and what bad input gets."""

from __future__ import annotations

import uuid

import pytest

from contexts.analytics.tests import factories as make

pytestmark = pytest.mark.django_db(databases="__all__")
DAY = {"dateFrom": "2026-03-02", "dateTo": "2026-03-02"}


@pytest.fixture
def two_coaches(feed, coach_id, other_coach_id):
    """A sale, a learner two lessons in and a client of each coach (the other's twice as big)."""
    courses = {}
    for coach, amount in ((coach_id, 1000), (other_coach_id, 2000)):
        enrollment_id, course_id, client_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        courses[coach] = (course_id, client_id)
        feed(
            "billing.payment.completed", make.payment(coach, "2026-03-02T10:00:00Z", amount=amount, client_id=client_id)
        )
        feed(
            "courses.enrollment.created",
            make.enrollment(
                coach, "2026-03-02T10:00:00Z", enrollment_id=enrollment_id, course_id=course_id, client_id=client_id
            ),
        )
        for done in (1, 2):
            feed(
                "courses.progress.updated",
                make.progress(
                    coach,
                    f"2026-03-0{2 + done}T10:00:00Z",
                    enrollment_id=enrollment_id,
                    course_id=course_id,
                    client_id=client_id,
                    lesson_id=uuid.uuid5(course_id, str(done)),
                    done=done,
                ),
            )
        # a playback report of a third lesson: progress, not a completion (no drop-off row)
        feed(
            "courses.progress.updated",
            make.progress(
                coach,
                "2026-03-05T10:00:00Z",
                enrollment_id=enrollment_id,
                course_id=course_id,
                client_id=client_id,
                lesson_id=uuid.uuid5(course_id, "3"),
                done=2,
                asset_id=uuid.uuid4(),
                play_started=True,
                lesson_completed=False,
            ),
        )
    return courses


def test_kpis_are_the_callers_own_and_an_admin_picks(
    coach_client, other_coach_client, admin_client, two_coaches, coach_id
):
    def gross(client, **extra):
        body = client.get("/analytics/kpis", {**DAY, **extra}).json()
        return [row["gross"] for row in body["totals"]["revenue"]]

    assert gross(coach_client) == [1000]
    assert gross(other_coach_client) == [2000]
    assert gross(coach_client, coachId=str(uuid.uuid4())) == [1000]  # a coach cannot look elsewhere
    assert gross(admin_client) == [3000]
    assert gross(admin_client, coachId=str(coach_id)) == [1000]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"dateFrom": "2026-03-05", "dateTo": "2026-03-01"}, "dateTo", "must not be before dateFrom"),
        ({"dateFrom": "2025-01-01", "dateTo": "2026-03-01"}, "dateTo", "the range may cover at most 400 days"),
        (
            {"dateFrom": "2026-03-01", "dateTo": "2026-03-02", "bucket": "year"},
            "bucket",
            '"year" is not a valid choice.',
        ),
        ({"dateFrom": "yesterday", "dateTo": "2026-03-02"}, "dateFrom", None),
        ({"dateTo": "2026-03-02"}, "dateFrom", "This field is required."),
    ],
)
def test_a_bad_range_or_bucket_is_a_400_naming_the_field(coach_client, admin_client, params, field, message):
    for client, url in (
        (coach_client, "/analytics/kpis"),
        (coach_client, "/analytics/kpis/export"),
        (admin_client, "/analytics/platform"),
    ):
        response = client.get(url, params)
        assert response.status_code == 400, url
        assert list(response.json()["fieldErrors"]) == [field]
        if message:
            assert response.json()["fieldErrors"][field] == [message]


def test_the_csv_export_is_the_callers_own_and_quotes_formulas(coach_client, two_coaches):
    # when
    response = coach_client.get("/analytics/kpis/export", {"dateFrom": "2026-03-02", "dateTo": "2026-03-03"})
    # then a day per row, the refund-free net as it is
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("start,end,currency,revenueGross,refunds,revenueNet,courseSales,newLeads")
    assert lines[1].startswith("2026-03-02,2026-03-02,USD,1000,0,1000,1,0,")
    assert lines[2].startswith("2026-03-03,2026-03-03,,0,0,0,0,0,")
    assert len(lines) == 3


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted():
    from contexts.analytics.rules import csv_cell_escape

    assert [csv_cell_escape(value) for value in ("=SUM(A1)", "+1", "-2", "@x", "USD")] == [
        "'=SUM(A1)",
        "'+1",
        "'-2",
        "'@x",
        "USD",
    ]


def test_course_progress_and_dropoff_are_the_callers_own(
    coach_client, other_coach_client, admin_client, two_coaches, coach_id
):
    course_id, _ = two_coaches[coach_id]
    # when
    mine = coach_client.get("/analytics/courses").json()
    dropoff = coach_client.get(f"/analytics/courses/{course_id}/dropoff")
    # then
    assert mine["results"] == [
        {
            "coachId": str(coach_id),
            "courseId": str(course_id),
            "enrollments": 1,
            "completions": 0,
            "averageProgress": 50.0,
        }
    ]
    assert dropoff.status_code == 200
    assert dropoff.json() == {
        "courseId": str(course_id),
        "enrollments": 1,
        "lessons": [
            {"lessonId": str(uuid.uuid5(course_id, "1")), "position": 1, "learners": 1, "dropOff": 0},
            {"lessonId": str(uuid.uuid5(course_id, "2")), "position": 2, "learners": 1, "dropOff": 0},
        ],
    }
    assert other_coach_client.get(f"/analytics/courses/{course_id}/dropoff").status_code == 404
    assert other_coach_client.get(f"/analytics/courses/{course_id}/dropoff").json()["code"] == "course_not_found"
    assert admin_client.get(f"/analytics/courses/{course_id}/dropoff").status_code == 200
    assert admin_client.get("/analytics/courses").json()["count"] == 2


def test_client_health_is_explained_and_the_callers_own(
    coach_client, other_coach_client, admin_client, two_coaches, coach_id
):
    _, client_id = two_coaches[coach_id]
    # when
    listed = coach_client.get("/analytics/clients").json()
    one = coach_client.get(f"/analytics/clients/{client_id}")
    # then
    assert listed["count"] == 1
    assert one.status_code == 200
    body = one.json()
    assert listed["results"] == [body]
    assert (body["coachId"], body["clientId"]) == (str(coach_id), str(client_id))
    assert [(part["name"], part["maxPoints"]) for part in body["parts"]] == [
        ("recentActivity", 30),
        ("progressPace", 30),
        ("emailEngagement", 20),
        ("paymentState", 20),
    ]
    assert body["parts"][2] == {"name": "emailEngagement", "points": 10, "maxPoints": 20, "fact": "no e-mails sent yet"}
    assert body["parts"][3] == {"name": "paymentState", "points": 20, "maxPoints": 20, "fact": "last payment succeeded"}
    assert body["score"] == sum(part["points"] for part in body["parts"])
    assert other_coach_client.get(f"/analytics/clients/{client_id}").status_code == 404
    assert admin_client.get(f"/analytics/clients/{client_id}", {"coachId": str(coach_id)}).status_code == 200
    assert admin_client.get("/analytics/clients").json()["count"] == 2


def test_without_a_token_nothing_is_read(api_client):
    for url in ("/analytics/kpis", "/analytics/courses", "/analytics/clients", "/analytics/platform"):
        assert api_client.get(url, DAY).status_code == 401, url
