"""Payloads of the events analytics consumes, as their producers publish them (checked against the
contracts when delivered through ``envelope``), and rows for tests that need many of them."""

from __future__ import annotations

import uuid
from typing import Any

import factory
from factory.django import DjangoModelFactory

from contexts.analytics.models import ClientHealth


def _id() -> str:
    return str(uuid.uuid4())


def payment(coach_id, at: str, *, amount: int = 10000, currency: str = "USD", kind: str = "course_purchase", **over):
    client_id = over.pop("client_id", None) or _id()
    return {
        "transactionId": _id(),
        "coachId": str(coach_id),
        "planId": None,
        "subscriptionId": None,
        "paymentLinkId": None,
        "courseId": _id() if kind == "course_purchase" else None,
        "clientId": str(client_id),
        "clientEmail": "buyer@example.com",
        "clientName": "Bea Buyer",
        "kind": kind,
        "amount": amount,
        "currency": currency,
        "externalPaymentId": "pi_1",
        "status": "completed",
        "paidAt": at,
        **over,
    }


def refund(coach_id, at: str, *, amount: int, currency: str = "USD", client_id=None) -> dict[str, Any]:
    return {
        "refundId": _id(),
        "transactionId": _id(),
        "coachId": str(coach_id),
        "kind": "course_purchase",
        "courseId": _id(),
        "clientId": str(client_id or _id()),
        "clientEmail": "buyer@example.com",
        "amount": amount,
        "currency": currency,
        "paymentAmount": amount,
        "fullRefund": True,
        "reason": "requested_by_customer",
        "externalRefundId": "re_1",
        "refundedAt": at,
    }


def lead(coach_id, at: str, *, source: str = "landing_page", client_id=None) -> dict[str, Any]:
    return {
        "leadId": _id(),
        "coachId": str(coach_id),
        "clientId": str(client_id or _id()),
        "email": "lead@example.com",
        "firstName": "Lea",
        "lastName": "Lead",
        "phone": None,
        "source": source,
        "landingPageId": None,
        "utmSource": None,
        "utmMedium": None,
        "utmCampaign": None,
        "status": "new",
        "createdAt": at,
    }


def status_changed(coach_id, at: str, *, to_status: str = "booked") -> dict[str, Any]:
    return {
        "leadId": _id(),
        "coachId": str(coach_id),
        "clientId": _id(),
        "fromStatus": "new",
        "toStatus": to_status,
        "changedByUserId": None,
        "changedAt": at,
    }


def converted(coach_id, at: str) -> dict[str, Any]:
    return {
        "leadId": _id(),
        "coachId": str(coach_id),
        "clientId": _id(),
        "email": "lead@example.com",
        "via": "purchase",
        "transactionId": _id(),
        "courseId": None,
        "convertedAt": at,
    }


def enrollment(coach_id, at: str, *, enrollment_id=None, course_id=None, client_id=None) -> dict[str, Any]:
    return {
        "enrollmentId": str(enrollment_id or _id()),
        "courseId": str(course_id or _id()),
        "clientId": str(client_id or _id()),
        "coachId": str(coach_id),
        "courseTitle": "Start Strong",
        "clientEmail": "learner@example.com",
        "clientName": "Lee Learner",
        "source": "purchase",
        "accessUrl": "https://app.example.com/learn/secret-token",
        "transactionId": _id(),
        "enrolledAt": at,
    }


def progress(
    coach_id,
    at: str,
    *,
    enrollment_id,
    course_id,
    client_id,
    lesson_id=None,
    done: int,
    total: int = 4,
    asset_id=None,
    play_started: bool = False,
    seconds_watched: int = 0,
    lesson_completed: bool | None = None,
):
    """courses.progress.updated v2: a lesson's completion unless ``lesson_completed`` says otherwise."""
    return {
        "enrollmentId": str(enrollment_id),
        "courseId": str(course_id),
        "clientId": str(client_id),
        "coachId": str(coach_id),
        "lessonId": str(lesson_id) if lesson_id else None,
        "assetId": str(asset_id) if asset_id else None,
        "playStarted": play_started,
        "secondsWatched": seconds_watched,
        "lessonCompleted": bool(lesson_id) if lesson_completed is None else lesson_completed,
        "completedLessons": done,
        "totalLessons": total,
        "progressPercent": done * 100 // total,
        "updatedAt": at,
    }


