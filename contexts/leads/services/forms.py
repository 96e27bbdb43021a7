"""A coach's landing forms: created, renamed or turned off, and their public key rotated."""

from __future__ import annotations

import secrets
from uuid import UUID

from django.utils import timezone

from contexts.leads.models import LeadForm
from contexts.leads.rules import text_clean
from nlc.db.transactions import atomic

KEY_BYTES = 24  # 32 URL-safe characters: not guessable, not enumerable


def _new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def lead_form_create(*, coach_id: UUID, name: str) -> LeadForm:
    with atomic("leads"):
        return LeadForm.objects.create(coach_id=coach_id, name=text_clean(name), key=_new_key())


def lead_form_update(*, form: LeadForm, name: str | None = None, is_active: bool | None = None) -> LeadForm:
    with atomic("leads"):
        if name is not None:
            form.name = text_clean(name)
        if is_active is not None:
            form.is_active = is_active
        form.save(update_fields=["name", "is_active", "updated_at"])
        return form


def lead_form_rotate(*, form: LeadForm) -> LeadForm:
    """A new public key; the old one answers 404 from now on (a leaked or spammed URL is retired)."""
    with atomic("leads"):
        form.key = _new_key()
        form.rotated_at = timezone.now()
        form.save(update_fields=["key", "rotated_at", "updated_at"])
        return form
