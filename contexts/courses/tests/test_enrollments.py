"""Enrollments: from a purchase (billing.payment.completed), by the coach's hand, revoked on a refund
and by the coach (the link stops working at once), given access again, links renewed."""

import uuid

import pytest

from contexts.courses.models import Enrollment, EnrollmentSource, EnrollmentStatus, LessonKind
from contexts.courses.tests.conftest import (
    build_course,
    grant,
    learner_client_for,
    payment_completed_payload,
    payment_refunded_payload,
)
from nlc.clients import client_id_for
from nlc.events import DeadLetterError
from nlc.events.models import InboxEntry
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID, OTHER_COACH_ID

pytestmark = pytest.mark.django_db(databases=["courses"])


@pytest.fixture
def receive(envelope, deliver_event):
    """``receive(event_type, payload)``: apply an event to courses as the consumer does (handler + inbox
    row, one transaction); returns how many handlers applied it."""
    return lambda event_type, payload: deliver_event("courses", envelope(event_type, payload))


def _created_events() -> list[dict]:
    return published_events(context="courses", event_type="courses.enrollment.created")


def test_a_course_purchase_enrolls_the_buyer_once_per_payment_and_per_client(envelope, deliver_event, receive):
    course = build_course().course
    payment = payment_completed_payload(course_id=course.id, email="Bea@Example.com ")
    # when the payment arrives, then again as another event (billing published it twice)
    event = envelope("billing.payment.completed", payment)
    assert deliver_event("courses", event) == 1
    assert deliver_event("courses", event) == 0  # the same event redelivered: the inbox skips it
    receive("billing.payment.completed", payment)
    # and a second payment of the same client for the same course
    receive("billing.payment.completed", payment_completed_payload(course_id=course.id, email="bea@example.com"))
    # then there is exactly one enrollment, of the first payment
    enrollment = Enrollment.objects.get()
    assert (
        enrollment.client_id,
        enrollment.client_email,
        enrollment.client_name,
        enrollment.source,
        enrollment.status,
        str(enrollment.transaction_id),
    ) == (
        client_id_for(coach_id=COACH_ID, email="bea@example.com"),
        "bea@example.com",
        "Bea Buyer",
        EnrollmentSource.PURCHASE,
        EnrollmentStatus.ACTIVE,
        payment["transactionId"],
    )
    assert len(_created_events()) == 1
    assert InboxEntry.objects.using("courses").count() == 3


def test_payments_that_are_not_course_purchases_enroll_nobody(receive):
    course = build_course().course
    receive("billing.payment.completed", payment_completed_payload(course_id=course.id, kind="other"))
    subscription = payment_completed_payload(course_id=course.id, kind="subscription")
    subscription.update(planId=str(uuid.uuid4()), subscriptionId=str(uuid.uuid4()), clientId=None, clientEmail=None)
    receive("billing.payment.completed", subscription)
    assert Enrollment.objects.count() == 0
    assert _created_events() == []


def test_a_purchase_of_another_coachs_course_is_dead_lettered_at_once(receive):
    course = build_course(coach_id=OTHER_COACH_ID).course
    with pytest.raises(DeadLetterError, match="does not exist"):
        receive("billing.payment.completed", payment_completed_payload(course_id=course.id, coach_id=COACH_ID))
    assert Enrollment.objects.count() == 0
    assert InboxEntry.objects.using("courses").count() == 0


def test_a_full_refund_revokes_and_the_link_stops_at_once(receive):
    course = build_course().course
    payment = payment_completed_payload(course_id=course.id)
    receive("billing.payment.completed", payment)
    enrollment = Enrollment.objects.select_related("course").get()
    learner = learner_client_for(enrollment)
    assert learner.get("/courses/learn/outline").status_code == 200
    # a partial refund changes nothing
    receive(
        "billing.payment.refunded",
        payment_refunded_payload(transaction_id=payment["transactionId"], course_id=course.id, full=False),
    )
    assert learner.get("/courses/learn/outline").status_code == 200
    # when the payment is refunded in full
    receive(
        "billing.payment.refunded",
        payment_refunded_payload(transaction_id=payment["transactionId"], course_id=course.id),
    )
    # then the link is refused on the very next request
    refused = learner.get("/courses/learn/outline")
    assert (refused.status_code, refused.json()["code"]) == (403, "enrollment_revoked")
    lesson_id = course.lessons.get().id
    assert learner.post(f"/courses/learn/lessons/{lesson_id}/progress", {"completed": True}).status_code == 403
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.revoked_reason) == (EnrollmentStatus.REVOKED, "refund")


def test_a_refund_of_a_duplicate_payment_leaves_the_enrollment_alone(receive):
    course = build_course().course
    first = payment_completed_payload(course_id=course.id)
    duplicate = payment_completed_payload(course_id=course.id)
    receive("billing.payment.completed", first)
    receive("billing.payment.completed", duplicate)
    receive(
        "billing.payment.refunded",
        payment_refunded_payload(transaction_id=duplicate["transactionId"], course_id=course.id),
    )
    assert Enrollment.objects.get().status == EnrollmentStatus.ACTIVE


