"""What leads does with other contexts' events, delivered as the bus delivers them (inbox and all):
Calendly bookings through integrations, payments and refunds from billing, enrollments from courses,
e-mails from comms."""

import datetime as dt
import uuid

import pytest

from contexts.leads.crypto import secret_decrypt
from contexts.leads.models import Booking, CalendlyConnection, Client, ClientEnrollment, Lead, LeadStat, TimelineEntry
from nlc.clients import client_id_for
from nlc.events import DeadLetterError
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases="__all__")

CALENDLY_USER = "https://api.calendly.com/users/AAAAAAAAAAAAAAAA"
INVITEE = "https://api.calendly.com/scheduled_events/AAAAAAAAAAAAAAAA/invitees/AAAAAAAAAAAAAAAA"


@pytest.fixture
def connected(coach_client):
    response = coach_client.put(
        "/leads/calendly", {"userUri": CALENDLY_USER, "accessToken": "pat-secret"}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def _webhook(envelope, body: dict, *, coach_id=None, event_id="evt-1") -> dict:
    return envelope(
        "integrations.webhook.received",
        {
            "webhookEventId": str(uuid.uuid4()),
            "provider": "calendly",
            "providerEventId": event_id,
            "eventType": body["event"],
            "coachId": str(coach_id) if coach_id else None,
            "data": body,
            "receivedAt": "2020-11-23T17:51:20Z",
        },
    )


def test_the_connection_keeps_the_token_encrypted(connected, coach_id):
    row = CalendlyConnection.objects.get()
    assert connected == {
        "coachId": str(coach_id),
        "userUri": CALENDLY_USER,
        "organizationUri": "",
        "hasAccessToken": True,
        "updatedAt": connected["updatedAt"],
    }
    assert "pat-secret" not in row.access_token_encrypted
    assert secret_decrypt(row.access_token_encrypted) == "pat-secret"


def test_another_coach_cannot_take_a_connected_calendly_user(connected, other_coach_client):
    response = other_coach_client.put("/leads/calendly", {"userUri": CALENDLY_USER}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "calendly_user_taken"


def test_invitee_created_books_the_lead_then_canceled_cancels_it(
    connected, coach_id, calendly_body, envelope, deliver_event
):
    # when Calendly's invitee.created arrives through integrations
    deliver_event("leads", _webhook(envelope, calendly_body("invitee.created"), event_id="evt-created"))
    # then the invitee is the coach's lead, booked, with the booking
    lead = Lead.objects.get()
    assert (lead.coach_id, lead.email, lead.name, lead.source, lead.status) == (
        coach_id,
        "test@example.com",
        "John Doe",
        "calendly",
        "booked",
    )
    booking = Booking.objects.get()
    assert (booking.lead_id, booking.invitee_uri, booking.event_name, booking.status) == (
        lead.id,
        INVITEE,
        "30 Minute Coaching Call",
        "active",
    )
    assert (booking.start_at, booking.end_at) == (
        dt.datetime(2020, 11, 30, 15, 0, tzinfo=dt.UTC),
        dt.datetime(2020, 11, 30, 15, 30, tzinfo=dt.UTC),
    )
    assert booking.reschedule_url == "https://calendly.com/reschedulings/AAAAAAAAAAAAAAAA"
    assert [
        event["payload"]["toStatus"] for event in published_events(context="leads", event_type="leads.status.changed")
    ] == ["booked"]
    assert published_events(context="leads", event_type="leads.lead.created")[0]["payload"]["source"] == "calendly"

    # when the invitee cancels
    deliver_event("leads", _webhook(envelope, calendly_body("invitee.canceled"), event_id="evt-canceled"))
    # then the booking is cancelled with the reason; still one lead, still booked (the coach decides)
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason) == ("canceled", "Meeting Conflict")
    assert booking.canceled_at == dt.datetime(2020, 11, 23, 17, 54, 22, 356897, tzinfo=dt.UTC)
    assert Lead.objects.get().status == "booked"
    # and the days count the new lead (today), the booking (its day) and the cancellation (its day)
    assert list(LeadStat.objects.order_by("day").values_list("new_calendly", "bookings", "cancellations")) == [
        (0, 1, 1),
        (1, 0, 0),
    ]
    assert list(TimelineEntry.objects.order_by("occurred_at").values_list("kind", flat=True)) == [
        "booking_made",
        "status_changed",
        "booking_canceled",
    ]


def test_the_same_invitee_twice_books_once(connected, calendly_body, envelope, deliver_event):
    deliver_event("leads", _webhook(envelope, calendly_body("invitee.created"), event_id="evt-a"))
    deliver_event("leads", _webhook(envelope, calendly_body("invitee.created"), event_id="evt-b"))
    assert Booking.objects.count() == 1
    assert sum(LeadStat.objects.values_list("bookings", flat=True)) == 1


def test_a_booking_of_an_unconnected_calendly_user_is_dead_lettered(calendly_body, envelope, deliver_event):
    with pytest.raises(DeadLetterError, match="No coach has connected the Calendly user"):
        deliver_event("leads", _webhook(envelope, calendly_body("invitee.created")))
    assert not Lead.objects.exists()


def test_other_providers_and_calendly_events_are_ignored(connected, calendly_body, envelope, deliver_event):
    body = {**calendly_body("invitee.created"), "event": "routing_form_submission.created"}
    deliver_event("leads", _webhook(envelope, body))
    stripe = envelope(
        "integrations.webhook.received",
        {
            "webhookEventId": str(uuid.uuid4()),
            "provider": "stripe",
            "providerEventId": "evt_1",
            "eventType": "invitee.created",
            "coachId": None,
            "data": {},
            "receivedAt": "2026-11-23T17:51:20Z",
        },
    )
    deliver_event("leads", stripe)
    assert not Lead.objects.exists()


def _payment(
    envelope,
    *,
    coach_id,
    email="ann@example.com",
    kind="course_purchase",
    transaction_id=None,
    amount=4900,
    **overrides,
):
    course_id = str(uuid.uuid4()) if kind == "course_purchase" else None
    return envelope(
        "billing.payment.completed",
        {
            "transactionId": str(transaction_id or uuid.uuid4()),
            "coachId": str(coach_id),
            "planId": None,
            "subscriptionId": None,
            "paymentLinkId": None,
            "courseId": course_id,
            "clientId": str(client_id_for(coach_id=coach_id, email=email)),
            "clientEmail": email,
            "clientName": "Ann Lee",
            "kind": kind,
            "amount": amount,
            "currency": "USD",
            "externalPaymentId": "pi_1",
            "status": "completed",
            "paidAt": "2026-11-30T10:00:00Z",
            **overrides,
        },
    )


def test_a_course_purchase_makes_a_client_and_converts_the_lead_once(own_lead, coach_id, envelope, deliver_event):
    # when the lead buys a course, then buys another
    first = _payment(envelope, coach_id=coach_id)
    deliver_event("leads", first)
    deliver_event("leads", _payment(envelope, coach_id=coach_id, amount=1000))
    # then one client with both payments, the lead converted once
    client = Client.objects.get()
    assert (client.client_id, client.email, client.lead_id, client.total_paid, client.currency) == (
        own_lead.client_id,
        "ann@example.com",
        own_lead.id,
        5900,
        "USD",
    )
    own_lead.refresh_from_db()
    assert own_lead.status == "client"
    (converted,) = published_events(context="leads", event_type="leads.converted")
    assert converted["payload"] == {
        "leadId": str(own_lead.id),
        "coachId": str(coach_id),
        "clientId": str(own_lead.client_id),
        "email": "ann@example.com",
        "via": "purchase",
        "transactionId": first["payload"]["transactionId"],
        "courseId": first["payload"]["courseId"],
        "convertedAt": "2026-11-30T10:00:00Z",
    }
    assert LeadStat.objects.get(day=dt.date(2026, 11, 30)).conversions == 1


def test_the_same_payment_twice_counts_once(own_lead, coach_id, envelope, deliver_event):
    transaction_id = uuid.uuid4()
    deliver_event("leads", _payment(envelope, coach_id=coach_id, transaction_id=transaction_id))
    deliver_event("leads", _payment(envelope, coach_id=coach_id, transaction_id=transaction_id))
    assert Client.objects.get().total_paid == 4900
    assert TimelineEntry.objects.filter(kind="payment_completed").count() == 1


def test_a_subscription_payment_is_no_client(coach_id, envelope, deliver_event):
    payment = _payment(
        envelope,
        coach_id=coach_id,
        kind="subscription",
        clientId=None,
        clientEmail=None,
        clientName=None,
        planId=str(uuid.uuid4()),
        subscriptionId=str(uuid.uuid4()),
    )
    deliver_event("leads", payment)
    assert not Client.objects.exists()


def test_a_refund_lowers_the_total(own_lead, coach_id, envelope, deliver_event):
    payment = _payment(envelope, coach_id=coach_id)
    deliver_event("leads", payment)
    deliver_event(
        "leads",
        envelope(
            "billing.payment.refunded",
            {
                "refundId": str(uuid.uuid4()),
                "transactionId": payment["payload"]["transactionId"],
                "coachId": str(coach_id),
                "kind": "course_purchase",
                "courseId": payment["payload"]["courseId"],
                "clientId": payment["payload"]["clientId"],
                "clientEmail": "ann@example.com",
                "amount": 900,
                "currency": "USD",
                "paymentAmount": 4900,
                "fullRefund": False,
                "reason": "requested_by_customer",
                "externalRefundId": "re_1",
                "refundedAt": "2026-12-01T10:00:00Z",
            },
        ),
    )
    assert Client.objects.get().total_paid == 4000


def test_enrollment_progress_and_completion_reach_the_timeline(own_lead, coach_id, envelope, deliver_event):
    common = {
        "enrollmentId": str(uuid.uuid4()),
        "courseId": str(uuid.uuid4()),
        "clientId": str(own_lead.client_id),
        "coachId": str(coach_id),
    }
    deliver_event(
        "leads",
        envelope(
            "courses.enrollment.created",
            {
                **common,
                "courseTitle": "Strength 101",
                "clientEmail": "ann@example.com",
                "clientName": "Ann Lee",
                "source": "manual",
                "accessUrl": None,
                "transactionId": None,
                "enrolledAt": "2026-11-30T10:00:00Z",
            },
        ),
    )
    for percent, moment in ((10, "2026-12-01T10:00:00Z"), (60, "2026-12-02T10:00:00Z")):
        deliver_event(
            "leads",
            envelope(
                "courses.progress.updated",
                {
                    **common,
                    "lessonId": str(uuid.uuid4()),
                    "completedLessons": 1,
                    "totalLessons": 10,
                    "progressPercent": percent,
                    "updatedAt": moment,
                },
            ),
        )
    deliver_event(
        "leads",
        envelope(
            "courses.enrollment.completed",
            {
                **common,
                "courseTitle": "Strength 101",
                "clientEmail": "ann@example.com",
                "clientName": "Ann Lee",
                "enrolledAt": "2026-11-30T10:00:00Z",
                "completedAt": "2026-12-03T10:00:00Z",
            },
        ),
    )
    enrollment = ClientEnrollment.objects.get()
    assert (enrollment.progress_percent, enrollment.completed_at) == (
        100,
        dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC),
    )
    assert list(TimelineEntry.objects.order_by("occurred_at").values_list("summary", flat=True)) == [
        "Enrolled in Strength 101",
        "50% of Strength 101",
        "Completed Strength 101",
    ]


def test_emails_to_known_people_reach_the_timeline_and_strangers_are_not_kept(
    own_lead, coach_id, envelope, deliver_event
):
    def sent(client_id):
        return envelope(
            "comms.email.sent",
            {
                "emailId": str(uuid.uuid4()),
                "coachId": str(coach_id),
                "clientId": str(client_id),
                "recipientEmail": "ann@example.com",
                "templateKey": "welcome",
                "sequenceId": None,
                "subject": "Welcome aboard",
                "providerMessageId": "<m1@example.com>",
                "sentAt": "2026-11-30T10:00:00Z",
            },
        )

    deliver_event("leads", sent(own_lead.client_id))
    deliver_event("leads", sent(uuid.uuid4()))
    entry = TimelineEntry.objects.get()
    assert (entry.kind, entry.summary, entry.client_id) == ("email_sent", "Welcome aboard", own_lead.client_id)


def test_a_payment_from_someone_who_was_no_lead_makes_a_client_only(coach_id, envelope, deliver_event):
    deliver_event("leads", _payment(envelope, coach_id=coach_id, email="new@example.com"))
    assert Client.objects.get().lead_id is None
    assert not Lead.objects.exists()
    assert published_events(context="leads", event_type="leads.converted") == []
