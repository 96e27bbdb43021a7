"""Enrollments: from a purchase (billing.payment.completed), by the coach's hand, revoked on a refund
and by the coach (the link stops working at once), given access again, links renewed."""

import uuid

import pytest

from contexts.courses.models import Enrollment, EnrollmentSource, EnrollmentStatus, LessonKind
from contexts.courses.tests.conftest import (
    COACH_ID,
    OTHER_COACH_ID,
    build_course,
    envelope,
    grant,
    learner_api,
    payment_completed_payload,
    payment_refunded_payload,
)
from nlc.clients import client_id_for
from nlc.events.dispatch import DeadLetterError, dispatch
from nlc.events.models import InboxEntry
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["courses"])


def _deliver(event_type: str, payload: dict) -> int:
    """Apply an event to courses as the consumer does (handler + inbox row, one transaction)."""
    return dispatch("courses", envelope(event_type, payload))


def _created_events() -> list[dict]:
    return published_events(context="courses", event_type="courses.enrollment.created")


def test_a_course_purchase_enrolls_the_buyer_once_per_payment_and_per_client():
    course = build_course().course
    payment = payment_completed_payload(course_id=course.id, email="Bea@Example.com ")
    # when the payment arrives, then again as another event (billing published it twice)
    event = envelope("billing.payment.completed", payment)
    assert dispatch("courses", event) == 1
    assert dispatch("courses", event) == 0  # the same event redelivered: the inbox skips it
    _deliver("billing.payment.completed", payment)
    # and a second payment of the same client for the same course
    _deliver("billing.payment.completed", payment_completed_payload(course_id=course.id, email="bea@example.com"))
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


def test_payments_that_are_not_course_purchases_enroll_nobody():
    course = build_course().course
    _deliver("billing.payment.completed", payment_completed_payload(course_id=course.id, kind="other"))
    subscription = payment_completed_payload(course_id=course.id, kind="subscription")
    subscription.update(planId=str(uuid.uuid4()), subscriptionId=str(uuid.uuid4()), clientId=None, clientEmail=None)
    _deliver("billing.payment.completed", subscription)
    assert Enrollment.objects.count() == 0
    assert _created_events() == []


def test_a_purchase_of_another_coachs_course_is_dead_lettered_at_once():
    course = build_course(coach_id=OTHER_COACH_ID).course
    with pytest.raises(DeadLetterError, match="does not exist"):
        _deliver("billing.payment.completed", payment_completed_payload(course_id=course.id, coach_id=COACH_ID))
    assert Enrollment.objects.count() == 0
    assert InboxEntry.objects.using("courses").count() == 0


