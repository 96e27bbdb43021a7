"""The gateway: each enabled context under its prefix, plus the platform's own endpoints."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import IsAdminUser

from nlc.observability.health import health, ready

urlpatterns = [
    path("health", health, name="health"),
    path("ready", ready, name="ready"),
    path("", include("django_prometheus.urls")),
    path("admin/", admin.site.urls),
    path("docs/schema/", SpectacularAPIView.as_view(permission_classes=[IsAdminUser]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[IsAdminUser]),
        name="docs",
    ),
]

urlpatterns += [
    path(f"{context.name}/", include(f"{context.module}.urls")) for context in settings.NLC_CONTEXTS.values()
]
