"""Writes of the leads context: ``<entity>_<action>(*, ...)`` with keyword-only typed arguments.

Each owns its transaction on the leads alias (``atomic("leads")``), validates, saves, and publishes
its events (events.py) inside that same transaction. Split by topic, re-exported here.
"""

from contexts.leads.services.bookings import booking_record, calendly_connection_delete, calendly_connection_save
from contexts.leads.services.clients import (
    email_touch_record,
    enrollment_complete_record,
    enrollment_progress_record,
    enrollment_record,
    payment_record,
    payment_refund_record,
)
from contexts.leads.services.copies import coach_copy_save
from contexts.leads.services.forms import lead_form_create, lead_form_rotate, lead_form_update
from contexts.leads.services.imports import lead_import
from contexts.leads.services.intake import intake_submit
from contexts.leads.services.pipeline import lead_create, lead_note_add, lead_status_move, lead_update
from contexts.leads.services.privacy import person_erase

__all__ = [
    "booking_record",
    "calendly_connection_delete",
    "calendly_connection_save",
    "coach_copy_save",
    "email_touch_record",
    "enrollment_complete_record",
    "enrollment_progress_record",
    "enrollment_record",
    "intake_submit",
    "lead_create",
    "lead_form_create",
    "lead_form_rotate",
    "lead_form_update",
    "lead_import",
    "lead_note_add",
    "lead_status_move",
    "lead_update",
    "payment_record",
    "payment_refund_record",
    "person_erase",
]
