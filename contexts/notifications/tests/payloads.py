"""Payloads of the events notifications consumes, as their producers publish them (each envelope is
checked against its contract by the ``envelope`` fixture)."""

from __future__ import annotations

import uuid
from typing import Any

TRANSACTION_ID = "7a1b0000-0000-4000-8000-000000000001"
CLIENT_ID = "c1c10000-0000-4000-8000-000000000001"


def payment_completed(coach_id, **overrides) -> dict[str, Any]:
    return {
        "transactionId": TRANSACTION_ID,
        "coachId": str(coach_id),
        "planId": None,
        "subscriptionId": None,
        "paymentLinkId": str(uuid.uuid4()),
        "courseId": str(uuid.uuid4()),
        "clientId": CLIENT_ID,
        "clientEmail": "lee@example.com",
        "clientName": "Lee Learner",
        "kind": "course_purchase",
        "amount": 4900,
        "currency": "USD",
        "externalPaymentId": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        "status": "completed",
        "paidAt": "2026-03-02T10:00:00Z",
        **overrides,
    }


def payment_refunded(coach_id, **overrides) -> dict[str, Any]:
    return {
        "refundId": "4ef00000-0000-4000-8000-000000000001",
        "transactionId": TRANSACTION_ID,
        "coachId": str(coach_id),
        "kind": "course_purchase",
        "courseId": str(uuid.uuid4()),
        "clientId": CLIENT_ID,
        "clientEmail": "lee@example.com",
        "amount": 4900,
        "currency": "EUR",
        "paymentAmount": 4900,
        "fullRefund": True,
        "reason": "requested_by_customer",
        "externalRefundId": "re_1Nispe2eZvKYlo2Cd31jOCgZ",
        "refundedAt": "2026-03-03T10:00:00Z",
        **overrides,
    }


def payment_failed(coach_id, **overrides) -> dict[str, Any]:
    return {
        "transactionId": TRANSACTION_ID,
        "coachId": str(coach_id),
        "planId": str(uuid.uuid4()),
        "subscriptionId": str(uuid.uuid4()),
        "paymentLinkId": None,
        "courseId": None,
        "clientId": None,
        "clientEmail": None,
        "clientName": None,
        "kind": "subscription",
        "amount": 2900,
        "currency": "USD",
        "externalPaymentId": None,
        "failureCode": "card_declined",
        "failureMessage": "Your card was declined.",
        "attemptCount": 1,
        "nextAttemptAt": None,
        "failedAt": "2026-03-02T10:00:00Z",
        **overrides,
    }


def lead_created(coach_id, **overrides) -> dict[str, Any]:
    return {
        "leadId": "1ead0000-0000-4000-8000-000000000001",
        "coachId": str(coach_id),
        "clientId": CLIENT_ID,
        "email": "nina@example.com",
        "firstName": "Nina",
        "lastName": "New",
        "phone": None,
        "source": "landing_page",
        "landingPageId": None,
        "utmSource": None,
        "utmMedium": None,
        "utmCampaign": None,
        "status": "new",
        "createdAt": "2026-03-02T10:00:00Z",
        **overrides,
    }


def status_changed(coach_id, **overrides) -> dict[str, Any]:
    return {
        "leadId": "1ead0000-0000-4000-8000-000000000001",
        "coachId": str(coach_id),
        "clientId": CLIENT_ID,
        "fromStatus": "new",
        "toStatus": "booked",
        "changedByUserId": None,
        "changedAt": "2026-03-02T11:00:00Z",
        **overrides,
    }


def enrollment_completed(coach_id, **overrides) -> dict[str, Any]:
    return {
        "enrollmentId": "e0000000-0000-4000-8000-000000000001",
        "courseId": "c0000000-0000-4000-8000-000000000001",
        "clientId": CLIENT_ID,
        "coachId": str(coach_id),
        "courseTitle": "Start Strong",
        "clientEmail": "lee@example.com",
        "clientName": "Lee Learner",
        "enrolledAt": "2026-03-01T10:00:00Z",
        "completedAt": "2026-03-09T10:00:00Z",
        **overrides,
    }


def asset_ready(coach_id, **overrides) -> dict[str, Any]:
    return {
        "assetId": "a5500000-0000-4000-8000-000000000001",
        "coachId": str(coach_id),
        "kind": "video",
        "provider": "vimeo",
        "externalId": "76979871",
        "durationSeconds": 62,
        "thumbnailUrl": None,
        "readyAt": "2026-03-02T10:00:00Z",
        "playbackUrl": "https://player.vimeo.com/video/76979871?h=8272103f6e",
        **overrides,
    }


def asset_failed(coach_id, **overrides) -> dict[str, Any]:
    return {
        "assetId": "a5500000-0000-4000-8000-000000000001",
        "coachId": str(coach_id),
        "kind": "video",
        "provider": "vimeo",
        "reason": "The file is not a video Vimeo can read.",
        "failedAt": "2026-03-02T10:00:00Z",
        **overrides,
    }


def webhook_failed(**overrides) -> dict[str, Any]:
    return {
        "webhookEventId": "3eb00000-0000-4000-8000-000000000001",
        "provider": "stripe",
        "providerEventId": "evt_1NG8Du2eZvKYlo2CUI79vXWy",
        "eventType": "checkout.session.completed",
        "reason": "billing: no such payment link",
        "attempts": 6,
        "willRetry": False,
        "nextAttemptAt": None,
        "failedAt": "2026-03-02T10:00:00Z",
        **overrides,
    }


def user_created(user_id, role="coach", **overrides) -> dict[str, Any]:
    return {
        "userId": str(user_id),
        "email": f"{role}-{str(user_id)[:8]}@example.com",
        "firstName": "Cory",
        "lastName": "Coach",
        "role": role,
        "coachId": str(user_id) if role == "coach" else None,
        "createdAt": "2026-03-02T10:00:00Z",
        "signupMethod": "password",
        **overrides,
    }


def subscription_canceled(coach_id, **overrides) -> dict[str, Any]:
    return {
        "subscriptionId": "5ab00000-0000-4000-8000-000000000001",
        "coachId": str(coach_id),
        "planId": str(uuid.uuid4()),
        "planName": "Pro",
        "amount": 4900,
        "currency": "USD",
        "interval": "month",
        "reason": "cancellation_requested",
        "externalSubscriptionId": "sub_1MowQVLkdIwHu7ixeRlqHVzs",
        "canceledAt": "2026-03-02T10:00:00Z",
        **overrides,
    }


def notify_user(recipient_user_id, **overrides) -> dict[str, Any]:
    return {
        "notificationId": "9071f000-0000-4000-8000-000000000001",
        "recipientUserId": str(recipient_user_id),
        "coachId": str(recipient_user_id),
        "kind": "course_review_due",
        "title": "Your course is due for a review",
        "body": "Start Strong was last updated a year ago.",
        "link": "/courses/c0000000-0000-4000-8000-000000000001",
        "createdAt": "2026-03-02T10:00:00Z",
        **overrides,
    }
