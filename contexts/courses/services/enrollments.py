"""Enrollments: granted by the coach, bought (billing.payment.completed), revoked, given a new access
link, and recounted when the lessons that count change."""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from django.db.models import Count
from django.utils import timezone

from contexts.courses import events, rules
from contexts.courses.data import EnrollmentResult
from contexts.courses.errors import CourseArchivedError, PurchaseForUnknownCourseError
from contexts.courses.models import (
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    LessonProgress,
    RevokeReason,
)
from contexts.courses.services.counters import _enrollment_moved
from contexts.courses.structure import CourseStructure, course_structure
from nlc.clients import client_id_for
from nlc.db.transactions import atomic

logger = logging.getLogger(__name__)


def _counted_completed(enrollment_id: UUID, structure: CourseStructure) -> int:
    return LessonProgress.objects.filter(
        enrollment_id=enrollment_id, completed_at__isnull=False, lesson_id__in=structure.counted_lesson_ids
    ).count()


def _progress_apply(enrollment: Enrollment, *, completed: int, total: int) -> None:
    enrollment.counted_lessons_completed, enrollment.counted_lessons_total = completed, total
    enrollment.progress_percent = rules.course_percent(completed=completed, total=total)


def _completion_check(enrollment: Enrollment, course: Course, *, now: datetime) -> bool:
    """Complete an active enrollment whose counted lessons are all done; True when it did now."""
    if enrollment.status != EnrollmentStatus.ACTIVE:
        return False
    if not rules.course_is_complete(
        completed=enrollment.counted_lessons_completed, total=enrollment.counted_lessons_total
    ):
        return False
    enrollment.status, enrollment.completed_at = EnrollmentStatus.COMPLETED, now
    return True


def _enroll(
    *,
    course: Course,
    client_id: UUID,
    email: str,
    name: str,
    source: str,
    transaction_id: UUID | None,
) -> EnrollmentResult:
    """Enroll a client, or give a revoked enrollment access again; an enrollment with access is left
    as it is. Runs inside the caller's transaction."""
    now = timezone.now()
    existing = Enrollment.objects.select_for_update().filter(course=course, client_id=client_id).first()
    if existing is not None and existing.has_access:
        return EnrollmentResult(existing, created=False)
    structure = course_structure(course)
    if existing is None:
        enrollment = Enrollment(
            course=course,
            coach_id=course.coach_id,
            client_id=client_id,
            client_email=email,
            client_name=name,
            source=source,
            transaction_id=transaction_id,
            enrolled_at=now,
        )
        from_status, from_percent = None, 0
        _progress_apply(enrollment, completed=0, total=structure.counted_total)
    else:
        # Access again after a refund or a revocation: a fresh enrollment date (drip starts over),
        # the progress made before is kept, and a new access link (the old one stays dead).
        enrollment, from_status, from_percent = existing, existing.status, existing.progress_percent
        enrollment.status, enrollment.source, enrollment.transaction_id = (
            EnrollmentStatus.ACTIVE,
            source,
            transaction_id,
        )
        enrollment.client_email, enrollment.client_name = email, name or enrollment.client_name
        enrollment.enrolled_at, enrollment.revoked_at, enrollment.revoked_reason = now, None, ""
        enrollment.completed_at = None
        enrollment.access_version += 1
        _progress_apply(
            enrollment, completed=_counted_completed(enrollment.pk, structure), total=structure.counted_total
        )
    completed_now = _completion_check(enrollment, course, now=now)
    enrollment.save()
    _enrollment_moved(enrollment, from_status=from_status, from_percent=from_percent, now=now)
    events.enrollment_created_publish(enrollment=enrollment, course=course)
    if completed_now:
        events.enrollment_completed_publish(enrollment=enrollment, course=course)
    return EnrollmentResult(enrollment, created=True)


def enrollment_grant(*, course: Course, email: str, name: str = "") -> EnrollmentResult:
    """The coach enrolls a client by hand (or gives a revoked one access again)."""
    email = email.strip().lower()
    with atomic("courses"):
        course = Course.objects.select_for_update().get(pk=course.pk)
        if course.status == CourseStatus.ARCHIVED:
            raise CourseArchivedError()
        return _enroll(
            course=course,
            client_id=client_id_for(coach_id=course.coach_id, email=email),
            email=email,
            name=name.strip(),
            source=EnrollmentSource.MANUAL,
            transaction_id=None,
        )


