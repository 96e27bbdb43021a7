"""The two reads of a learner's every lesson request, as SQL written once.

Building and compiling an ORM query costs more than running it (about 1 ms each for the access link's
enrollment with its course, and for the lesson with the learner's progress and the media copy), and
both run on every learner request. Their SQL never changes, so it is written here once, from the
models' metadata, and each request only runs it and builds the rows into model instances with the
same converters the ORM would apply. The answers are what the ORM queries gave (see
contexts/courses/tests/test_prepared.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connections
from django.db.models import Field, Model

from contexts.courses.data import NO_PROGRESS, LessonProgressView
from contexts.courses.models import Course, Enrollment, Lesson, LessonProgress, MediaAsset
from nlc.db.transactions import alias_of

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Columns:
    """Some columns of one table under an SQL alias, and how to turn their values into Python."""

    fields: tuple[Field, ...]
    table_alias: str
    converters: tuple[tuple[Converter, ...], ...]

    def sql(self, quote: Callable[[str], str]) -> str:
        return ", ".join(f"{self.table_alias}.{quote(field.column)}" for field in self.fields)

    def values(self, row: Sequence[Any], start: int, connection) -> list[Any]:
        values = list(row[start : start + len(self.fields)])
        for index, (field, converters) in enumerate(zip(self.fields, self.converters, strict=True)):
            for convert in converters:
                values[index] = convert(values[index], field.get_col(self.table_alias), connection)
        return values

    def instance(self, model: type[Model], row: Sequence[Any], start: int, alias: str) -> Any:
        values = self.values(row, start, connections[alias])
        return model.from_db(alias, [field.attname for field in self.fields], values)


def _uuid_params(connection, *values: UUID) -> list[Any]:
    """Bound ids as the database takes them (a UUID on PostgreSQL, its hex on the embedded SQLite)."""
    pk = Enrollment._meta.pk
    assert pk is not None
    return [pk.get_db_prep_value(value, connection) for value in values]


def _columns(fields: Sequence[Field], table_alias: str, connection) -> _Columns:
    converters = []
    for field in fields:
        column = field.get_col(table_alias)
        converters.append(tuple(connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
    return _Columns(fields=tuple(fields), table_alias=table_alias, converters=tuple(converters))


def _fields(model: type[Model], *names: str) -> list[Field]:
    """``names`` of ``model`` (concrete columns), or all its concrete fields in the ORM's order."""
    if not names:
        return list(model._meta.concrete_fields)
    fields = {field.name: field for field in model._meta.concrete_fields}
    return [fields[name] for name in names]


@dataclass(frozen=True)
class _EnrollmentRead:
    sql: str
    enrollment: _Columns
    course: _Columns


@cache
def _enrollment_read(alias: str) -> _EnrollmentRead:
    connection = connections[alias]
    quote = connection.ops.quote_name
    enrollment = _columns(_fields(Enrollment), "e", connection)
    course = _columns(_fields(Course), "c", connection)
    sql = (
        f"SELECT {enrollment.sql(quote)}, {course.sql(quote)} "  # noqa: S608 - names from the models, values bound
        f"FROM {quote(Enrollment._meta.db_table)} e "
        f"INNER JOIN {quote(Course._meta.db_table)} c ON c.{quote('id')} = e.{quote('course_id')} "
        f"WHERE e.{quote('id')} = %s"
    )
    return _EnrollmentRead(sql=sql, enrollment=enrollment, course=course)


def enrollment_with_course(enrollment_id: UUID) -> Enrollment | None:
    """``Enrollment.objects.select_related("course").filter(pk=enrollment_id).first()``, one query."""
    alias = alias_of("courses")
    read = _enrollment_read(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(read.sql, _uuid_params(connection, enrollment_id))
        row = cursor.fetchone()
    if row is None:
        return None
    enrollment = read.enrollment.instance(Enrollment, row, 0, alias)
    course = read.course.instance(Course, row, len(read.enrollment.fields), alias)
    Enrollment._meta.get_field("course").set_cached_value(enrollment, course)  # as select_related does
    return enrollment


@dataclass(frozen=True)
class LessonRow:
    """A lesson, the learner's progress in it (NO_PROGRESS without a row) and what the media copy knows
    of its asset (None without a copy)."""

    lesson: Lesson
    progress: LessonProgressView
    media_provider: str | None
    media_external_id: str | None
    media_playback_url: str | None


PROGRESS_FIELDS = ("id", "position_seconds", "watched_seconds", "completed_at", "last_reported_at")
MEDIA_FIELDS = ("provider", "external_id", "playback_url")


@dataclass(frozen=True)
class _LessonRead:
    sql: str
    lesson: _Columns
    progress: _Columns
    media: _Columns


@cache
def _lesson_read(alias: str) -> _LessonRead:
    connection = connections[alias]
    quote = connection.ops.quote_name
    lesson = _columns(_fields(Lesson), "l", connection)
    progress = _columns(_fields(LessonProgress, *PROGRESS_FIELDS), "p", connection)
    media = _columns(_fields(MediaAsset, *MEDIA_FIELDS), "m", connection)
    sql = (
        f"SELECT {lesson.sql(quote)}, {progress.sql(quote)}, {media.sql(quote)} "  # noqa: S608 - as above
        f"FROM {quote(Lesson._meta.db_table)} l "
        f"LEFT OUTER JOIN {quote(LessonProgress._meta.db_table)} p "
        f"ON p.{quote('lesson_id')} = l.{quote('id')} AND p.{quote('enrollment_id')} = %s "
        f"LEFT OUTER JOIN {quote(MediaAsset._meta.db_table)} m ON m.{quote('id')} = l.{quote('media_asset_id')} "
        f"WHERE l.{quote('id')} = %s"
    )
    return _LessonRead(sql=sql, lesson=lesson, progress=progress, media=media)


def lesson_for_learner(*, lesson_id: UUID, enrollment_id: UUID) -> LessonRow | None:
    """The lesson with the enrollment's progress row in it (unique per enrollment and lesson) and its
    media copy (keyed by the asset id), one query."""
    alias = alias_of("courses")
    read = _lesson_read(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(read.sql, _uuid_params(connection, enrollment_id, lesson_id))
        row = cursor.fetchone()
    if row is None:
        return None
    lesson = read.lesson.instance(Lesson, row, 0, alias)
    start = len(read.lesson.fields)
    progress = NO_PROGRESS
    if row[start] is not None:  # the progress row's id
        progress = LessonProgressView(*read.progress.values(row, start, connection)[1:])
    start += len(read.progress.fields)
    provider, external_id, playback_url = read.media.values(row, start, connection)
    return LessonRow(
        lesson=lesson,
        progress=progress,
        media_provider=provider,
        media_external_id=external_id,
        media_playback_url=playback_url,
    )
