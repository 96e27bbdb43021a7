"""What notifications makes of other contexts' events, delivered as the bus delivers them (inbox and
all): one notification per fact and recipient, none for a kind turned off, platform notices to the
admins known from auth's events, requests through notify.user."""

import pytest

from contexts.notifications.models import Notification, UnreadCounter, User
from contexts.notifications.tests import payloads
from nlc.events import DeadLetterError
from nlc.testing.principals import ADMIN_ID

pytestmark = pytest.mark.django_db(databases="__all__")


def _said(row: Notification) -> tuple:
    return (row.recipient_user_id, row.kind, row.title, row.body, row.link, row.coach_id, row.seq, row.read_at)


def _counter(user_id) -> tuple[int, int]:
    row = UnreadCounter.objects.get(user_id=user_id)
    return row.unread, row.last_seq


def test_a_course_sale_tells_the_coach(envelope, deliver_event, coach_id):
    # when
    deliver_event("notifications", envelope("billing.payment.completed", payloads.payment_completed(coach_id)))
    # then
    (row,) = Notification.objects.all()
    assert _said(row) == (
        coach_id,
        "payment_received",
        "New sale: 49.00 USD",
        "Lee Learner bought a course.",
        f"/billing/transactions/{payloads.TRANSACTION_ID}",
        coach_id,
        1,
        None,
    )
    assert row.producer == "billing"
    assert _counter(coach_id) == (1, 1)


def test_a_coachs_own_subscription_payment_tells_nothing(envelope, deliver_event, coach_id):
    payload = payloads.payment_completed(
        coach_id,
        kind="subscription",
        planId=str(coach_id),
        courseId=None,
        clientId=None,
        clientEmail=None,
        clientName=None,
    )
    deliver_event("notifications", envelope("billing.payment.completed", payload))
    assert not Notification.objects.exists()
    assert not UnreadCounter.objects.exists()


def test_an_event_delivered_twice_makes_one_notification(envelope, deliver_event, coach_id):
    # given
    sale = envelope("billing.payment.completed", payloads.payment_completed(coach_id))
    # when the bus delivers it twice, and the same sale arrives again under another event id
    applied = [deliver_event("notifications", sale), deliver_event("notifications", sale)]
    deliver_event("notifications", envelope("billing.payment.completed", payloads.payment_completed(coach_id)))
    # then
    assert applied == [1, 0]
    assert Notification.objects.count() == 1
    assert _counter(coach_id) == (1, 1)


