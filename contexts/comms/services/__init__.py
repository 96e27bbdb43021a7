"""Writes of the comms context (a package: sending, transactional mail, tracking, suppression)."""

from contexts.comms.services.audiences import client_contact_record, course_member_record
from contexts.comms.services.privacy import client_erase
from contexts.comms.services.scheduled import (
    recipients_of,
    scheduled_email_cancel,
    scheduled_email_create,
    scheduled_email_send_due,
)
from contexts.comms.services.sending import (
    message_deliver,
    message_queue,
    message_send_batch,
    message_send_due,
    message_send_enqueue,
    outgoing_email,
    retry_delay,
    unsubscribe_token,
    unsubscribe_url,
)
from contexts.comms.services.sequences import (
    sequence_advance_due,
    sequence_cancel,
    sequence_create,
    sequence_run_start,
    sequence_runs_exit_on_purchase,
    sequence_runs_start_for,
)
from contexts.comms.services.suppression import suppression_add, unsubscribe_apply
from contexts.comms.services.templates import (
    default_from_name,
    sender_identity_set,
    template_delete,
    template_preview,
    template_save,
)
from contexts.comms.services.tracking import mailgun_event_apply
from contexts.comms.services.transactional import (
    coach_signup_record,
    enrollment_access_email_queue,
    enrollment_completed_email_queue,
    invoice_email_queue,
    password_reset_email_queue,
    payment_failed_email_queue,
    payment_receipt_queue,
)

__all__ = [
    "client_contact_record",
    "client_erase",
    "coach_signup_record",
    "course_member_record",
    "default_from_name",
    "enrollment_access_email_queue",
    "enrollment_completed_email_queue",
    "invoice_email_queue",
    "mailgun_event_apply",
    "message_deliver",
    "message_queue",
    "message_send_batch",
    "message_send_due",
    "message_send_enqueue",
    "outgoing_email",
    "password_reset_email_queue",
    "payment_failed_email_queue",
    "payment_receipt_queue",
    "recipients_of",
    "retry_delay",
    "scheduled_email_cancel",
    "scheduled_email_create",
    "scheduled_email_send_due",
    "sender_identity_set",
    "sequence_advance_due",
    "sequence_cancel",
    "sequence_create",
    "sequence_run_start",
    "sequence_runs_exit_on_purchase",
    "sequence_runs_start_for",
    "suppression_add",
    "template_delete",
    "template_preview",
    "template_save",
    "unsubscribe_apply",
    "unsubscribe_token",
    "unsubscribe_url",
]
