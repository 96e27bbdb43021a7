"""Every error of the notifications context, in one place: domain words, a stable ``code``, no HTTP.

"Not found" is no error of its own: a selector answers None and the view calls
``get_or_404(row, "notification")`` (code ``notification_not_found``).
"""

from nlc.errors import AuthenticationFailedError, InvalidInputError


class PreferenceKindInvalidError(InvalidInputError):
    code = "preference_kind_invalid"
    message = "A kind is lower snake_case, at most 64 characters."


class StreamTicketInvalidError(AuthenticationFailedError):
    code = "stream_ticket_invalid"
    message = "The stream ticket is missing, malformed or expired: ask POST /notifications/stream/ticket for a new one."


class LastEventIdInvalidError(InvalidInputError):
    code = "last_event_id_invalid"
    message = "Last-Event-ID is the id of a notification event: a whole number."