def test_refund_failure_lead_booking_completion_and_assets(envelope, deliver_event, coach_id):
    # given: each event the coach hears of, in this order
    events = [
        ("billing.payment.refunded", 1, payloads.payment_refunded(coach_id, amount=1000, fullRefund=False)),
        ("billing.payment.failed", 1, payloads.payment_failed(coach_id)),
        ("leads.lead.created", 2, payloads.lead_created(coach_id)),
        ("leads.lead.created", 1, payloads.lead_created(coach_id, leadId="1ead0000-0000-4000-8000-000000000002")),
        ("leads.status.changed", 2, payloads.status_changed(coach_id)),
        ("courses.enrollment.completed", 1, payloads.enrollment_completed(coach_id)),
        ("media.asset.ready", 2, payloads.asset_ready(coach_id)),
        ("media.asset.failed", 1, payloads.asset_failed(coach_id, assetId="a5500000-0000-4000-8000-000000000002")),
    ]
    # when
    for event_type, version, payload in events:
        deliver_event("notifications", envelope(event_type, payload, version=version))
    # then
    assert [(row.kind, row.title, row.body, row.link) for row in Notification.objects.order_by("seq")] == [
        (
            "payment_refunded",
            "Partly refunded: 10.00 EUR",
            "lee@example.com's payment was refunded in part.",
            f"/billing/transactions/{payloads.TRANSACTION_ID}",
        ),
        (
            "payment_failed",
            "Your subscription payment of 29.00 USD failed",
            "Update your card to keep your plan. Your card was declined.",
            f"/billing/transactions/{payloads.TRANSACTION_ID}",
        ),
        (
            "lead_created",
            "New lead: Nina New",
            "nina@example.com came in through your landing page.",
            "/leads/1ead0000-0000-4000-8000-000000000001",
        ),
        (
            "lead_created",
            "New lead: Nina New",
            "nina@example.com came in through your landing page.",
            "/leads/1ead0000-0000-4000-8000-000000000002",
        ),
        (
            "lead_booked",
            "A lead booked a call",
            "A lead in your pipeline moved to booked.",
            "/leads/1ead0000-0000-4000-8000-000000000001",
        ),
        (
            "course_completed",
            "Lee Learner completed Start Strong",
            "Every lesson of Start Strong is done.",
            "/courses/c0000000-0000-4000-8000-000000000001/enrollments/e0000000-0000-4000-8000-000000000001",
        ),
        (
            "asset_ready",
            "Your video is ready",
            "It can be used in your lessons now.",
            "/media/assets/a5500000-0000-4000-8000-000000000001",
        ),
        (
            "asset_failed",
            "Your video could not be processed",
            "The file is not a video Vimeo can read.",
            "/media/assets/a5500000-0000-4000-8000-000000000002",
        ),
    ]
    assert set(Notification.objects.values_list("recipient_user_id", flat=True)) == {coach_id}
    assert _counter(coach_id) == (8, 8)


def test_a_move_other_than_booked_and_a_v1_move_tell_nothing(envelope, deliver_event, coach_id):
    deliver_event(
        "notifications",
        envelope("leads.status.changed", payloads.status_changed(coach_id, toStatus="contacted"), version=2),
    )
    deliver_event(
        "notifications",
        envelope("leads.status.changed", payloads.status_changed(coach_id, toStatus="qualified"), version=1),
    )
    assert not Notification.objects.exists()


def test_platform_notices_go_to_every_active_admin_known(envelope, deliver_event, coach_id, other_coach_id):
    # given two admins and a disabled one, known from auth's events
    disabled_id = "0ad00000-0000-4000-8000-000000000003"
    for user_id in (ADMIN_ID, "0ad00000-0000-4000-8000-000000000002", disabled_id):
        deliver_event("notifications", envelope("auth.user.created", payloads.user_created(user_id, role="admin")))
    updated = {**payloads.user_created(disabled_id, role="admin"), "status": "disabled", "timeZone": "UTC"}
    updated.pop("createdAt"), updated.pop("signupMethod")
    deliver_event(
        "notifications",
        envelope("auth.user.updated", {**updated, "changedFields": ["status"], "updatedAt": "2026-03-02T11:00:00Z"}),
    )
    # when a coach signs up, a webhook fails for good, another will be retried, a subscription ends
    deliver_event("notifications", envelope("auth.user.created", payloads.user_created(other_coach_id)))
    deliver_event("notifications", envelope("integrations.webhook.failed", payloads.webhook_failed()))
    deliver_event(
        "notifications",
        envelope(
            "integrations.webhook.failed",
            payloads.webhook_failed(
                webhookEventId="3eb00000-0000-4000-8000-000000000002",
                willRetry=True,
                nextAttemptAt="2026-03-02T10:05:00Z",
            ),
        ),
    )
    deliver_event("notifications", envelope("billing.subscription.canceled", payloads.subscription_canceled(coach_id)))
    # then each active admin has three notices, the disabled one none, the coaches none
    by_admin = {
        str(user_id): list(
            Notification.objects.filter(recipient_user_id=user_id).order_by("seq").values_list("kind", "title")
        )
        for user_id in (ADMIN_ID, "0ad00000-0000-4000-8000-000000000002", disabled_id)
    }
    expected = [
        ("coach_signed_up", "New coach: Cory Coach"),
        ("webhook_failed", "A stripe webhook failed for good (checkout.session.completed)"),
        ("subscription_canceled", "A coach's subscription ended: Pro"),
    ]
    assert by_admin == {str(ADMIN_ID): expected, "0ad00000-0000-4000-8000-000000000002": expected, disabled_id: []}
    assert Notification.objects.get(recipient_user_id=ADMIN_ID, kind="webhook_failed").body == (
        "After 6 attempts: billing: no such payment link"
    )
    assert User.objects.get(id=disabled_id).status == "disabled"
    assert User.objects.get(id=other_coach_id).role == "coach"


