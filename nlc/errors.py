"""The errors every context's domain raises, and those of third-party providers. No HTTP here.

A context's ``errors.py`` subclasses these: each error has a stable machine-readable ``code``, a
message for people, and may name the inputs at fault (``field_errors``, keyed by the *domain* field
name, e.g. ``current_password``) and add ``details``. What kind of error it is (the base class it
derives from) is all the API layer needs: :mod:`nlc.api.errors` maps each kind to an HTTP status and
the field names to the camelCase of the wire. A consumer maps the same errors to retry or dead letter.

Class names end in ``Error`` (ruff's N818), so a reader sees at once what can be raised.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class DomainError(Exception):
    """Something the caller asked cannot be done. The bare kind is a bad request."""

    # Class defaults, overridden per instance by the constructor's arguments.
    code: str = "invalid"
    message: str = "The request cannot be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field_errors: dict[str, list[str]] | None = None,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ):
        self.message = message or type(self).message
        self.code = code or type(self).code
        self.field_errors = field_errors or {}
        self.details = details
        # Seconds after which the same request may succeed (a lock, an outage), if that is known.
        self.retry_after = retry_after
        super().__init__(self.message)


class InvalidInputError(DomainError):
    """The input breaks a rule of the domain (a 400)."""


class AuthenticationFailedError(DomainError):
    """The caller could not be recognised (a 401)."""

    code = "authentication_failed"
    message = "The credentials are not valid."


class NotPermittedError(DomainError):
    """The caller is known but may not do this (a 403)."""

    code = "permission_denied"
    message = "You may not do this."


class NotFoundError(DomainError):
    """The entity does not exist, or is not the caller's to see (a 404)."""

    code = "not_found"
    message = "Not found."

    @classmethod
    def of(cls, entity: str) -> NotFoundError:
        """``NotFoundError.of("payment_link")``: code ``payment_link_not_found``."""
        return cls(f"No such {entity.replace('_', ' ')}.", code=f"{entity}_not_found")


class ConflictError(DomainError):
    """The entity's state does not allow this now (a 409)."""

    code = "conflict"
    message = "This conflicts with the current state."


class TooLargeError(DomainError):
    """The input is larger than accepted (a 413)."""

    code = "too_large"
    message = "The request is too large."


class LockedError(DomainError):
    """The entity is locked for a while (a 423); ``retry_after`` says how long."""

    code = "locked"
    message = "This is locked for now."


class UnavailableError(DomainError):
    """A dependency is not available right now; the same request may succeed later (a 503)."""

    code = "unavailable"
    message = "This cannot be done right now; nothing was changed. Try again shortly."


class UpstreamRejectedError(DomainError):
    """A dependency refused what we asked; asking again will not help (a 502)."""

    code = "upstream_rejected"
    message = "A provider refused the request; nothing was changed."


class ProviderError(Exception):
    """A call to a third party failed. Every adapter in ``contexts/*/providers`` raises only this.

    ``retryable`` says whether the same call may succeed later (timeouts, connection errors, 429,
    5xx) or not (the provider refused: 4xx, a bad key). ``configured`` is False when the provider
    has no credentials here. ``provider_code`` is the provider's own error code, if it gave one.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        retryable: bool,
        configured: bool = True,
        provider_code: str | None = None,
        http_status: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.retryable = retryable
        self.configured = configured
        self.provider_code = provider_code
        self.http_status = http_status


PROVIDER_RETRY_AFTER_SECONDS = 30


def provider_failure(error: ProviderError, *, message: str | None = None) -> DomainError:
    """The domain error a service raises for a provider's failure: ``503 <provider>_unavailable``
    when it may pass (or ``<provider>_not_configured``), ``502 <provider>_error`` when it will not.

    Services use it as ``except ProviderError as error: raise provider_failure(error) from error``,
    or through :func:`provider_call`.
    """
    name = error.provider
    label = name.capitalize()
    if not error.configured:
        return UnavailableError(message or f"{label} is not configured on this server.", code=f"{name}_not_configured")
    if error.retryable:
        return UnavailableError(
            message or f"{label} cannot be reached right now; nothing was changed. Try again shortly.",
            code=f"{name}_unavailable",
            details={"retryable": True},
            retry_after=PROVIDER_RETRY_AFTER_SECONDS,
        )
    return UpstreamRejectedError(
        message or f"{label} refused the request; nothing was changed.",
        code=f"{name}_error",
        details={"retryable": False, f"{name}Code": error.provider_code},
    )


@contextmanager
def provider_call() -> Iterator[None]:
    """``with provider_call(): adapter.create(...)``: a :class:`ProviderError` leaves as the domain
    error of :func:`provider_failure`."""
    try:
        yield
    except ProviderError as error:
        raise provider_failure(error) from error