def enrollment_create_from_payment(
    *,
    transaction_id: UUID,
    coach_id: UUID,
    course_id: UUID,
    client_id: UUID | None,
    client_email: str,
    client_name: str,
) -> EnrollmentResult:
    """Enroll the buyer of a course (billing.payment.completed). The same payment never enrolls
    twice, and a second payment of the same client for the same course finds its enrollment."""
    email = client_email.strip().lower()
    with atomic("courses"):
        already = Enrollment.objects.filter(transaction_id=transaction_id).first()
        if already is not None:
            return EnrollmentResult(already, created=False)
        course = Course.objects.select_for_update().filter(pk=course_id, coach_id=coach_id).first()
        if course is None:
            raise PurchaseForUnknownCourseError(f"course {course_id} of coach {coach_id} does not exist")
        derived = client_id_for(coach_id=coach_id, email=email)
        if client_id is not None and client_id != derived:
            logger.warning(
                "payment names another client id than the one derived from its e-mail",
                extra={"transaction_id": str(transaction_id), "client_id": str(client_id), "derived": str(derived)},
            )
        return _enroll(
            course=course,
            client_id=client_id or derived,
            email=email,
            name=(client_name or "").strip()[:200],
            source=EnrollmentSource.PURCHASE,
            transaction_id=transaction_id,
        )


def _revoke(enrollment: Enrollment, *, reason: str, now: datetime) -> bool:
    """Revoke a locked enrollment; every access link of it stops working at once."""
    if enrollment.status == EnrollmentStatus.REVOKED:
        return False
    from_status, from_percent = enrollment.status, enrollment.progress_percent
    enrollment.status, enrollment.revoked_at, enrollment.revoked_reason = EnrollmentStatus.REVOKED, now, reason
    enrollment.access_version += 1
    enrollment.save(update_fields=["status", "revoked_at", "revoked_reason", "access_version", "updated_at"])
    _enrollment_moved(enrollment, from_status=from_status, from_percent=from_percent, now=now)
    return True


def enrollment_revoke(*, enrollment: Enrollment) -> Enrollment:
    """The coach withdraws access (a revoked enrollment stays revoked; granting again restores it)."""
    with atomic("courses"):
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        _revoke(enrollment, reason=RevokeReason.COACH, now=timezone.now())
    return enrollment


def enrollment_revoke_for_refund(*, transaction_id: UUID) -> Enrollment | None:
    """A course purchase was refunded in full (billing.payment.refunded): the enrollment it paid for
    loses access. A refund of a payment that gives no access now (a duplicate payment) changes nothing."""
    with atomic("courses"):
        enrollment = Enrollment.objects.select_for_update().filter(transaction_id=transaction_id).first()
        if enrollment is None:
            return None
        _revoke(enrollment, reason=RevokeReason.REFUND, now=timezone.now())
    return enrollment


def enrollment_access_link_renew(*, enrollment: Enrollment) -> Enrollment:
    """A new access link for an enrollment (say the old one leaked): every earlier link stops working."""
    with atomic("courses"):
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.has_access:
            enrollment.access_version += 1
            enrollment.save(update_fields=["access_version", "updated_at"])
    return enrollment


def _enrollments_recount(course: Course) -> None:
    """After the counted lessons changed: each active enrollment's counts, percent and completion
    follow, with progress.updated for a percent that moved (no lesson caused it: lessonId null)."""
    now = timezone.now()
    structure = course_structure(course)
    enrollments = list(Enrollment.objects.select_for_update().filter(course=course, status=EnrollmentStatus.ACTIVE))
    if not enrollments:
        return
    done = dict(
        LessonProgress.objects.filter(
            enrollment__in=[enrollment.pk for enrollment in enrollments],
            completed_at__isnull=False,
            lesson_id__in=structure.counted_lesson_ids,
        )
        .values("enrollment_id")
        .annotate(done=Count("pk"))
        .values_list("enrollment_id", "done")
    )
    changed = []
    for enrollment in enrollments:
        before = (enrollment.counted_lessons_completed, enrollment.counted_lessons_total, enrollment.progress_percent)
        _progress_apply(enrollment, completed=done.get(enrollment.pk, 0), total=structure.counted_total)
        if before == (
            enrollment.counted_lessons_completed,
            enrollment.counted_lessons_total,
            enrollment.progress_percent,
        ):
            continue
        completed_now = _completion_check(enrollment, course, now=now)
        changed.append(enrollment)
        _enrollment_moved(enrollment, from_status=EnrollmentStatus.ACTIVE, from_percent=before[2], now=now)
        if enrollment.progress_percent != before[2]:
            events.progress_updated_publish(enrollment=enrollment, lesson_id=None, updated_at=now)
        if completed_now:
            events.enrollment_completed_publish(enrollment=enrollment, course=course)
    Enrollment.objects.bulk_update(
        changed,
        ["counted_lessons_completed", "counted_lessons_total", "progress_percent", "status", "completed_at"],
    )
