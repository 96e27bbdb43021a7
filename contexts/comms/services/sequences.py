"""Coach-defined sequences: ordered steps (a template and a delay), started by a trigger (a lead, a
lead's status, an enrollment, or the coach), one run per recipient, advanced by beat.

A due run is claimed (``SKIP LOCKED``) and its step's message is queued in the same transaction, with
a trigger id made of the run and the step: two beat processes, or a restart half-way, never send a
step twice. A run stops on its exit rules: the recipient bought (``exit_on_purchase``), unsubscribed
(suppressed for the coach's marketing mail), or the sequence was cancelled.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta
from uuid import UUID

from django.utils import timezone

from contexts.comms import events, selectors
from contexts.comms.errors import SequenceTriggerValueInvalidError, TemplateMissingError, TemplateRenderError
from contexts.comms.models import (
    Category,
    RunStatus,
    Sequence,
    SequenceRun,
    SequenceStatus,
    SequenceStep,
    SequenceTrigger,
)
from contexts.comms.rendering import single_line
from contexts.comms.services.sending import message_queue
from nlc.db.transactions import atomic
from nlc.errors import ConflictError, InvalidInputError
from nlc.events.contracts import registry

logger = logging.getLogger(__name__)
CONTEXT = "comms"
MAX_STEPS = 20
STEP_NAMESPACE = uuid.UUID("6f0f64f5-3f8e-4d3c-9f69-5b0b8d1f2a10")
# A tag as leads keeps it (trimmed, lower case; leads' rules.tag_valid).
TAG = re.compile(r"^[a-z0-9_][a-z0-9_ .-]{0,49}$")


def sequence_create(
    *,
    coach_id: UUID,
    name: str,
    trigger: str,
    trigger_value: str,
    exit_on_purchase: bool,
    steps: list[tuple[str, int]],
) -> Sequence:
    """A sequence of ``steps`` (template key, delay in seconds); every key must be a template the
    coach's mail can use."""
    trigger_value = _trigger_value(trigger, trigger_value)
    if not 1 <= len(steps) <= MAX_STEPS:
        raise InvalidInputError(field_errors={"steps": [f"Between 1 and {MAX_STEPS} steps."]})
    unknown = sorted({key for key, _ in steps if selectors.template_resolve(key=key, coach_id=coach_id) is None})
    if unknown:
        raise InvalidInputError(
            "A step names a template that does not exist.",
            code="template_not_found",
            field_errors={"steps": [f"No template {key!r}." for key in unknown]},
        )
    with atomic(CONTEXT):
        sequence = Sequence.objects.create(
            coach_id=coach_id,
            name=" ".join(name.split()),
            trigger=trigger,
            trigger_value=trigger_value,
            exit_on_purchase=exit_on_purchase,
        )
        SequenceStep.objects.bulk_create(
            SequenceStep(sequence=sequence, position=position, template_key=key, delay_seconds=delay)
            for position, (key, delay) in enumerate(steps)
        )
    return sequence


def _trigger_value(trigger: str, value: str) -> str:
    """The trigger's value as stored, or a 400 naming what is wrong: a lead status (one of the
    pipeline's, as leads' contract lists them), a tag (as leads keeps tags: trimmed, lower case), a
    course id or blank (any course) for enrollments, nothing for the other triggers."""
    value = value.strip()
    if trigger == SequenceTrigger.LEAD_STATUS:
        statuses = lead_statuses()
        if value not in statuses:
            raise SequenceTriggerValueInvalidError(
                field_errors={"trigger_value": [f"A lead status: one of {', '.join(statuses)}."]}
            )
        return value
    if trigger == SequenceTrigger.LEAD_TAGGED:
        tag = " ".join(value.split()).lower()
        if not TAG.match(tag):
            raise SequenceTriggerValueInvalidError(
                field_errors={
                    "trigger_value": ["A tag: at most 50 letters, digits, spaces, dots, dashes or underscores."]
                }
            )
        return tag
    if trigger == SequenceTrigger.ENROLLMENT_CREATED:
        if value:
            try:
                return str(uuid.UUID(value))
            except ValueError as error:
                raise SequenceTriggerValueInvalidError(
                    field_errors={"trigger_value": ["A course id, or blank for any course."]}
                ) from error
        return ""
    if value:
        raise SequenceTriggerValueInvalidError(field_errors={"trigger_value": ["This trigger takes no value."]})
    return ""


def lead_statuses() -> list[str]:
    """The pipeline's statuses, as the current contract of ``leads.status.changed`` lists them."""
    return list(registry().get("leads.status.changed").schema["properties"]["toStatus"]["enum"])


def sequence_cancel(*, sequence: Sequence) -> Sequence:
    """Stop the sequence: no new runs, and every active run exits."""
    now = timezone.now()
    with atomic(CONTEXT):
        sequence = Sequence.objects.select_for_update().get(id=sequence.id)
        if sequence.status != SequenceStatus.CANCELLED:
            sequence.status = SequenceStatus.CANCELLED
            sequence.cancelled_at = now
            sequence.save(update_fields=["status", "cancelled_at", "updated_at"])
            sequence.runs.filter(status=RunStatus.ACTIVE).update(
                status=RunStatus.EXITED, exit_reason="sequence_cancelled", ended_at=now, next_send_at=None
            )
    return sequence