def completed(coach_id, at: str, *, enrollment_id, course_id, client_id) -> dict[str, Any]:
    return {
        "enrollmentId": str(enrollment_id),
        "courseId": str(course_id),
        "clientId": str(client_id),
        "coachId": str(coach_id),
        "courseTitle": "Start Strong",
        "clientEmail": "learner@example.com",
        "clientName": "Lee Learner",
        "enrolledAt": at,
        "completedAt": at,
    }


def email(kind: str, coach_id, at: str, *, client_id=None, **over) -> dict[str, Any]:
    """comms.email.<kind>: sent, delivered, opened, clicked, failed or complained."""
    payload = {
        "emailId": _id(),
        "coachId": str(coach_id) if coach_id else None,
        "clientId": str(client_id) if client_id else None,
        "recipientEmail": "learner@example.com",
        "templateKey": "welcome",
        "sequenceId": None,
        "providerMessageId": "<m@example.com>",
    }
    extra = {
        "sent": {"subject": "Welcome", "sentAt": at},
        "delivered": {"deliveredAt": at},
        "opened": {"openedAt": at},
        "clicked": {"url": "https://example.com/x", "clickedAt": at},
        "failed": {"severity": "permanent", "reason": "mailbox does not exist", "failedAt": at},
        "complained": {"complainedAt": at},
    }[kind]
    return {**payload, **extra, **over}


def user_updated(coach_id, at: str, *, time_zone: str) -> dict[str, Any]:
    return {
        "userId": str(coach_id),
        "coachId": str(coach_id),
        "email": "coach@example.com",
        "firstName": "Cora",
        "lastName": "Coach",
        "role": "coach",
        "status": "active",
        "timeZone": time_zone,
        "changedFields": ["timeZone"],
        "updatedAt": at,
    }


def user_created(coach_id, at: str) -> dict[str, Any]:
    return {
        "userId": str(coach_id),
        "email": "coach@example.com",
        "firstName": "Cora",
        "lastName": "Coach",
        "role": "coach",
        "coachId": str(coach_id),
        "createdAt": at,
        "signupMethod": "password",
    }


def subscription(kind: str, coach_id, at: str, *, subscription_id, amount: int, interval: str = "month", **over):
    """billing.subscription.<kind>: activated, updated or canceled."""
    base = {
        "subscriptionId": str(subscription_id),
        "coachId": str(coach_id),
        "planId": _id(),
        "planName": "Pro",
        "amount": amount,
        "currency": "USD",
        "interval": interval,
        "externalSubscriptionId": "sub_1",
    }
    if kind == "activated":
        return {
            **base,
            "status": "active",
            "currentPeriodStart": at,
            "currentPeriodEnd": at,
            "trialEndsAt": None,
            "activatedAt": at,
            **over,
        }
    if kind == "updated":
        return {
            **base,
            "previousPlanId": _id(),
            "status": "active",
            "previousStatus": "active",
            "previousAmount": over.pop("previous_amount", 0),
            "previousInterval": "month",
            "currentPeriodEnd": at,
            "changedAt": at,
            **over,
        }
    return {**base, "reason": "cancellation_requested", "canceledAt": at, **over}


def webhook_failed(at: str, *, will_retry: bool, provider: str = "stripe") -> dict[str, Any]:
    return {
        "webhookEventId": _id(),
        "provider": provider,
        "providerEventId": "evt_1",
        "eventType": "checkout.session.completed",
        "reason": "boom",
        "attempts": 5,
        "willRetry": will_retry,
        "nextAttemptAt": None,
        "failedAt": at,
    }


class ClientHealthFactory(DjangoModelFactory):
    class Meta:
        model = ClientHealth

    coach_id = factory.LazyFunction(uuid.uuid4)
    client_id = factory.LazyFunction(uuid.uuid4)
    emails_sent = 2
    emails_opened = 1
