"""The Django admin (admins only). Structure edits go through the services afterwards, so the cached
structure, the learners' counts and the aggregates follow; status changes, revocations and link
renewals are actions that call the services. Enrollments, progress, snapshots, aggregates and the
copies of other contexts' data are read-only: they are written by the product, not by hand."""

from django.contrib import admin, messages

from contexts.courses import services
from contexts.courses.errors import CourseEmptyError
from contexts.courses.models import (
    Coach,
    Course,
    CourseStats,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonStats,
    MediaAsset,
    Module,
    ProgressSnapshot,
)
from nlc.admin import ReadOnlyAdmin
from nlc.db.transactions import atomic


def _touch(course_ids) -> None:
    for course_id in sorted(set(course_ids)):
        if Course.objects.filter(pk=course_id).exists():
            services.course_structure_touch(course_id=course_id)


class StructureAdmin(admin.ModelAdmin):
    """Saves and deletes, then lets the services bring the course along."""

    def _course_ids(self, obj) -> list:
        return [obj.course_id]

    def save_related(self, request, form, formsets, change):
        with atomic("courses"):
            super().save_related(request, form, formsets, change)
            _touch(self._course_ids(form.instance))

    def delete_model(self, request, obj):
        course_ids = self._course_ids(obj)
        super().delete_model(request, obj)
        _touch(course_ids)

    def delete_queryset(self, request, queryset):
        course_ids = [course_id for obj in queryset for course_id in self._course_ids(obj)]
        super().delete_queryset(request, queryset)
        _touch(course_ids)


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("position", "title", "opens_at", "opens_after_days")
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(StructureAdmin):
    list_display = ("title", "slug", "coach_id", "status", "sequential", "published_at", "created_at")
    list_filter = ("status", "sequential")
    search_fields = ("title", "slug", "=coach_id")
    readonly_fields = ("status", "published_at", "archived_at", "structure_revision", "created_at", "updated_at")
    inlines = [ModuleInline]
    actions = ["publish", "archive"]

    def _course_ids(self, obj) -> list:
        return [obj.pk]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.course_save_new(course=obj)

    @admin.action(description="Publish the selected courses")
    def publish(self, request, queryset):
        for course in queryset:
            try:
                services.course_publish(course=course)
            except CourseEmptyError:
                self.message_user(request, f"{course}: it has no lesson yet.", level=messages.WARNING)

    @admin.action(description="Archive the selected courses")
    def archive(self, request, queryset):
        for course in queryset:
            services.course_archive(course=course)


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ("position", "title", "kind", "is_required", "is_free_preview", "media_asset_id", "media_state")
    readonly_fields = ("media_state",)
    extra = 0
    show_change_link = True


@admin.register(Module)
class ModuleAdmin(StructureAdmin):
    list_display = ("title", "course", "position", "opens_at", "opens_after_days")
    search_fields = ("title", "=course__id")
    list_select_related = ("course",)
    raw_id_fields = ("course",)
    inlines = [LessonInline]

    def get_readonly_fields(self, request, obj=None):
        # Its lessons keep their course: a module does not move to another course.
        return ("course",) if obj is not None else ()

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            instance.course_id = form.instance.course_id
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Lesson)
class LessonAdmin(StructureAdmin):
    list_display = ("title", "course", "module", "position", "kind", "media_state", "is_required", "is_free_preview")
    list_filter = ("kind", "media_state", "is_required", "is_free_preview")
    search_fields = ("title", "=course__id", "=media_asset_id")
    list_select_related = ("course", "module")
    raw_id_fields = ("module",)
    exclude = ("course",)
    readonly_fields = ("media_state", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        # The lesson's course is its module's; a move to another course's module touches both.
        obj.previous_course_id = Lesson.objects.get(pk=obj.pk).course_id if change else None
        obj.course_id = obj.module.course_id
        super().save_model(request, obj, form, change)

    def _course_ids(self, obj) -> list:
        return [course_id for course_id in (obj.course_id, getattr(obj, "previous_course_id", None)) if course_id]


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ("client_email", "course", "status", "source", "progress_percent", "enrolled_at", "last_activity_at")
    list_filter = ("status", "source")
    search_fields = ("client_email", "client_name", "=client_id", "=transaction_id", "=course__id")
    list_select_related = ("course",)
    date_hierarchy = "enrolled_at"
    actions = ["revoke", "renew_access_link"]

    @admin.action(description="Revoke the selected enrollments (their links stop working)")
    def revoke(self, request, queryset):
        for enrollment in queryset:
            services.enrollment_revoke(enrollment=enrollment)

    @admin.action(description="Renew the access links of the selected enrollments")
    def renew_access_link(self, request, queryset):
        for enrollment in queryset:
            services.enrollment_access_link_renew(enrollment=enrollment)


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyAdmin):
    list_display = ("enrollment", "lesson", "position_seconds", "watched_seconds", "completed_at", "last_reported_at")
    search_fields = ("=enrollment__id", "=lesson__id", "enrollment__client_email")
    list_select_related = ("enrollment", "lesson")


@admin.register(ProgressSnapshot)
class ProgressSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("day", "enrollment", "course", "progress_percent", "counted_lessons_completed")
    list_filter = ("day",)
    search_fields = ("=enrollment__id", "=course__id")
    list_select_related = ("enrollment", "course")


@admin.register(CourseStats)
class CourseStatsAdmin(ReadOnlyAdmin):
    list_display = (
        "course",
        "enrollments_active",
        "enrollments_completed",
        "enrollments_revoked",
        "active_learners_7d",
        "completion_rate_percent",
        "average_progress_percent",
        "updated_at",
    )
    list_select_related = ("course",)


@admin.register(LessonStats)
class LessonStatsAdmin(ReadOnlyAdmin):
    list_display = ("lesson", "course", "learners_started", "learners_completed")
    list_select_related = ("lesson", "course")


@admin.register(Coach)
class CoachAdmin(ReadOnlyAdmin):
    list_display = ("email", "first_name", "last_name", "id", "created_at")
    search_fields = ("email", "=id")


@admin.register(MediaAsset)
class MediaAssetAdmin(ReadOnlyAdmin):
    list_display = ("id", "coach_id", "kind", "provider", "state", "duration_seconds", "changed_at")
    list_filter = ("state", "kind")
    search_fields = ("=id", "=coach_id")
