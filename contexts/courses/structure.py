"""A course's structure (modules and lessons in order, without lesson bodies), built from two queries
and cached: learners read it far more often than coaches change it.

The cache key carries ``Course.structure_revision``, a fresh random value that every change of the
structure writes in its own transaction. A reader that has the course row therefore asks for the
current revision and never gets a stale structure: an old entry is simply never asked for again and
expires, and a revision rolled back with its transaction is never reused. That is also why a small
in-process memo may sit in front of the shared cache (a key's content never changes), sparing most
requests even the cache round trip.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from uuid import UUID

from django.core.cache import cache

from contexts.courses.models import Lesson, Module

CACHE_SECONDS = 24 * 3600
_MEMO_SIZE = 512
_memo: OrderedDict[str, CourseStructure] = OrderedDict()
_memo_lock = Lock()


@dataclass(frozen=True)
class LessonNode:
    id: UUID
    module_id: UUID
    title: str
    kind: str
    position: int
    is_required: bool
    is_free_preview: bool
    opens_at: datetime | None
    opens_after_days: int | None
    media_asset_id: UUID | None
    media_state: str
    duration_seconds: int | None
    completion_threshold_percent: int
    file_name: str


@dataclass(frozen=True)
class ModuleNode:
    id: UUID
    title: str
    description: str
    position: int
    opens_at: datetime | None
    opens_after_days: int | None
    lesson_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class CourseStructure:
    course_id: UUID
    revision: UUID
    sequential: bool
    modules: tuple[ModuleNode, ...]
    # Every lesson, in course order (module position, then lesson position).
    lessons: dict[UUID, LessonNode]
    # The lessons that count for completion: the required ones, or all when none is marked required.
    counted_lesson_ids: frozenset[UUID]

    @property
    def counted_total(self) -> int:
        return len(self.counted_lesson_ids)

    def counted_before(self, lesson_id: UUID) -> list[UUID]:
        """The counted lessons that come before ``lesson_id`` in course order."""
        before = []
        for candidate in self.lessons:
            if candidate == lesson_id:
                return before
            if candidate in self.counted_lesson_ids:
                before.append(candidate)
        return before


def structure_build(course) -> CourseStructure:
    """Read a course's structure from the database (two queries)."""
    modules = list(Module.objects.filter(course_id=course.pk).order_by("position").values())
    lessons = list(Lesson.objects.filter(course_id=course.pk).values(*_LESSON_COLUMNS))
    by_module: dict[UUID, list[dict]] = {module["id"]: [] for module in modules}
    for lesson in lessons:
        by_module[lesson["module_id"]].append(lesson)
    module_nodes, lesson_nodes = [], {}
    for module in modules:
        ordered = sorted(by_module[module["id"]], key=lambda lesson: lesson["position"])
        for lesson in ordered:
            lesson_nodes[lesson["id"]] = LessonNode(**lesson)
        module_nodes.append(
            ModuleNode(
                id=module["id"],
                title=module["title"],
                description=module["description"],
                position=module["position"],
                opens_at=module["opens_at"],
                opens_after_days=module["opens_after_days"],
                lesson_ids=tuple(lesson["id"] for lesson in ordered),
            )
        )
    required = frozenset(node.id for node in lesson_nodes.values() if node.is_required)
    return CourseStructure(
        course_id=course.pk,
        revision=course.structure_revision,
        sequential=course.sequential,
        modules=tuple(module_nodes),
        lessons=lesson_nodes,
        counted_lesson_ids=required or frozenset(lesson_nodes),
    )


_LESSON_COLUMNS = (
    "id",
    "module_id",
    "title",
    "kind",
    "position",
    "is_required",
    "is_free_preview",
    "opens_at",
    "opens_after_days",
    "media_asset_id",
    "media_state",
    "duration_seconds",
    "completion_threshold_percent",
    "file_name",
)


def _key(course) -> str:
    return f"courses:structure:1:{course.pk}:{course.structure_revision}"


def course_structure(course) -> CourseStructure:
    """The structure of ``course`` at the revision of the row given, from the memo, the cache, or the database."""
    key = _key(course)
    structure = _memo.get(key)
    if structure is not None:
        return structure
    structure = cache.get(key)
    if structure is None:
        structure = structure_build(course)
        cache.set(key, structure, CACHE_SECONDS)
    with _memo_lock:
        _memo[key] = structure
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return structure


def memo_clear() -> None:
    """Forget the in-process memo."""
    with _memo_lock:
        _memo.clear()
