"""Courses data as it is stored, for tests that need many rows (query counts, lists). Tests of
behaviour build their courses through the services (``make_course`` in conftest.py)."""

import uuid
from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from contexts.courses.models import (
    Course,
    CourseStats,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonStats,
    Module,
    ProgressSnapshot,
)
from nlc.clients import client_id_for


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    coach_id = factory.LazyFunction(uuid.uuid4)
    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    stats = factory.RelatedFactory("contexts.courses.tests.factories.CourseStatsFactory", factory_related_name="course")


class CourseStatsFactory(DjangoModelFactory):
    class Meta:
        model = CourseStats


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(DjangoModelFactory):
    class Meta:
        model = Lesson
        skip_postgeneration_save = True

    module = factory.SubFactory(ModuleFactory)
    course = factory.SelfAttribute("module.course")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = LessonKind.TEXT
    position = factory.Sequence(lambda n: n)
    stats = factory.RelatedFactory(
        "contexts.courses.tests.factories.LessonStatsFactory",
        factory_related_name="lesson",
        course=factory.SelfAttribute("..course"),
    )


class LessonStatsFactory(DjangoModelFactory):
    class Meta:
        model = LessonStats


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    coach_id = factory.SelfAttribute("course.coach_id")
    client_email = factory.Sequence(lambda n: f"learner{n}@example.com")
    client_id = factory.LazyAttribute(lambda o: client_id_for(coach_id=o.coach_id, email=o.client_email))
    client_name = factory.Faker("name")
    source = EnrollmentSource.MANUAL


class LessonProgressFactory(DjangoModelFactory):
    class Meta:
        model = LessonProgress

    enrollment = factory.SubFactory(EnrollmentFactory)
    lesson = factory.SubFactory(LessonFactory)


class ProgressSnapshotFactory(DjangoModelFactory):
    class Meta:
        model = ProgressSnapshot

    enrollment = factory.SubFactory(EnrollmentFactory)
    course = factory.SelfAttribute("enrollment.course")
    day = factory.Sequence(lambda n: date(2026, 1, 1) + timedelta(days=n))
    progress_percent = 10
    counted_lessons_completed = 1
    counted_lessons_total = 10
