"""Templates as coaches and admins write them: each save is a new version, refused if it does not
render with its key's sample data; and a coach's sender identity.

A coach's template of a key overrides the platform's for that coach's mail; an admin's (no coach) is
the platform default, overriding the built-in one. Deleting a key's template removes every version of
it for its owner, so the next sends use the default again (sent messages keep their rendered copy).
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Max

from contexts.comms.data import RenderedEmail
from contexts.comms.defaults import BUILTIN, SAMPLES
from contexts.comms.errors import HeaderInjectionError
from contexts.comms.models import Category, SenderIdentity, Template
from contexts.comms.rendering import render_email, single_line
from nlc.db.transactions import atomic
from nlc.errors import InvalidInputError

CONTEXT = "comms"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
SAVE_ATTEMPTS = 3


def template_preview(
    *, key: str, subject: str, text_body: str, html_body: str, data: dict[str, Any] | None = None
) -> RenderedEmail:
    """The e-mail these sources make with ``data`` (default: the key's sample data); a
    TemplateRenderError naming the part and the position when they do not render."""
    single_line(subject, field="subject")
    return render_email(
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        context=SAMPLES.get(key, {}) if data is None else data,
    )


def template_save(
    *, key: str, coach_id: UUID | None, subject: str, text_body: str, html_body: str, created_by: UUID | None
) -> Template:
    """A new version of ``key`` for ``coach_id`` (None: the platform's), once it renders."""
    if not KEY_PATTERN.match(key):
        raise InvalidInputError(
            "A template key is lower case letters, digits and underscores.",
            code="template_key_invalid",
            field_errors={"key": ["Lower case letters, digits and underscores, starting with a letter."]},
        )
    template_preview(key=key, subject=subject, text_body=text_body, html_body=html_body)
    builtin = BUILTIN.get(key)
    category = builtin.category if builtin else Category.MARKETING
    for attempt in range(SAVE_ATTEMPTS):
        try:
            with atomic(CONTEXT):
                newest = Template.objects.filter(key=key, coach_id=coach_id).aggregate(newest=Max("version"))["newest"]
                return Template.objects.create(
                    key=key,
                    coach_id=coach_id,
                    version=(newest or 0) + 1,
                    category=category,
                    subject=subject,
                    text_body=text_body,
                    html_body=html_body,
                    created_by=created_by,
                )
        except IntegrityError:  # another save took this version number just now
            if attempt == SAVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def template_delete(*, template: Template) -> int:
    """Remove every version of ``template``'s key for its owner; how many."""
    with atomic(CONTEXT):
        deleted, _ = Template.objects.filter(key=template.key, coach_id=template.coach_id).delete()
    return deleted


def default_from_name() -> str:
    return settings.COMMS_FROM_NAME


def sender_identity_set(*, coach_id: UUID, from_name: str, reply_to: str) -> SenderIdentity:
    if "\n" in from_name or "\r" in from_name:
        raise HeaderInjectionError(field_errors={"from_name": ["No line breaks here."]})
    name = " ".join(from_name.split())
    if not name:
        raise InvalidInputError(
            "A sender name is required.", field_errors={"from_name": ["This field may not be blank."]}
        )
    with atomic(CONTEXT):
        identity, _ = SenderIdentity.objects.update_or_create(
            coach_id=coach_id, defaults={"from_name": name, "reply_to": reply_to}
        )
    return identity
