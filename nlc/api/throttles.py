"""Throttles per scope on the shared cache (Redis with REDIS_URL, local memory otherwise).

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` and are read on every request, so a
settings override applies at once. A scope whose rate is empty is not throttled.

- default: every API view, per principal (per IP when anonymous): scopes ``user`` and ``anon``;
- ``login`` / ``login_account``: log-in, per client IP and per e-mail tried;
- ``signup``: sign-up, per IP;
- ``password_reset`` / ``password_reset_account``: reset requests, per IP and per e-mail;
- ``lead_intake``: public landing-page forms, per IP;
- ``webhooks``: third-party webhooks, per IP.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from nlc.api.http import client_ip


class ScopedThrottle(SimpleRateThrottle):
    cache_format = "throttle:%(scope)s:%(ident)s"

    def get_rate(self) -> str | None:
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if self.scope not in rates:
            raise ImproperlyConfigured(f"No throttle rate for the scope {self.scope!r}")
        rate = rates[self.scope]
        return str(rate) if rate else None

    def key_for(self, ident: str | None) -> str | None:
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class IpThrottle(ScopedThrottle):
    """Counts requests per client IP (see :func:`nlc.api.http.client_ip`)."""

    def get_cache_key(self, request, view):
        return self.key_for(client_ip(request) or "unknown")


class AccountThrottle(ScopedThrottle):
    """Counts requests per account named in the body's ``email``, whatever IP they come from."""

    field = "email"

    def get_cache_key(self, request, view):
        value = request.data.get(self.field) if hasattr(request.data, "get") else None
        if not isinstance(value, str) or not value.strip():
            return None
        return self.key_for(hashlib.sha256(value.strip().lower().encode()).hexdigest())


class DefaultRateThrottle(ScopedThrottle):
    """Per principal when authenticated (scope ``user``), per IP otherwise (scope ``anon``)."""

    scope = "user"

    def __init__(self):
        # The scope, hence the rate, depends on the request: chosen in allow_request.
        pass

    def allow_request(self, request, view):
        user = request.user
        authenticated = bool(user and user.is_authenticated)
        self.scope = "user" if authenticated else "anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        user = request.user
        if self.scope == "user":
            return self.key_for(str(getattr(user, "id", None) or f"service:{getattr(user, 'service', '')}"))
        return self.key_for(client_ip(request) or "unknown")


class LoginThrottle(IpThrottle):
    scope = "login"


class LoginAccountThrottle(AccountThrottle):
    scope = "login_account"


class SignupThrottle(IpThrottle):
    scope = "signup"


class PasswordResetThrottle(IpThrottle):
    scope = "password_reset"


class PasswordResetAccountThrottle(AccountThrottle):
    scope = "password_reset_account"


class LeadIntakeThrottle(IpThrottle):
    scope = "lead_intake"


class WebhookThrottle(IpThrottle):
    scope = "webhooks"
