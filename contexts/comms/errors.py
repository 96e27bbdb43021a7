"""Every error of the comms context, in one place: domain words, a stable ``code``, no HTTP."""

from __future__ import annotations

from nlc.errors import ConflictError, InvalidInputError


class TemplateMissingError(Exception):
    """No template of this key exists (neither the coach's nor the platform's): the event that asked
    for it is dead-lettered with this reason."""


class RecipientUnknownError(Exception):
    """The event names nobody comms can write to (no e-mail in it, no coach address kept)."""


class MailgunEventMalformedError(Exception):
    """A webhook body that is no Mailgun event: retrying cannot help, the event is dead-lettered."""


class TemplateRenderError(InvalidInputError):
    """A template that does not compile or render is refused when it is saved."""

    code = "template_invalid"
    message = "The template cannot be rendered."


class HeaderInjectionError(InvalidInputError):
    """A line break in a subject or a name would start a header of its own."""

    code = "header_injection"
    message = "Subjects and names may not contain line breaks."


class SequenceTriggerValueInvalidError(InvalidInputError):
    """A sequence's trigger value that its trigger cannot match (an unknown lead status, a bad tag)."""

    code = "sequence_trigger_value_invalid"
    message = "The trigger's value does not fit its trigger."


class UnsubscribeLinkInvalidError(InvalidInputError):
    code = "unsubscribe_link_invalid"
    message = "This unsubscribe link is not valid."


class UnsubscribeLinkUsedError(ConflictError):
    code = "unsubscribe_link_used"
    message = "This unsubscribe link was already used."
