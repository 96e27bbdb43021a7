from django.urls import path

from contexts.analytics import views

app_name = "analytics"

urlpatterns = [
    path("kpis", views.KpiView.as_view(), name="kpis"),
    path("kpis/export", views.KpiExportView.as_view(), name="kpi-export"),
    path("courses", views.CourseProgressListView.as_view(), name="course-progress-list"),
    path("courses/<uuid:course_id>/dropoff", views.CourseDropoffView.as_view(), name="course-dropoff"),
    path("clients", views.ClientHealthListView.as_view(), name="client-health-list"),
    path("clients/<uuid:client_id>", views.ClientHealthDetailView.as_view(), name="client-health-detail"),
    path("platform", views.PlatformView.as_view(), name="platform"),
]