def test_a_kind_turned_off_is_not_created(envelope, deliver_event, coach_client, coach_id):
    # given the coach turned new leads off
    response = coach_client.patch(
        "/notifications/preferences", {"preferences": [{"kind": "lead_created", "inApp": False}]}, format="json"
    )
    assert response.status_code == 200
    # when a lead and a sale arrive
    deliver_event("notifications", envelope("leads.lead.created", payloads.lead_created(coach_id), version=2))
    deliver_event("notifications", envelope("billing.payment.completed", payloads.payment_completed(coach_id)))
    # then only the sale is there, and counted
    assert list(Notification.objects.values_list("kind", flat=True)) == ["payment_received"]
    assert _counter(coach_id) == (1, 1)


def test_a_user_never_seen_finds_its_notifications_on_first_read(envelope, deliver_event, principal_client):
    # given a coach notifications has no copy of
    newcomer = "0c0ac000-0000-4000-8000-0000000000aa"
    deliver_event("notifications", envelope("leads.lead.created", payloads.lead_created(newcomer), version=2))
    assert not User.objects.filter(id=newcomer).exists()
    # when it first reads
    client = principal_client(role="coach", user_id=newcomer)
    listed = client.get("/notifications/notifications")
    count = client.get("/notifications/unread-count")
    # then the notification kept for it is there
    assert [row["title"] for row in listed.json()["results"]] == ["New lead: Nina New"]
    assert count.json() == {"unread": 1}


def test_a_request_through_notify_user_is_created_once(envelope, deliver_event, coach_id):
    # given courses asks (from its own outbox: the envelope's producer names it)
    request = envelope("notify.user", payloads.notify_user(coach_id), version=2)
    request["producer"] = "courses"
    # when it arrives twice, once more under another event id
    deliver_event("notifications", request)
    deliver_event("notifications", request)
    deliver_event(
        "notifications", {**envelope("notify.user", payloads.notify_user(coach_id), version=2), "producer": "courses"}
    )
    # then
    (row,) = Notification.objects.all()
    assert _said(row) == (
        coach_id,
        "course_review_due",
        "Your course is due for a review",
        "Start Strong was last updated a year ago.",
        "/courses/c0000000-0000-4000-8000-000000000001",
        coach_id,
        1,
        None,
    )
    assert (row.key, row.producer) == ("request:9071f000-0000-4000-8000-000000000001", "courses")


def test_an_unknown_version_is_dead_lettered(envelope, deliver_event, coach_id):
    # given a version of leads.lead.created notifications does not know
    future = envelope("leads.lead.created", payloads.lead_created(coach_id), version=2)
    future["schemaVersion"] = 3
    # when / then
    with pytest.raises(DeadLetterError, match=r"leads\.lead\.created version 3 is not accepted by notifications"):
        deliver_event("notifications", future)
    assert not Notification.objects.exists()


def test_a_payload_missing_a_field_is_dead_lettered(envelope, deliver_event, coach_id):
    broken = envelope("media.asset.ready", payloads.asset_ready(coach_id), version=2)
    del broken["payload"]["coachId"]
    with pytest.raises(DeadLetterError, match="coachId"):
        deliver_event("notifications", broken)
    assert not Notification.objects.exists()
