"""One JSON error shape for every error of every context::

    {"status": 400, "code": "invalid", "message": "...", "fieldErrors": {"email": ["..."]}}

``code`` is stable and machine-readable, ``message`` is for people, ``fieldErrors`` maps each
invalid input field (dotted for nested ones, e.g. ``items.0.price``) to its messages and is ``{}``
when no field is to blame. An error that has more to say adds ``details`` (e.g. ``lockedUntil``).

Services raise the DRF-free errors of :mod:`nlc.errors`; :func:`exception_handler` gives each kind
its status (:data:`STATUS_BY_KIND`) and turns their domain field names into the wire's camelCase.
DRF views get the shape from :func:`exception_handler`; everything else under the gateway (an unknown
path, a malformed id, an unhandled exception, in any ``DEBUG`` mode) from the Django handlers below,
and, with ``DEBUG`` on, :class:`JsonErrorMiddleware`.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from nlc import errors as domain
from nlc.api.casing import to_camel

# Paths served as HTML to people in a browser; every other path answers in JSON.
_HTML_PREFIXES = ("/admin/",)


class ApiError(exceptions.APIException):
    """A domain error that a service raises, with its own status, code and message.

    Subclasses set ``status_code``, ``default_code`` and ``default_detail``; an instance may add
    ``field_errors``, ``details`` (extra JSON for clients) and response ``headers``.
    """

    status_code = 400
    default_code = "bad_request"
    default_detail = "The request cannot be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field_errors: dict[str, list[str]] | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail=message or self.default_detail, code=code or self.default_code)
        self.field_errors = field_errors or {}
        self.details = details
        self.headers = headers or {}


# The HTTP status of each kind of domain error; a subclass takes its nearest kind's.
STATUS_BY_KIND: dict[type[domain.DomainError], int] = {
    domain.InvalidInputError: 400,
    domain.AuthenticationFailedError: 401,
    domain.NotPermittedError: 403,
    domain.NotFoundError: 404,
    domain.ConflictError: 409,
    domain.TooLargeError: 413,
    domain.LockedError: 423,
    domain.UpstreamRejectedError: 502,
    domain.UnavailableError: 503,
    domain.DomainError: 400,
}


def status_for(error: domain.DomainError) -> int:
    return next(STATUS_BY_KIND[kind] for kind in type(error).__mro__ if kind in STATUS_BY_KIND)


def _wire_field(name: str) -> str:
    """``items.0.unit_price`` -> ``items.0.unitPrice``."""
    return ".".join(to_camel(part) for part in name.split("."))


def domain_error_response(error: domain.DomainError, *, challenge: str | None = None) -> Response:
    """The answer to a domain error; a 401 carries ``challenge`` (the view's authentication scheme)."""
    status = status_for(error)
    field_errors = {_wire_field(name): list(messages) for name, messages in error.field_errors.items()}
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else {}
    if status == 401:
        headers["WWW-Authenticate"] = challenge or 'Bearer realm="api"'
    return Response(
        error_body(status, error.code, error.message, field_errors, error.details), status=status, headers=headers
    )


def error_body(
    status: int, code: str, message: str, field_errors: dict | None = None, details: dict | None = None
) -> dict[str, Any]:
    body = {"status": status, "code": code, "message": message, "fieldErrors": field_errors or {}}
    if details:
        body["details"] = details
    return body


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: any known exception -> the one error shape; others stay 500s."""
    if isinstance(exc, domain.DomainError):
        set_rollback()
        view, request = context.get("view"), context.get("request")
        challenge = view.get_authenticate_header(request) if view is not None and request is not None else None
        return domain_error_response(exc, challenge=challenge)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(exc, "wait", None)
    if wait is not None:
        headers["Retry-After"] = str(math.ceil(wait))
    headers.update(getattr(exc, "headers", None) or {})
    set_rollback()
    return Response(_body_for(exc), status=exc.status_code, headers=headers)


def _body_for(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        field_errors, general = _flatten(exc.detail)
        message = general[0] if general else "The request is invalid: see fieldErrors."
        return error_body(exc.status_code, "invalid", message, field_errors)
    if isinstance(exc, exceptions.Throttled):
        waited = getattr(exc, "wait", None)
        wait = math.ceil(waited) if waited is not None else None
        message = f"Too many requests: try again in {wait} seconds." if wait else "Too many requests."
        return error_body(exc.status_code, "throttled", message, details={"retryAfter": wait} if wait else None)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return error_body(
        exc.status_code,
        code,
        str(exc.detail),
        getattr(exc, "field_errors", None),
        getattr(exc, "details", None),
    )


def _flatten(detail, prefix: str = "") -> tuple[dict[str, list[str]], list[str]]:
    """Serializer errors -> (``{"a.b": [messages]}``, messages that name no field)."""
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if not prefix and key in (api_settings.NON_FIELD_ERRORS_KEY, "__all__"):
                general.extend(str(item) for item in _leaves(value))
                continue
            nested_fields, nested_general = _flatten(value, f"{prefix}.{key}" if prefix else str(key))
            fields.update(nested_fields)
            general.extend(nested_general)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            nested_fields, nested_general = _flatten(item, f"{prefix}.{index}" if prefix else str(index))
            fields.update(nested_fields)
            general.extend(nested_general)
    else:
        messages = [str(item) for item in _leaves(detail)]
        if prefix:
            fields[prefix] = messages
        else:
            general.extend(messages)
    return fields, general


def _leaves(value) -> list:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _wants_html(request) -> bool:
    return request.path.startswith(_HTML_PREFIXES)


# Django's handlers for what DRF does not see (config/urls.py: handler400/403/404/500).
def bad_request(request, exception):
    if _wants_html(request):
        return defaults.bad_request(request, exception)
    return JsonResponse(error_body(400, "bad_request", "The request is malformed."), status=400)


def permission_denied(request, exception):
    if _wants_html(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse(error_body(403, "permission_denied", "You may not do this."), status=403)


def page_not_found(request, exception):
    if _wants_html(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse(error_body(404, "not_found", f"Nothing is served at {request.path}."), status=404)


class JsonErrorMiddleware:
    """With ``DEBUG`` on, Django answers an unknown path, a malformed id and an unhandled exception
    with its HTML pages instead of the handlers below; this puts the one JSON shape in their place,
    so every mode answers alike (Django has logged the exception already)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not settings.DEBUG or _wants_html(request) or response.status_code not in (403, 404, 500):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if response.status_code == 404:
            return page_not_found(request, None)
        if response.status_code == 403:
            return permission_denied(request, None)
        return server_error(request)


def server_error(request):
    if _wants_html(request):
        return defaults.server_error(request)
    message = "Something went wrong on our side; it has been logged."
    request_id = getattr(request, "request_id", None)
    if request_id:
        message = f"{message} Reference: {request_id}."
    return JsonResponse(error_body(500, "server_error", message), status=500)
