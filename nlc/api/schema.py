"""The OpenAPI documents: one per context and a combined one (drf-spectacular).

Each context's document covers only its own URLs; ``manage.py openapi_export`` writes them to
``docs/openapi/<context>.yaml``, and the suite fails when a checked-in file is stale.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import include, path
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.settings import patched_settings


class PrincipalAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "nlc.api.authentication.PrincipalAuthentication"
    match_subclasses = True
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from POST /auth/login (or a service token for this context).",
        }


def context_urlpatterns(name: str) -> list:
    context = settings.NLC_CONTEXTS[name]
    return [path(f"{context.name}/", include(f"{context.module}.urls"))]


def context_settings(name: str) -> dict:
    return {"TITLE": f"NextLevelCoach API: {name}"}


def context_schema(name: str) -> dict:
    with patched_settings(context_settings(name)):
        generator = SchemaGenerator(patterns=context_urlpatterns(name))
        return generator.get_schema(request=None, public=True)


def render_yaml(schema: dict) -> bytes:
    return OpenApiYamlRenderer().render(schema, renderer_context={})


def lib_doc_excludes() -> list[type]:
    """drf-spectacular's GET_LIB_DOC_EXCLUDES: the library's classes and the kernel's bases, whose
    docstrings are for developers and never describe an endpoint or a component."""
    from drf_spectacular.plumbing import get_lib_doc_excludes

    from nlc.api import views
    from nlc.api.serializers import CamelCaseSerializer

    kernel_bases = [
        views.BaseView,
        views.CoachOrAdminView,
        views.CoachView,
        views.AdminView,
        views.ServiceView,
        views.PublicView,
        CamelCaseSerializer,
    ]
    return [*get_lib_doc_excludes(), *kernel_bases]
