"""Plain result types of the courses context's services and selectors, where a model is not enough."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from contexts.courses import rules
from contexts.courses.models import Course, CourseStats, Enrollment, Lesson, LessonProgress
from contexts.courses.structure import CourseStructure, LessonNode

# --- Writes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressReport:
    """What a learner's player reports for one lesson."""

    position_seconds: float | None = None
    watched_from_seconds: float | None = None
    completed: bool = False


@dataclass(frozen=True)
class ProgressRecorded:
    progress: LessonProgress
    enrollment: Enrollment
    lesson_completed_now: bool


@dataclass(frozen=True)
class EnrollmentResult:
    enrollment: Enrollment
    created: bool  # a new enrollment, or a revoked one given access again


# --- Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonFunnelRow:
    lesson: LessonNode
    index: int
    learners_started: int
    learners_completed: int
    drop_off_percent: float


@dataclass(frozen=True)
class CourseAggregates:
    course: Course
    stats: CourseStats
    lessons: list[LessonFunnelRow]


@dataclass(frozen=True)
class LessonProgressView:
    position_seconds: int = 0
    watched_seconds: int = 0
    completed_at: datetime | None = None
    last_reported_at: datetime | None = None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


NO_PROGRESS = LessonProgressView()


@dataclass(frozen=True)
class Outline:
    enrollment: Enrollment
    structure: CourseStructure
    modules: dict[UUID, rules.Availability]
    lessons: dict[UUID, rules.Availability]
    progress: dict[UUID, LessonProgressView]

    @property
    def resume_lesson_id(self) -> UUID | None:
        """The lesson the learner reported on last, if it is still in the course and open."""
        reported = [
            (view.last_reported_at, lesson_id)
            for lesson_id, view in self.progress.items()
            if lesson_id in self.lessons and self.lessons[lesson_id].is_open and view.last_reported_at
        ]
        return max(reported)[1] if reported else None


@dataclass(frozen=True)
class Playback:
    """What a learner's player needs: a provider's embed URL, or a signed media link (download or stream)."""

    type: str  # embed | download | stream
    url: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class LearnerLesson:
    lesson: Lesson
    progress: LessonProgressView
    playback: Playback | None = None
