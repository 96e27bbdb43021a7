"""``/docs/``: Swagger UI and the OpenAPI documents, for staff only.

A browser signed in to the Django admin as an admin sees them; anyone else in a browser is sent
to the admin log-in first. An admin access token also works, for tools.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import path, reverse
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.renderers import JSONRenderer

from nlc.api.schema import context_settings, context_urlpatterns


class DocsView(SpectacularSwaggerView):
    def perform_content_negotiation(self, request, force=False):
        # OPTIONS describes the view in JSON; the Swagger page's HTML renderer has nothing to show.
        if request.method == "OPTIONS":
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def handle_exception(self, exc):
        if isinstance(exc, NotAuthenticated | AuthenticationFailed) and apps.is_installed("django.contrib.admin"):
            return redirect_to_login(self.request.get_full_path(), login_url=reverse("admin:login"))
        return super().handle_exception(exc)


def docs_urlpatterns() -> list:
    patterns = [
        path("docs/schema/", SpectacularAPIView.as_view(), name="schema"),
        path("docs/", DocsView.as_view(url_name="schema"), name="docs"),
    ]
    for name in settings.NLC_CONTEXTS:
        patterns += [
            path(
                f"docs/schema/{name}/",
                SpectacularAPIView.as_view(patterns=context_urlpatterns(name), custom_settings=context_settings(name)),
                name=f"schema-{name}",
            ),
            path(f"docs/{name}/", DocsView.as_view(url_name=f"schema-{name}"), name=f"docs-{name}"),
        ]
    return patterns