def sequence_run_start(
    *, sequence: Sequence, email: str, name: str, client_id: UUID | None, trigger: str
) -> SequenceRun:
    """Enroll ``email`` in the sequence (its active run, if it has one already)."""
    single_line(name, field="name")
    if sequence.status != SequenceStatus.ACTIVE:
        raise ConflictError("This sequence is cancelled.", code="sequence_cancelled")
    with atomic(CONTEXT):
        existing = sequence.runs.filter(status=RunStatus.ACTIVE, recipient_email__iexact=email).first()
        if existing is not None:
            return existing
        steps = list(sequence.steps.order_by("position"))
        run = SequenceRun.objects.create(
            sequence=sequence,
            coach_id=sequence.coach_id,
            client_id=client_id,
            recipient_email=email,
            recipient_name=" ".join(name.split())[:200],
            trigger=trigger,
            next_send_at=timezone.now() + timedelta(seconds=steps[0].delay_seconds),
        )
        events.sequence_started_publish(run=run, step_count=len(steps))
    return run


def sequence_runs_start_for(
    *, coach_id: UUID, trigger: str, value: str, email: str, name: str, client_id: UUID | None, event_type: str
) -> list[SequenceRun]:
    """Start every active sequence of the coach that ``trigger`` (with ``value``) enrolls into."""
    sequences = Sequence.objects.filter(coach_id=coach_id, trigger=trigger, status=SequenceStatus.ACTIVE)
    return [
        sequence_run_start(sequence=sequence, email=email, name=name, client_id=client_id, trigger=event_type)
        for sequence in sequences
        if not sequence.trigger_value or sequence.trigger_value == value
    ]


def sequence_runs_exit_on_purchase(*, coach_id: UUID, client_id: UUID | None, email: str | None) -> int:
    """The buyer leaves the coach's sequences that end on a purchase; how many runs."""
    runs = SequenceRun.objects.filter(coach_id=coach_id, status=RunStatus.ACTIVE, sequence__exit_on_purchase=True)
    if client_id is not None:
        runs = runs.filter(client_id=client_id) | runs.filter(recipient_email__iexact=email or "")
    else:
        runs = runs.filter(recipient_email__iexact=email or "")
    with atomic(CONTEXT):
        return SequenceRun.objects.filter(id__in=list(runs.values_list("id", flat=True))).update(
            status=RunStatus.EXITED, exit_reason="purchase_made", ended_at=timezone.now(), next_send_at=None
        )


def sequence_advance_due(*, limit: int = 200) -> int:
    """Send every due step (each run claimed by one process); how many runs moved."""
    now = timezone.now()
    with atomic(CONTEXT):
        runs = list(
            SequenceRun.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("sequence")
            .filter(status=RunStatus.ACTIVE, next_send_at__lte=now)
            .order_by("next_send_at")[:limit]
        )
        for run in runs:
            _advance(run, now=now)
    return len(runs)


def _exit(run: SequenceRun, reason: str, *, now) -> None:
    run.status = RunStatus.EXITED
    run.exit_reason = reason
    run.ended_at = now
    run.next_send_at = None
    run.save()


def _advance(run: SequenceRun, *, now) -> None:
    if run.sequence.status != SequenceStatus.ACTIVE:
        _exit(run, "sequence_cancelled", now=now)
        return
    reason = selectors.suppression_reason_for(
        email=run.recipient_email, coach_id=run.coach_id, category=Category.MARKETING
    )
    if reason:
        _exit(run, selectors.ERASED if reason == selectors.ERASED else "unsubscribed", now=now)
        return
    steps = list(run.sequence.steps.order_by("position"))
    step = steps[run.next_position]
    try:
        message_queue(
            key=step.template_key,
            to_email=run.recipient_email,
            to_name=run.recipient_name,
            coach_id=run.coach_id,
            client_id=run.client_id,
            context={"name": run.recipient_name, "email": run.recipient_email},
            trigger_event_id=uuid.uuid5(STEP_NAMESPACE, f"{run.id}:{step.position}"),
            trigger_event_type="comms.sequence.step",
            sequence_id=run.sequence_id,
            sender_coach_id=run.coach_id,
        )
    except (TemplateMissingError, TemplateRenderError) as error:
        # The coach deleted or broke the step's template since: this run cannot go on.
        logger.error("sequence step cannot be sent", extra={"run_id": str(run.id), "reason": str(error)})
        _exit(run, "template_missing", now=now)
        return
    run.next_position += 1
    if run.next_position >= len(steps):
        run.status = RunStatus.COMPLETED
        run.ended_at = now
        run.next_send_at = None
    else:
        run.next_send_at = now + timedelta(seconds=steps[run.next_position].delay_seconds)
    run.save()
