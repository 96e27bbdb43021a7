from django.urls import path

from contexts.courses import views

app_name = "courses"

urlpatterns = [
    # Coaches and admins
    path("courses", views.CourseListView.as_view(), name="courses"),
    path("courses/<uuid:course_id>", views.CourseDetailView.as_view(), name="course"),
    path("courses/<uuid:course_id>/publish", views.CoursePublishView.as_view(), name="course-publish"),
    path("courses/<uuid:course_id>/archive", views.CourseArchiveView.as_view(), name="course-archive"),
    path("courses/<uuid:course_id>/modules", views.ModuleListView.as_view(), name="modules"),
    path("courses/<uuid:course_id>/modules/order", views.ModuleOrderView.as_view(), name="module-order"),
    path("courses/<uuid:course_id>/enrollments", views.EnrollmentListView.as_view(), name="enrollments"),
    path("courses/<uuid:course_id>/stats", views.CourseAggregatesView.as_view(), name="course-stats"),
    path("modules/<uuid:module_id>", views.ModuleDetailView.as_view(), name="module"),
    path("modules/<uuid:module_id>/lessons", views.LessonListView.as_view(), name="lessons"),
    path("modules/<uuid:module_id>/lessons/order", views.LessonOrderView.as_view(), name="lesson-order"),
    path("lessons/<uuid:lesson_id>", views.LessonDetailView.as_view(), name="lesson"),
    path("enrollments/<uuid:enrollment_id>", views.EnrollmentDetailView.as_view(), name="enrollment"),
    path("enrollments/<uuid:enrollment_id>/revoke", views.EnrollmentRevokeView.as_view(), name="enrollment-revoke"),
    path(
        "enrollments/<uuid:enrollment_id>/access-link",
        views.EnrollmentAccessLinkView.as_view(),
        name="enrollment-access-link",
    ),
    path(
        "enrollments/<uuid:enrollment_id>/snapshots",
        views.EnrollmentSnapshotListView.as_view(),
        name="enrollment-snapshots",
    ),
    # Learners, with their access link
    path("learn/outline", views.LearnerOutlineView.as_view(), name="learn-outline"),
    path("learn/lessons/<uuid:lesson_id>", views.LearnerLessonView.as_view(), name="learn-lesson"),
    path("learn/lessons/<uuid:lesson_id>/progress", views.LearnerProgressView.as_view(), name="learn-progress"),
    path("learn/lessons/<uuid:lesson_id>/playback", views.LearnerPlaybackView.as_view(), name="learn-playback"),
    # Anyone: a published course's sales page
    path("preview/<uuid:course_id>", views.CoursePreviewView.as_view(), name="preview"),
    path("preview/<uuid:course_id>/lessons/<uuid:lesson_id>", views.LessonPreviewView.as_view(), name="preview-lesson"),
]
