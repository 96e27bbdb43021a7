"""The suppression list blocks marketing mail and not a reset (unless the address hard-bounced), and the
RFC 8058 one-click unsubscribe link of marketing mail works once, without login, and cannot be forged."""

from __future__ import annotations

import uuid

import pytest
from django.core import signing

from contexts.comms import services
from contexts.comms.models import Message, Suppression, Template
from contexts.comms.services import sending
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def newsletter(coach_id) -> Template:
    """A coach's marketing template."""
    return Template.objects.create(
        key="newsletter",
        coach_id=coach_id,
        version=1,
        category="marketing",
        subject="News from {{ coach_name }}",
        text_body="Hi {{ name }}, here is what is new.",
        html_body="<p>Hi {{ name }}, here is what is new.</p>",
    )


def _newsletter_to(email: str, coach_id) -> Message:
    return services.message_queue(
        key="newsletter", to_email=email, coach_id=coach_id, context={"coach_name": "Cory", "name": "Joan"}
    )


def _reset_to(email: str) -> Message:
    return services.password_reset_email_queue(
        event_id=uuid.uuid4(),
        email=email,
        first_name="Joan",
        reset_url="https://app.nextlevelcoach.ai/reset?token=t",
        expires_at=sending.timezone.now(),
    )


def test_an_unsubscribed_address_gets_no_marketing_mail_but_its_reset(newsletter, coach_id, send_tasks):
    # given joan unsubscribed from the coach's mail
    services.suppression_add(email="Joan@Example.com", coach_id=coach_id, reason="unsubscribe")
    # when the coach's newsletter and a password reset are queued for her
    newsletter_message = _newsletter_to("joan@example.com", coach_id)
    reset = _reset_to("joan@example.com")
    # then the newsletter is suppressed (stored, never enqueued), and the reset goes
    assert (newsletter_message.status, newsletter_message.last_error) == ("suppressed", "suppressed: unsubscribe")
    assert reset.status == "queued"
    assert send_tasks.message_ids() == [str(reset.id)]


def test_another_coachs_suppression_does_not_block_this_coach(newsletter, coach_id, other_coach_id):
    services.suppression_add(email="joan@example.com", coach_id=other_coach_id, reason="unsubscribe")
    assert _newsletter_to("joan@example.com", coach_id).status == "queued"


def test_a_platform_wide_suppression_blocks_every_coachs_marketing(newsletter, coach_id):
    services.suppression_add(email="joan@example.com", coach_id=None, reason="complaint")
    assert _newsletter_to("joan@example.com", coach_id).status == "suppressed"


def test_a_hard_bounced_address_gets_no_reset_either(send_tasks, settings):
    # given the address bounced (and links are not kept)
    settings.COMMS_REDACT_SECRETS = True
    services.suppression_add(email="joan@example.com", coach_id=None, reason="hard_bounce")
    # when a reset is requested for it
    reset = _reset_to("joan@example.com")
    # then nothing is sent, and no link is kept
    assert reset.status == "suppressed"
    assert send_tasks.message_ids() == []
    stored = Message.objects.get(id=reset.id)
    assert "token=t" not in stored.text_body
    assert stored.secrets == []


def test_marketing_mail_carries_the_one_click_unsubscribe_headers(newsletter, coach_id, fake_mailgun, send_tasks):
    # when the newsletter is sent
    message = _newsletter_to("joan@example.com", coach_id)
    assert send_tasks.run() == ["sent"]
    # then Mailgun got RFC 8058's two headers, with the link signed for this message (the signature
    # is dated to the second, so the token is read back rather than made again)
    (request,) = fake_mailgun.requests
    before, _, after = sending.settings.COMMS_UNSUBSCRIBE_URL_TEMPLATE.partition("{token}")
    header = request.field("h:List-Unsubscribe")
    assert header.startswith(f"<{before}")
    assert header.endswith(f"{after}>")
    token = header[len(before) + 1 : len(header) - len(after) - 1]
    assert signing.loads(token, salt=sending.UNSUBSCRIBE_SALT) == {"m": str(message.id)}
    assert request.field("h:List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"


def test_transactional_mail_has_no_unsubscribe_link(fake_mailgun, send_tasks):
    _reset_to("joan@example.com")
    assert send_tasks.run() == ["sent"]
    (request,) = fake_mailgun.requests
    assert not [name for name, _ in request.form if name.startswith("h:List-Unsubscribe")]


def test_the_unsubscribe_link_works_once_without_login(newsletter, coach_id, api_client):
    # given a newsletter sent to joan
    message = _newsletter_to("joan@example.com", coach_id)
    token = services.unsubscribe_token(message_id=message.id)
    # when her mail client posts the one-click unsubscribe, with no credentials
    response = api_client.post(
        f"/comms/unsubscribe/{token}", "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    # then she is unsubscribed from the coach's mail
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "unsubscribed"}
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.coach_id, suppression.reason) == (
        "joan@example.com",
        coach_id,
        "unsubscribe",
    )
    # and the same link does not work twice
    again = api_client.post(f"/comms/unsubscribe/{token}")
    assert again.status_code == 409
    assert again.json()["code"] == "unsubscribe_link_used"
    assert Suppression.objects.count() == 1
    # and the next newsletter is not sent to her
    assert _newsletter_to("joan@example.com", coach_id).status == "suppressed"


@pytest.mark.parametrize(
    "forge",
    [
        lambda token, message: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token, message: signing.dumps({"m": str(message.id)}, salt="another.salt", compress=True),
        lambda token, message: signing.dumps({"m": str(uuid.uuid4())}, salt=sending.UNSUBSCRIBE_SALT, compress=True),
        lambda token, message: "not-a-token",
    ],
    ids=["tampered", "other-salt", "unknown-message", "garbage"],
)
def test_a_forged_unsubscribe_link_does_nothing(newsletter, coach_id, api_client, forge):
    message = _newsletter_to("joan@example.com", coach_id)
    token = forge(services.unsubscribe_token(message_id=message.id), message)
    response = api_client.post(f"/comms/unsubscribe/{token}")
    assert response.status_code == 400
    assert response.json()["code"] == "unsubscribe_link_invalid"
    assert Suppression.objects.count() == 0
    assert published_events(context="comms") == []
