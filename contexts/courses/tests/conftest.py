"""Helpers of the courses tests: a learner's client for an enrollment, courses built through the
services, and billing's payloads. The callers (coach_client, other_coach_client, admin_client) and
events (envelope, deliver_event) are the kernel's fixtures (nlc.testing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from rest_framework.test import APIClient

from contexts.courses import services
from contexts.courses.access import access_token_issue
from contexts.courses.models import Course, Enrollment, Lesson, LessonKind, Module
from contexts.courses.structure import memo_clear
from nlc.clients import client_id_for
from nlc.testing.principals import COACH_ID


@pytest.fixture(autouse=True)
def _fresh_structure_memo():
    memo_clear()


def learner_client_for(enrollment: Enrollment) -> APIClient:
    """A learner's API client with the current access link of ``enrollment``."""
    client = APIClient()
    token = access_token_issue(enrollment_id=enrollment.id, access_version=enrollment.access_version)
    client.credentials(HTTP_AUTHORIZATION=f"AccessLink {token}")
    return client


@dataclass
class Built:
    course: Course
    modules: list[Module] = field(default_factory=list)
    lessons: dict[str, Lesson] = field(default_factory=dict)


def build_course(
    *,
    coach_id: uuid.UUID = COACH_ID,
    title: str = "Habits that stick",
    sequential: bool = False,
    modules: list[tuple[str, dict, list[tuple[str, str, dict]]]] | None = None,
    publish: bool = True,
) -> Built:
    """A course through the services: ``modules`` is [(title, module fields, [(lesson title, kind,
    lesson fields)])]; lessons are found by title in ``.lessons``."""
    course = services.course_create(coach_id=coach_id, title=title, sequential=sequential)
    built = Built(course=course)
    modules = modules if modules is not None else [("Week 1", {}, [("Intro", LessonKind.TEXT, {})])]
    for module_title, module_fields, lessons in modules:
        module = services.module_create(course=course, title=module_title, **module_fields)
        built.modules.append(module)
        for lesson_title, kind, lesson_fields in lessons:
            built.lessons[lesson_title] = services.lesson_create(
                module=module, title=lesson_title, kind=kind, **lesson_fields
            )
    if publish and built.lessons:
        services.course_publish(course=course)
    built.course = Course.objects.get(pk=course.pk)
    return built


def grant(course: Course, email: str = "lee@example.com", name: str = "Lee Learner") -> Enrollment:
    result = services.enrollment_grant(course=course, email=email, name=name)
    return Enrollment.objects.select_related("course").get(pk=result.enrollment.pk)


def payment_completed_payload(
    *,
    course_id: uuid.UUID,
    coach_id: uuid.UUID = COACH_ID,
    transaction_id: uuid.UUID | None = None,
    email: str = "buyer@example.com",
    name: str = "Bea Buyer",
    kind: str = "course_purchase",
) -> dict[str, Any]:
    return {
        "transactionId": str(transaction_id or uuid.uuid4()),
        "coachId": str(coach_id),
        "planId": None,
        "subscriptionId": None,
        "paymentLinkId": str(uuid.uuid4()),
        "courseId": str(course_id) if kind == "course_purchase" else None,
        "clientId": str(client_id_for(coach_id=coach_id, email=email)),
        "clientEmail": email,
        "clientName": name,
        "kind": kind,
        "amount": 4900,
        "currency": "USD",
        "externalPaymentId": f"pi_{uuid.uuid4().hex[:20]}",
        "status": "completed",
        "paidAt": "2026-11-20T10:00:00Z",
    }


def payment_refunded_payload(
    *,
    transaction_id: uuid.UUID | str,
    course_id: uuid.UUID,
    coach_id: uuid.UUID = COACH_ID,
    email: str = "buyer@example.com",
    full: bool = True,
) -> dict[str, Any]:
    return {
        "refundId": str(uuid.uuid4()),
        "transactionId": str(transaction_id),
        "coachId": str(coach_id),
        "kind": "course_purchase",
        "courseId": str(course_id),
        "clientId": str(client_id_for(coach_id=coach_id, email=email)),
        "clientEmail": email,
        "amount": 4900 if full else 1000,
        "currency": "USD",
        "paymentAmount": 4900,
        "fullRefund": full,
        "reason": "requested_by_customer",
        "externalRefundId": f"re_{uuid.uuid4().hex[:20]}",
        "refundedAt": "2026-11-21T10:00:00Z",
    }
