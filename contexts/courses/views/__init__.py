"""The courses API under /courses/: thin views that validate, call a service or selector, and answer.

- Coaches and admins (a bearer access token): courses, modules, lessons, enrollments, aggregates.
  A coach reaches only its own; another coach's ids answer 404, as if they did not exist.
- Learners (``Authorization: AccessLink <token>``): /courses/learn/... for their one enrollment.
- Anyone: /courses/preview/... for a published course's outline and its free-preview lessons.
"""

from contexts.courses.views.authoring import (
    CourseArchiveView,
    CourseDetailView,
    CourseListView,
    CoursePublishView,
    LessonDetailView,
    LessonListView,
    LessonOrderView,
    ModuleDetailView,
    ModuleListView,
    ModuleOrderView,
)
from contexts.courses.views.enrollments import (
    CourseAggregatesView,
    EnrollmentAccessLinkView,
    EnrollmentDetailView,
    EnrollmentListView,
    EnrollmentRevokeView,
    EnrollmentSnapshotListView,
)
from contexts.courses.views.learners import (
    CoursePreviewView,
    LearnerLessonView,
    LearnerOutlineView,
    LearnerPlaybackView,
    LearnerProgressView,
    LessonPreviewView,
)

__all__ = [
    "CourseAggregatesView",
    "CourseArchiveView",
    "CourseDetailView",
    "CourseListView",
    "CoursePreviewView",
    "CoursePublishView",
    "EnrollmentAccessLinkView",
    "EnrollmentDetailView",
    "EnrollmentListView",
    "EnrollmentRevokeView",
    "EnrollmentSnapshotListView",
    "LearnerLessonView",
    "LearnerOutlineView",
    "LearnerPlaybackView",
    "LearnerProgressView",
    "LessonDetailView",
    "LessonListView",
    "LessonOrderView",
    "LessonPreviewView",
    "ModuleDetailView",
    "ModuleListView",
    "ModuleOrderView",
]
