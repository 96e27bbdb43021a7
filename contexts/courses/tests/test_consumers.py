"""Copies kept from other contexts' events: each lesson's media state (media.asset.*) and the coaches
(auth.user.created); and, over real RabbitMQ, a purchase published by billing enrolls exactly once."""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import transaction

from contexts.courses.models import Coach, Enrollment, LessonKind, MediaAsset
from contexts.courses.tests.conftest import build_course, payment_completed_payload, payment_refunded_payload
from nlc.db.router import alias_for_context
from nlc.events import publish
from nlc.events.models import InboxEntry
from nlc.testing.principals import COACH_ID, OTHER_COACH_ID

ASSET_ID = uuid.UUID("a55e7000-0000-4000-8000-000000000001")


def _ready(asset_id=ASSET_ID, coach_id=COACH_ID, duration=245, at="2026-11-20T10:00:00Z") -> dict:
    return {
        "assetId": str(asset_id),
        "coachId": str(coach_id),
        "kind": "video",
        "provider": "vimeo",
        "externalId": "76979871",
        "durationSeconds": duration,
        "thumbnailUrl": None,
        "readyAt": at,
    }


def _failed(at="2026-11-20T11:00:00Z") -> dict:
    return {
        "assetId": str(ASSET_ID),
        "coachId": str(COACH_ID),
        "kind": "video",
        "provider": "vimeo",
        "reason": "The file is not a video.",
        "failedAt": at,
    }


def _deleted(at="2026-11-20T12:00:00Z") -> dict:
    return {"assetId": str(ASSET_ID), "coachId": str(COACH_ID), "kind": "video", "deletedAt": at}


def _video(**fields):
    built = build_course(
        modules=[("M", {}, [("Video", LessonKind.VIDEO, {"media_asset_id": ASSET_ID, **fields})])], publish=False
    )
    return built.lessons["Video"]


@pytest.mark.django_db(databases=["courses"])
def test_a_lessons_video_state_follows_media(coach_client, envelope, deliver_event):
    lesson = _video()
    assert lesson.media_state == "pending"
    deliver_event("courses", envelope("media.asset.ready", _ready()))
    lesson.refresh_from_db()
    assert (lesson.media_state, lesson.duration_seconds) == ("ready", 245)
    # the coach's view of the course follows at once (the cached structure is replaced)
    detail = coach_client.get(f"/courses/courses/{lesson.course_id}").json()
    assert detail["modules"][0]["lessons"][0]["mediaState"] == "ready"
    deliver_event("courses", envelope("media.asset.failed", _failed()))
    lesson.refresh_from_db()
    assert lesson.media_state == "failed"
    deliver_event("courses", envelope("media.asset.deleted", _deleted()))
    lesson.refresh_from_db()
    assert lesson.media_state == "deleted"
    # a deleted asset stays deleted, whatever arrives late
    deliver_event("courses", envelope("media.asset.ready", _ready(at="2026-11-21T00:00:00Z")))
    lesson.refresh_from_db()
    assert lesson.media_state == "deleted"


@pytest.mark.django_db(databases=["courses"])
def test_an_older_media_event_does_not_undo_a_newer_one(envelope, deliver_event):
    lesson = _video()
    deliver_event("courses", envelope("media.asset.failed", _failed(at="2026-11-20T11:00:00Z")))
    deliver_event("courses", envelope("media.asset.ready", _ready(at="2026-11-20T10:00:00Z")))
    lesson.refresh_from_db()
    assert lesson.media_state == "failed"


@pytest.mark.django_db(databases=["courses"])
def test_v2_media_events_keep_the_provider_its_id_and_the_player_url(envelope, deliver_event):
    lesson = _video()
    created = {
        "assetId": str(ASSET_ID),
        "coachId": str(COACH_ID),
        "kind": "video",
        "title": "Week 1",
        "provider": "vimeo",
        "contentType": "video/mp4",
        "sizeBytes": 1000,
        "createdAt": "2026-11-20T09:00:00Z",
    }
    deliver_event("courses", envelope("media.asset.created", created, version=2))
    asset = MediaAsset.objects.get()
    assert (asset.state, asset.provider, asset.external_id, asset.playback_url) == ("pending", "vimeo", "", "")
    player = "https://player.vimeo.com/video/76979871?h=c0ffee"
    deliver_event("courses", envelope("media.asset.ready", {**_ready(), "playbackUrl": player}, version=2))
    asset.refresh_from_db()
    lesson.refresh_from_db()
    assert (asset.state, asset.provider, asset.external_id, asset.playback_url) == (
        "ready",
        "vimeo",
        "76979871",
        player,
    )
    assert (lesson.media_state, lesson.duration_seconds) == ("ready", 245)
    # a late created event does not undo ready; a v2 failure of a local video is understood too
    deliver_event(
        "courses", envelope("media.asset.created", {**created, "createdAt": "2026-11-20T08:00:00Z"}, version=2)
    )
    assert MediaAsset.objects.get().state == "ready"
    failed = {**_failed(), "provider": "local"}
    deliver_event("courses", envelope("media.asset.failed", failed, version=2))
    asset.refresh_from_db()
    assert (asset.state, asset.provider) == ("failed", "local")


