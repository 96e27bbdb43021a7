"""The gateway: each enabled context under its prefix, plus the platform's own endpoints.

Every error answers in the one JSON shape of nlc.api.errors, except under /admin/ (HTML).
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from nlc.api.docs import docs_urlpatterns
from nlc.observability.health import health, ready

urlpatterns = [
    path("health", health, name="health"),
    path("ready", ready, name="ready"),
    path("", include("django_prometheus.urls")),
    path("admin/", admin.site.urls),
    # /docs/ (Swagger UI), /docs/schema/ (all contexts), /docs/<context>/ and /docs/schema/<context>/.
    *docs_urlpatterns(),
]

urlpatterns += [
    path(f"{context.name}/", include(f"{context.module}.urls")) for context in settings.NLC_CONTEXTS.values()
]

handler400 = "nlc.api.errors.bad_request"
handler403 = "nlc.api.errors.permission_denied"
handler404 = "nlc.api.errors.page_not_found"
handler500 = "nlc.api.errors.server_error"
