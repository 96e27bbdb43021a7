"""Every error of the leads context, in one place: domain words, a stable ``code``, no HTTP.

Each subclasses the kernel kind that says what went wrong (nlc.errors; nlc.api.errors maps the kind
to the status). "Not found" is no error of its own: a selector answers None and the view calls
``get_or_404(row, "<entity>")``.
"""

from __future__ import annotations

from nlc.errors import ConflictError, DomainError, InvalidInputError, NotFoundError, TooLargeError, UnavailableError


class IntakeFormUnknownError(NotFoundError):
    """The form key is unknown, rotated out or the form is turned off: one answer for all three."""

    code = "lead_form_not_found"
    message = "No such lead form."


class IntakeTooLargeError(TooLargeError):
    code = "intake_too_large"
    message = "The submission is too large."


class LeadInputInvalidError(InvalidInputError):
    code = "invalid"
    message = "Some fields are not valid."


class StatusMoveRefusedError(ConflictError):
    code = "status_move_refused"
    message = "A lead cannot move from this status to that one."


class LeadAlreadyExistsError(ConflictError):
    code = "lead_exists"
    message = "This coach has a lead with this e-mail already."


class CalendlyUserTakenError(ConflictError):
    code = "calendly_user_taken"
    message = "This Calendly user is connected to another coach."


class ImportTooLargeError(TooLargeError):
    code = "import_too_large"
    message = "The CSV file is too large."


class ImportUnreadableError(InvalidInputError):
    code = "import_unreadable"
    message = "The CSV file cannot be read: it needs a header row with an email column."


class SecretUnreadableError(UnavailableError):
    """A stored secret cannot be decrypted with any configured key (a key was dropped too soon)."""

    code = "secret_unreadable"
    message = "A stored secret cannot be read with the configured keys."


class CalendlyUserUnknownError(DomainError):
    """A Calendly webhook names no user a coach has connected: it can never apply."""

    code = "calendly_user_unknown"
    message = "No coach has connected the Calendly user of this booking."
