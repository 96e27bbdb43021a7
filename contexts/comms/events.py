"""What the comms context publishes; payloads follow docs/contracts/events/comms/.

Each function is called by a service inside its transaction on the comms alias, with the message row
it publishes about locked, so one message's events leave in commit order.
"""

from __future__ import annotations

from datetime import datetime

from contexts.comms.models import Message, SequenceRun
from nlc.events import publish

EMAIL_SENT = "comms.email.sent"
EMAIL_FAILED = "comms.email.failed"
EMAIL_OPENED = "comms.email.opened"
EMAIL_CLICKED = "comms.email.clicked"
EMAIL_DELIVERED = "comms.email.delivered"
EMAIL_COMPLAINED = "comms.email.complained"


def _email_fields(message: Message) -> dict:
    return {
        "emailId": message.id,
        "coachId": message.coach_id,
        "clientId": message.client_id,
        "recipientEmail": message.recipient_email,
        "templateKey": message.template_key,
        "sequenceId": message.sequence_id,
    }


def email_sent_publish(*, message: Message) -> dict:
    return publish(
        EMAIL_SENT,
        {
            **_email_fields(message),
            "subject": message.subject,
            "providerMessageId": message.provider_message_id,
            "sentAt": message.sent_at,
        },
        aggregate_id=message.id,
    )


def email_failed_publish(*, message: Message, severity: str, reason: str, failed_at: datetime) -> dict:
    return publish(
        EMAIL_FAILED,
        {
            **_email_fields(message),
            "providerMessageId": message.provider_message_id,
            "severity": severity,
            "reason": (reason or "unknown")[:1000],
            "failedAt": failed_at,
        },
        aggregate_id=message.id,
    )


def email_opened_publish(*, message: Message, opened_at: datetime) -> dict:
    return publish(
        EMAIL_OPENED,
        {**_email_fields(message), "providerMessageId": message.provider_message_id, "openedAt": opened_at},
        aggregate_id=message.id,
    )


def email_clicked_publish(*, message: Message, url: str, clicked_at: datetime) -> dict:
    return publish(
        EMAIL_CLICKED,
        {
            **_email_fields(message),
            "providerMessageId": message.provider_message_id,
            "url": url,
            "clickedAt": clicked_at,
        },
        aggregate_id=message.id,
    )


def email_delivered_publish(*, message: Message, delivered_at: datetime) -> dict:
    return publish(
        EMAIL_DELIVERED,
        {**_email_fields(message), "providerMessageId": message.provider_message_id, "deliveredAt": delivered_at},
        aggregate_id=message.id,
    )


def email_complained_publish(*, message: Message, complained_at: datetime) -> dict:
    return publish(
        EMAIL_COMPLAINED,
        {**_email_fields(message), "providerMessageId": message.provider_message_id, "complainedAt": complained_at},
        aggregate_id=message.id,
    )


SEQUENCE_STARTED = "comms.sequence.started"


def sequence_started_publish(*, run: SequenceRun, step_count: int) -> dict:
    return publish(
        SEQUENCE_STARTED,
        {
            "runId": run.id,
            "sequenceId": run.sequence_id,
            "sequenceName": run.sequence.name,
            "coachId": run.coach_id,
            "clientId": run.client_id,
            "recipientEmail": run.recipient_email,
            "trigger": run.trigger,
            "stepCount": step_count,
            "startedAt": run.created_at,
        },
        aggregate_id=run.id,
    )
