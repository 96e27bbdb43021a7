"""The public landing-form intake: a submission creates the coach's lead or updates it."""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from contexts.leads.data import Contact
from contexts.leads.errors import IntakeFormUnknownError
from contexts.leads.models import Lead, LeadForm, LeadSource, TimelineKind
from contexts.leads.services.records import lead_upsert, timeline_entry_new
from nlc.db.transactions import atomic

MESSAGE_EXCERPT_LENGTH = 200


def intake_submit(*, form_key: str, contact: Contact) -> tuple[Lead, bool]:
    """Record a submission of the form with this key: the lead (created or updated) and whether it is
    new. An unknown, rotated-out or inactive key is refused alike."""
    form = LeadForm.objects.filter(key=form_key, is_active=True).first()
    if form is None:
        raise IntakeFormUnknownError()
    now = timezone.now()
    if contact.consent_text.strip() and contact.consent_at is None:
        # Consent given with no time of its own is dated by its submission.
        contact = replace(contact, consent_at=now)
    touch = timeline_entry_new(
        coach_id=form.coach_id,
        kind=TimelineKind.FORM_SUBMITTED,
        occurred_at=now,
        summary=f"Submitted the form {form.name}",
        data={
            "formId": str(form.id),
            "message": contact.message.strip()[:MESSAGE_EXCERPT_LENGTH],
            "utmSource": contact.utm_source,
            "utmMedium": contact.utm_medium,
            "utmCampaign": contact.utm_campaign,
            "referrer": contact.referrer,
        },
    )
    with atomic("leads"):
        # The submission's timeline entry is written with the lead (one statement for a new person).
        lead, created = lead_upsert(
            coach_id=form.coach_id,
            contact=contact,
            source=LeadSource.LANDING_PAGE,
            form=form,
            touched_at=now,
            touch=touch,
        )
    return lead, created