@pytest.mark.django_db(databases=["courses"])
def test_a_lesson_that_picks_up_a_ready_asset_starts_ready_and_another_coachs_asset_is_refused(
    coach_client, envelope, deliver_event
):
    deliver_event("courses", envelope("media.asset.ready", _ready()))
    module = build_course(publish=False).modules[0]
    created = coach_client.post(
        f"/courses/modules/{module.id}/lessons", {"title": "V", "kind": "video", "mediaAssetId": str(ASSET_ID)}
    ).json()
    assert (created["mediaState"], created["durationSeconds"]) == ("ready", 245)
    foreign = uuid.uuid4()
    deliver_event("courses", envelope("media.asset.ready", _ready(asset_id=foreign, coach_id=OTHER_COACH_ID)))
    refused = coach_client.post(
        f"/courses/modules/{module.id}/lessons", {"title": "W", "kind": "video", "mediaAssetId": str(foreign)}
    )
    assert (refused.status_code, list(refused.json()["fieldErrors"])) == (400, ["mediaAssetId"])


@pytest.mark.django_db(databases=["courses"])
def test_media_events_of_another_coach_do_not_touch_this_coachs_lessons(envelope, deliver_event):
    lesson = _video()
    deliver_event("courses", envelope("media.asset.ready", _ready(coach_id=OTHER_COACH_ID)))
    lesson.refresh_from_db()
    assert lesson.media_state == "pending"
    assert MediaAsset.objects.get().coach_id == OTHER_COACH_ID


@pytest.mark.django_db(databases=["courses"])
def test_coaches_are_copied_from_auth_and_admins_are_not(envelope, deliver_event):
    coach_id = uuid.uuid4()
    created = {
        "userId": str(coach_id),
        "email": "Nia@Example.com",
        "firstName": "Nia",
        "lastName": "N",
        "role": "coach",
        "coachId": str(coach_id),
        "createdAt": "2026-11-20T10:00:00Z",
        "signupMethod": "password",
    }
    deliver_event("courses", envelope("auth.user.created", created))
    admin_id = str(uuid.uuid4())
    deliver_event(
        "courses",
        envelope("auth.user.created", {**created, "userId": admin_id, "role": "admin", "coachId": None}),
    )
    coach = Coach.objects.get()
    assert (coach.id, coach.email, coach.first_name, coach.created_at) == (
        coach_id,
        "nia@example.com",
        "Nia",
        datetime(2026, 11, 20, 10, tzinfo=UTC),
    )


bus = pytest.mark.django_db(databases="__all__", transaction=True)


def _billing_publishes(event_type: str, payload: dict) -> dict:
    """billing's side of the bus, as billing does it: an outbox row in a transaction on its alias."""
    with transaction.atomic(using=alias_for_context("billing")):
        return publish(event_type, payload, aggregate_id=payload["transactionId"])


@bus
def test_a_purchase_travels_the_bus_to_exactly_one_enrollment_even_when_redelivered(event_bus):
    course = build_course().course
    # given billing publishes a completed course purchase
    payment = payment_completed_payload(course_id=course.id, email="bea@example.com")
    sent = _billing_publishes("billing.payment.completed", payment)
    # when it travels (relay -> RabbitMQ -> the courses consumer)
    event_bus.settle()
    created = event_bus.wait_for("courses.enrollment.created", transactionId=payment["transactionId"])
    # then one enrollment exists and its event went out on the bus
    enrollment = Enrollment.objects.get()
    assert created["payload"]["enrollmentId"] == str(enrollment.id)
    assert created["payload"]["source"] == "purchase"
    # when RabbitMQ delivers the very same message again (the consumer died before its ack)
    from nlc.events import topology
    from nlc.events.broker import ConfirmingPublisher, json_body, message_properties

    publisher = ConfirmingPublisher()
    try:
        publisher.send_confirmed("", [(topology.context_queue("courses"), json_body(sent), message_properties(sent))])
    finally:
        publisher.close()
    event_bus.settle()
    # then nothing changed: one enrollment, one enrollment.created, one inbox row for the event
    assert Enrollment.objects.count() == 1
    assert len(event_bus.events("courses.enrollment.created")) == 1
    assert InboxEntry.objects.using(alias_for_context("courses")).filter(event_id=sent["eventId"]).count() == 1


@bus
def test_a_refund_on_the_bus_revokes(event_bus):
    course = build_course().course
    payment = payment_completed_payload(course_id=course.id)
    _billing_publishes("billing.payment.completed", payment)
    event_bus.settle()
    _billing_publishes(
        "billing.payment.refunded",
        payment_refunded_payload(transaction_id=payment["transactionId"], course_id=course.id),
    )
    event_bus.settle()
    assert Enrollment.objects.get().status == "revoked"
