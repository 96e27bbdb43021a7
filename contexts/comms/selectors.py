"""Reads of the comms context, scoped to the caller where a caller asks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from contexts.comms.defaults import BUILTIN
from contexts.comms.models import (
    Category,
    ClientContact,
    CoachContact,
    ErasedClient,
    Message,
    MessageStatus,
    ScheduledEmail,
    SenderIdentity,
    Sequence,
    SequenceRun,
    Suppression,
    SuppressionReason,
    Template,
)
from nlc.api.principal import Principal
from nlc.api.scoping import scope_to_principal
from nlc.clients import client_id_for


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


ERASED = "erased"


def suppression_reason_for(*, email: str, coach_id: UUID | None, category: str) -> str | None:
    """Why ``email`` must not get this mail (a suppression's reason), or None.

    Marketing mail: any suppression of the coach or of the whole platform. Transactional mail (a
    reset, a receipt): only a hard bounce, since the address does not exist. A person the coach had
    erased gets no mail of the coach at all (``erased``).
    """
    if coach_id is not None and email.strip() and erased_client_ids(pairs=[(coach_id, email)]):
        return ERASED
    scope = Q(coach_id__isnull=True) | Q(coach_id=coach_id) if coach_id else Q(coach_id__isnull=True)
    rows = Suppression.objects.filter(scope, email__iexact=email)
    if category != Category.MARKETING:
        rows = rows.filter(reason=SuppressionReason.HARD_BOUNCE)
    return rows.values_list("reason", flat=True).first()


def erased_client_ids(*, pairs: list[tuple[UUID, str]]) -> set[tuple[UUID, UUID]]:
    """Of the (coach, e-mail) pairs, the (coach, clientId) of those the coach had erased: one query."""
    wanted = {(coach_id, client_id_for(coach_id=coach_id, email=email)) for coach_id, email in pairs if email.strip()}
    if not wanted:
        return set()
    rows = ErasedClient.objects.filter(client_id__in={client_id for _, client_id in wanted})
    return {pair for pair in rows.values_list("coach_id", "client_id") if pair in wanted}


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


def client_contact_get(*, coach_id: UUID, client_id: UUID) -> ClientContact | None:
    return ClientContact.objects.filter(coach_id=coach_id, client_id=client_id).first()


def sender_identity_get(*, coach_id: UUID) -> SenderIdentity | None:
    return SenderIdentity.objects.filter(coach_id=coach_id).first()


# --- What the API shows ---------------------------------------------------------------------------


def _coach_filter(rows: QuerySet, filters: dict[str, Any]) -> QuerySet:
    """An admin may narrow any list to one coach (a coach's own lists are narrowed already)."""
    return rows.filter(coach_id=filters["coach_id"]) if filters.get("coach_id") else rows


def template_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Template]:
    """A coach's own template versions; an admin's: every one (``platform`` narrows to the defaults)."""
    filters = filters or {}
    rows = scope_to_principal(Template.objects.all(), principal)
    if filters.get("key"):
        rows = rows.filter(key=filters["key"])
    if filters.get("platform") is not None:
        rows = rows.filter(coach_id__isnull=filters["platform"])
    return _coach_filter(rows, filters).order_by("key", "-version", "id")


def template_get(*, principal: Principal, template_id: UUID) -> Template | None:
    return template_list(principal=principal).filter(pk=template_id).first()


def message_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Message]:
    filters = filters or {}
    rows = scope_to_principal(Message.objects.all(), principal)
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("template_key"):
        rows = rows.filter(template_key=filters["template_key"])
    if filters.get("since"):
        rows = rows.filter(created_at__gte=filters["since"])
    if filters.get("until"):
        rows = rows.filter(created_at__lt=filters["until"])
    return _coach_filter(rows, filters).order_by("-created_at", "-id")


def message_get(*, principal: Principal, message_id: UUID) -> Message | None:
    return message_list(principal=principal).filter(pk=message_id).first()


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def deliverability_report(*, principal: Principal, filters: dict[str, Any]) -> dict[str, Any]:
    """Messages of the period (by when they were made) counted by what became of them, with rates
    over those sent: sent, delivered, opened, clicked, bounced, complained, failed."""
    rows = message_list(principal=principal, filters=filters)
    counts = rows.aggregate(
        sent=Count("id", filter=Q(sent_at__isnull=False)),
        delivered=Count("id", filter=Q(delivered_at__isnull=False)),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
        clicked=Count("id", filter=Q(clicked_at__isnull=False)),
        bounced=Count("id", filter=Q(status=MessageStatus.BOUNCED)),
        complained=Count("id", filter=Q(status=MessageStatus.COMPLAINED)),
        failed=Count("id", filter=Q(status=MessageStatus.FAILED)),
        suppressed=Count("id", filter=Q(status=MessageStatus.SUPPRESSED)),
    )
    sent = counts["sent"]
    rates = {
        f"{name}_rate": _rate(counts[name], sent)
        for name in ("delivered", "opened", "clicked", "bounced", "complained")
    }
    return {
        "coach_id": principal.coach_id if principal.is_coach else filters.get("coach_id"),
        "since": filters.get("since"),
        "until": filters.get("until"),
        **counts,
        **rates,
    }


def sequence_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[Sequence]:
    filters = filters or {}
    rows = scope_to_principal(Sequence.objects.prefetch_related("steps"), principal)
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    return _coach_filter(rows, filters).order_by("-created_at", "-id")


def sequence_get(*, principal: Principal, sequence_id: UUID) -> Sequence | None:
    return sequence_list(principal=principal).filter(pk=sequence_id).first()


def sequence_run_list(
    *, principal: Principal, sequence: Sequence, filters: dict[str, Any] | None = None
) -> QuerySet[SequenceRun]:
    filters = filters or {}
    rows = scope_to_principal(SequenceRun.objects.filter(sequence=sequence), principal)
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    return rows.order_by("-created_at", "-id")


def scheduled_email_list(*, principal: Principal, filters: dict[str, Any] | None = None) -> QuerySet[ScheduledEmail]:
    filters = filters or {}
    rows = scope_to_principal(ScheduledEmail.objects.all(), principal)
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    return _coach_filter(rows, filters).order_by("-send_at", "-id")


def scheduled_email_get(*, principal: Principal, scheduled_email_id: UUID) -> ScheduledEmail | None:
    return scheduled_email_list(principal=principal).filter(pk=scheduled_email_id).first()