def test_a_full_refund_revokes_and_the_link_stops_at_once():
    course = build_course().course
    payment = payment_completed_payload(course_id=course.id)
    _deliver("billing.payment.completed", payment)
    enrollment = Enrollment.objects.select_related("course").get()
    learner = learner_api(enrollment)
    assert learner.get("/courses/learn/outline").status_code == 200
    # a partial refund changes nothing
    _deliver(
        "billing.payment.refunded",
        payment_refunded_payload(transaction_id=payment["transactionId"], course_id=course.id, full=False),
    )
    assert learner.get("/courses/learn/outline").status_code == 200
    # when the payment is refunded in full
    _deliver(
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


def test_a_refund_of_a_duplicate_payment_leaves_the_enrollment_alone():
    course = build_course().course
    first = payment_completed_payload(course_id=course.id)
    duplicate = payment_completed_payload(course_id=course.id)
    _deliver("billing.payment.completed", first)
    _deliver("billing.payment.completed", duplicate)
    _deliver(
        "billing.payment.refunded",
        payment_refunded_payload(transaction_id=duplicate["transactionId"], course_id=course.id),
    )
    assert Enrollment.objects.get().status == EnrollmentStatus.ACTIVE


def test_buying_again_after_a_refund_gives_access_again_with_a_new_link_and_the_progress_kept():
    built = build_course(modules=[("M", {}, [("A", LessonKind.TEXT, {}), ("B", LessonKind.TEXT, {})])])
    course = built.course
    first = payment_completed_payload(course_id=course.id)
    _deliver("billing.payment.completed", first)
    enrollment = Enrollment.objects.select_related("course").get()
    old_link = learner_api(enrollment)
    old_link.post(f"/courses/learn/lessons/{built.lessons['A'].id}/progress", {"completed": True})
    _deliver(
        "billing.payment.refunded", payment_refunded_payload(transaction_id=first["transactionId"], course_id=course.id)
    )
    # when the client buys again
    second = payment_completed_payload(course_id=course.id)
    _deliver("billing.payment.completed", second)
    # then the same enrollment is active again, on the new payment, with a new link and its progress
    enrollment = Enrollment.objects.select_related("course").get()
    assert (enrollment.status, str(enrollment.transaction_id), enrollment.progress_percent) == (
        EnrollmentStatus.ACTIVE,
        second["transactionId"],
        50,
    )
    assert old_link.get("/courses/learn/outline").status_code == 401
    assert learner_api(enrollment).get("/courses/learn/outline").json()["enrollment"]["progressPercent"] == 50
    first_event, second_event = _created_events()
    assert first_event["payload"]["enrollmentId"] == second_event["payload"]["enrollmentId"]
    assert first_event["payload"]["accessUrl"] != second_event["payload"]["accessUrl"]
    # a late copy of the refunded payment's event changes nothing
    _deliver("billing.payment.completed", first)
    assert str(Enrollment.objects.get().transaction_id) == second["transactionId"]


def test_the_coach_grants_by_hand_idempotently(coach_api):
    course = build_course().course
    first = coach_api.post(f"/courses/courses/{course.id}/enrollments", {"email": "Lee@Example.com", "name": "Lee"})
    again = coach_api.post(f"/courses/courses/{course.id}/enrollments", {"email": "lee@example.com"})
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


def test_the_coach_revokes_and_grants_again(coach_api):
    course = build_course().course
    enrollment = grant(course)
    learner = learner_api(enrollment)
    revoked = coach_api.post(f"/courses/enrollments/{enrollment.id}/revoke").json()
    assert (revoked["status"], revoked["revokedReason"], revoked["accessUrl"]) == ("revoked", "coach", None)
    assert learner.get("/courses/learn/outline").json()["code"] == "enrollment_revoked"
    # revoking twice changes nothing
    assert coach_api.post(f"/courses/enrollments/{enrollment.id}/revoke").json()["revokedAt"] == revoked["revokedAt"]
    regranted = coach_api.post(f"/courses/courses/{course.id}/enrollments", {"email": "lee@example.com"})
    assert (regranted.status_code, regranted.json()["status"], regranted.json()["id"]) == (
        201,
        "active",
        str(enrollment.id),
    )
    # the old link stays dead; the new one works
    assert learner.get("/courses/learn/outline").status_code == 401
    assert (
        learner_api(Enrollment.objects.select_related("course").get()).get("/courses/learn/outline").status_code == 200
    )


def test_renewing_a_link_kills_the_old_one(coach_api):
    enrollment = grant(build_course().course)
    old = learner_api(enrollment)
    detail = coach_api.get(f"/courses/enrollments/{enrollment.id}").json()
    renewed = coach_api.post(f"/courses/enrollments/{enrollment.id}/access-link").json()
    assert renewed["accessUrl"] != detail["accessUrl"]
    assert old.get("/courses/learn/outline").status_code == 401
    assert (
        learner_api(Enrollment.objects.select_related("course").get()).get("/courses/learn/outline").status_code == 200
    )


def test_the_coach_reads_each_learners_progress(coach_api):
    built = build_course(modules=[("M", {}, [("A", LessonKind.TEXT, {}), ("B", LessonKind.TEXT, {})])])
    done, fresh = grant(built.course, email="done@example.com"), grant(built.course, email="fresh@example.com")
    learner_api(done).post(f"/courses/learn/lessons/{built.lessons['A'].id}/progress", {"completed": True})
    listed = coach_api.get(f"/courses/courses/{built.course.id}/enrollments").json()
    assert listed["count"] == 2
    assert {row["clientEmail"]: row["progressPercent"] for row in listed["results"]} == {
        "done@example.com": 50,
        "fresh@example.com": 0,
    }
    filtered = coach_api.get(f"/courses/courses/{built.course.id}/enrollments", {"search": "fresh"}).json()
    assert [row["id"] for row in filtered["results"]] == [str(fresh.id)]
    detail = coach_api.get(f"/courses/enrollments/{done.id}").json()
    assert [(lesson["title"], lesson["completed"], lesson["progressPercent"]) for lesson in detail["lessons"]] == [
        ("A", True, 100),
        ("B", False, 0),
    ]