def test_buying_again_after_a_refund_gives_access_again_with_a_new_link_and_the_progress_kept(receive):
    built = build_course(modules=[("M", {}, [("A", LessonKind.TEXT, {}), ("B", LessonKind.TEXT, {})])])
    course = built.course
    first = payment_completed_payload(course_id=course.id)
    receive("billing.payment.completed", first)
    enrollment = Enrollment.objects.select_related("course").get()
    old_link = learner_client_for(enrollment)
    old_link.post(f"/courses/learn/lessons/{built.lessons['A'].id}/progress", {"completed": True})
    receive(
        "billing.payment.refunded", payment_refunded_payload(transaction_id=first["transactionId"], course_id=course.id)
    )
    # when the client buys again
    second = payment_completed_payload(course_id=course.id)
    receive("billing.payment.completed", second)
    # then the same enrollment is active again, on the new payment, with a new link and its progress
    enrollment = Enrollment.objects.select_related("course").get()
    assert (enrollment.status, str(enrollment.transaction_id), enrollment.progress_percent) == (
        EnrollmentStatus.ACTIVE,
        second["transactionId"],
        50,
    )
    assert old_link.get("/courses/learn/outline").status_code == 401
    assert learner_client_for(enrollment).get("/courses/learn/outline").json()["enrollment"]["progressPercent"] == 50
    first_event, second_event = _created_events()
    assert first_event["payload"]["enrollmentId"] == second_event["payload"]["enrollmentId"]
    assert first_event["payload"]["accessUrl"] != second_event["payload"]["accessUrl"]
    # a late copy of the refunded payment's event changes nothing
    receive("billing.payment.completed", first)
    assert str(Enrollment.objects.get().transaction_id) == second["transactionId"]


def test_the_coach_grants_by_hand_idempotently(coach_client):
    course = build_course().course
    first = coach_client.post(f"/courses/courses/{course.id}/enrollments", {"email": "Lee@Example.com", "name": "Lee"})
    again = coach_client.post(f"/courses/courses/{course.id}/enrollments", {"email": "lee@example.com"})
    assert (first.status_code, again.status_code) == (201, 200)
    body = first.json()
    assert (body["clientEmail"], body["source"], body["status"], body["transactionId"]) == (
        "lee@example.com",
        "manual",
        "active",
        None,
    )
    assert body["clientId"] == str(client_id_for(coach_id=COACH_ID, email="lee@example.com"))
    assert body["accessUrl"].startswith("https://learn.nextlevelcoach.ai/access/")
    assert again.json()["id"] == body["id"]
    assert Enrollment.objects.count() == 1
    assert len(_created_events()) == 1


def test_the_coach_revokes_and_grants_again(coach_client):
    course = build_course().course
    enrollment = grant(course)
    learner = learner_client_for(enrollment)
    revoked = coach_client.post(f"/courses/enrollments/{enrollment.id}/revoke").json()
    assert (revoked["status"], revoked["revokedReason"], revoked["accessUrl"]) == ("revoked", "coach", None)
    assert learner.get("/courses/learn/outline").json()["code"] == "enrollment_revoked"
    # revoking twice changes nothing
    assert coach_client.post(f"/courses/enrollments/{enrollment.id}/revoke").json()["revokedAt"] == revoked["revokedAt"]
    regranted = coach_client.post(f"/courses/courses/{course.id}/enrollments", {"email": "lee@example.com"})
    assert (regranted.status_code, regranted.json()["status"], regranted.json()["id"]) == (
        201,
        "active",
        str(enrollment.id),
    )
    # the old link stays dead; the new one works
    assert learner.get("/courses/learn/outline").status_code == 401
    assert (
        learner_client_for(Enrollment.objects.select_related("course").get()).get("/courses/learn/outline").status_code
        == 200
    )


def test_renewing_a_link_kills_the_old_one(coach_client):
    enrollment = grant(build_course().course)
    old = learner_client_for(enrollment)
    detail = coach_client.get(f"/courses/enrollments/{enrollment.id}").json()
    renewed = coach_client.post(f"/courses/enrollments/{enrollment.id}/access-link").json()
    assert renewed["accessUrl"] != detail["accessUrl"]
    assert old.get("/courses/learn/outline").status_code == 401
    assert (
        learner_client_for(Enrollment.objects.select_related("course").get()).get("/courses/learn/outline").status_code
        == 200
    )


def test_the_coach_reads_each_learners_progress(coach_client):
    built = build_course(modules=[("M", {}, [("A", LessonKind.TEXT, {}), ("B", LessonKind.TEXT, {})])])
    done, fresh = grant(built.course, email="done@example.com"), grant(built.course, email="fresh@example.com")
    learner_client_for(done).post(f"/courses/learn/lessons/{built.lessons['A'].id}/progress", {"completed": True})
    listed = coach_client.get(f"/courses/courses/{built.course.id}/enrollments").json()
    assert listed["count"] == 2
    assert {row["clientEmail"]: row["progressPercent"] for row in listed["results"]} == {
        "done@example.com": 50,
        "fresh@example.com": 0,
    }
    filtered = coach_client.get(f"/courses/courses/{built.course.id}/enrollments", {"search": "fresh"}).json()
    assert [row["id"] for row in filtered["results"]] == [str(fresh.id)]
    detail = coach_client.get(f"/courses/enrollments/{done.id}").json()
    assert [(lesson["title"], lesson["completed"], lesson["progressPercent"]) for lesson in detail["lessons"]] == [
        ("A", True, 100),
        ("B", False, 0),
    ]
