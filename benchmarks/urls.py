from django.urls import path

from benchmarks.baseline import views
from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/hello", views.hello),
    path("bench/insert", views.InsertView.as_view()),
    path("bench/rows/<uuid:pk>", views.ReadView.as_view()),
    *project_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
