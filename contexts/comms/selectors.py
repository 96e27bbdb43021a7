"""Reads of the comms context, scoped to the caller where a caller asks."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q, QuerySet

from contexts.comms.defaults import BUILTIN
from contexts.comms.models import Category, CoachContact, Message, Suppression, SuppressionReason, Template


@dataclass(frozen=True)
class ResolvedTemplate:
    """The template a send uses: the coach's newest version, else the platform's, else the built-in."""

    key: str
    version: int
    coach_id: UUID | None
    category: str
    subject: str
    text_body: str
    html_body: str


def template_resolve(*, key: str, coach_id: UUID | None) -> ResolvedTemplate | None:
    row = None
    if coach_id is not None:
        row = Template.objects.filter(key=key, coach_id=coach_id).order_by("-version").first()
    if row is None:
        row = Template.objects.filter(key=key, coach_id__isnull=True).order_by("-version").first()
    if row is not None:
        return ResolvedTemplate(
            key=key,
            version=row.version,
            coach_id=row.coach_id,
            category=row.category,
            subject=row.subject,
            text_body=row.text_body,
            html_body=row.html_body,
        )
    builtin = BUILTIN.get(key)
    if builtin is None:
        return None
    return ResolvedTemplate(
        key=key,
        version=0,
        coach_id=None,
        category=builtin.category,
        subject=builtin.subject,
        text_body=builtin.text_body,
        html_body=builtin.html_body,
    )


def coach_contact_get(*, coach_id: UUID) -> CoachContact | None:
    return CoachContact.objects.filter(coach_id=coach_id).first()


def suppression_reason_for(*, email: str, coach_id: UUID | None, category: str) -> str | None:
    """Why ``email`` must not get this mail (a suppression's reason), or None.

    Marketing mail: any suppression of the coach or of the whole platform. Transactional mail (a
    reset, a receipt): only a hard bounce, since the address does not exist.
    """
    scope = Q(coach_id__isnull=True) | Q(coach_id=coach_id) if coach_id else Q(coach_id__isnull=True)
    rows = Suppression.objects.filter(scope, email__iexact=email)
    if category != Category.MARKETING:
        rows = rows.filter(reason=SuppressionReason.HARD_BOUNCE)
    return rows.values_list("reason", flat=True).first()


def message_by_provider_reference(*, message_id: str | None, provider_message_id: str | None) -> Message | None:
    """The message a provider's event is about: by the id comms gave it, else the provider's id."""
    if message_id:
        try:
            found = Message.objects.filter(id=UUID(message_id)).first()
        except ValueError:
            found = None
        if found is not None:
            return found
    if provider_message_id:
        return Message.objects.filter(provider_message_id=provider_message_id.strip("<>")).first()
    return None


def message_list_for(*, coach_id: UUID | None) -> QuerySet[Message]:
    return Message.objects.filter(coach_id=coach_id)
