"""Templates through the API: coaches override for their own mail, admins write the platform defaults,
each save a new version (a send records the one it used), a template that does not render is refused
with its position, previews with sample data, and no coach sees another's."""

from __future__ import annotations

import uuid

import pytest

from contexts.comms import services
from contexts.comms.defaults import BUILTIN
from contexts.comms.models import Message, Template
from nlc.time import iso_z

pytestmark = pytest.mark.django_db(databases="__all__")
LIST = "/comms/templates"
ACCESS = {
    "key": "enrollment_access",
    "subject": "Welcome to {{ course_title }}!",
    "textBody": "Hi {{ client_name }}, start here: {{ access_url }}",
    "htmlBody": '<p>Hi {{ client_name }}, <a href="{{ access_url }}">start here</a></p>',
}


def _shape(template: Template) -> dict:
    return {
        "id": str(template.id),
        "key": template.key,
        "coachId": str(template.coach_id) if template.coach_id else None,
        "version": template.version,
        "category": template.category,
        "subject": template.subject,
        "textBody": template.text_body,
        "htmlBody": template.html_body,
        "createdBy": str(template.created_by) if template.created_by else None,
        "createdAt": iso_z(template.created_at),
    }


def _access_mail(coach_id) -> Message:
    return services.enrollment_access_email_queue(
        event_id=uuid.uuid4(),
        coach_id=coach_id,
        client_id=uuid.uuid4(),
        client_email="casey@example.com",
        client_name="Casey <Admin>",
        course_title="Strength & Power",
        access_url="https://learn.nextlevelcoach.ai/access/t",
    )


def test_a_coach_overrides_a_default_for_its_own_mail(coach_client, coach_id, other_coach_id):
    # when the coach saves its access-link template
    response = coach_client.post(LIST, ACCESS)
    # then it is version 1 of the coach's override, transactional like the default it replaces
    assert response.status_code == 201, response.content
    template = Template.objects.get()
    assert response.json() == _shape(template)
    assert (template.coach_id, template.version, template.category, template.created_by) == (
        coach_id,
        1,
        "transactional",
        coach_id,
    )
    # and the coach's next access-link e-mail uses it (autoescaped HTML, plain text as is)
    message = _access_mail(coach_id)
    assert (message.template_version, message.template_coach_id) == (1, coach_id)
    assert message.subject == "Welcome to Strength & Power!"
    assert message.text_body == "Hi Casey <Admin>, start here: https://learn.nextlevelcoach.ai/access/t"
    assert message.html_body == (
        '<p>Hi Casey &lt;Admin&gt;, <a href="https://learn.nextlevelcoach.ai/access/t">start here</a></p>'
    )
    # while another coach's mail still uses the built-in default
    other = _access_mail(other_coach_id)
    assert (other.template_version, other.template_coach_id, other.subject) == (
        0,
        None,
        "Your access to Strength & Power",
    )


def test_each_save_is_a_new_version_and_sends_record_theirs(coach_client, coach_id):
    coach_client.post(LIST, ACCESS)
    second = coach_client.post(LIST, {**ACCESS, "subject": "Start {{ course_title }} today"})
    assert second.status_code == 201
    assert second.json()["version"] == 2
    message = _access_mail(coach_id)
    assert (message.template_version, message.subject) == (2, "Start Strength & Power today")
    assert [row["version"] for row in coach_client.get(LIST, {"key": "enrollment_access"}).json()["results"]] == [2, 1]


def test_an_admin_writes_the_platform_default(admin_client, coach_id):
    response = admin_client.post(LIST, {**ACCESS, "subject": "Platform: {{ course_title }}"})
    assert response.status_code == 201, response.content
    assert response.json()["coachId"] is None
    # a coach without an override gets the admin's default, version 1
    message = _access_mail(coach_id)
    assert (message.template_version, message.template_coach_id, message.subject) == (
        1,
        None,
        "Platform: Strength & Power",
    )


@pytest.mark.parametrize(
    ("field", "source", "position"),
    [
        ("textBody", "Hi {% if client_name %}{{ client_name }}", "line 1"),
        ("htmlBody", "<p>{{ client_name|no_such_filter }}</p>", "line 1"),
        ("subject", "{% load static %}Hi", "line 1"),
        ("textBody", "line one\nline two {% url 'x' %}", "line 2"),
        ("textBody", "{% include 'other.txt' %}", "line 1"),
        ("textBody", "{% debug %}", "line 1"),
    ],
)
def test_a_template_that_does_not_render_is_refused_with_its_position(coach_client, field, source, position):
    response = coach_client.post(LIST, {**ACCESS, field: source})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "template_invalid"
    (error,) = body["fieldErrors"][field]
    assert error.startswith(f"{position}:")
    assert Template.objects.count() == 0


def test_a_template_cannot_reach_attributes_beyond_plain_data(coach_client):
    response = coach_client.post(LIST, {**ACCESS, "textBody": "{{ client_name.__class__ }}"})
    assert response.status_code == 400
    assert response.json()["code"] == "template_invalid"


@pytest.mark.parametrize("subject", ["Hi\r\nBcc: all@example.com", "Hi\nthere"])
def test_a_subject_with_a_line_break_is_refused(coach_client, subject):
    response = coach_client.post(LIST, {**ACCESS, "subject": subject})
    assert response.status_code == 400
    assert response.json()["code"] == "header_injection"
    assert response.json()["fieldErrors"] == {"subject": ["No line breaks here."]}
    assert Template.objects.count() == 0


def test_a_bad_key_is_refused(coach_client):
    response = coach_client.post(LIST, {**ACCESS, "key": "Access Link!"})
    assert response.status_code == 400
    assert response.json()["code"] == "template_key_invalid"


def test_a_draft_is_previewed_with_the_keys_sample_data(coach_client):
    response = coach_client.post(f"{LIST}/preview", ACCESS)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "subject": "Welcome to Strength 101!",
        "textBody": "Hi Casey Client, start here: https://learn.nextlevelcoach.ai/access/sample",
        "htmlBody": '<p>Hi Casey Client, <a href="https://learn.nextlevelcoach.ai/access/sample">start here</a></p>',
    }
    assert Template.objects.count() == 0


def test_a_draft_is_previewed_with_given_data(coach_client):
    response = coach_client.post(
        f"{LIST}/preview", {**ACCESS, "data": {"client_name": "<b>Jo</b>", "course_title": "X"}}
    )
    assert response.json()["htmlBody"] == '<p>Hi &lt;b&gt;Jo&lt;/b&gt;, <a href="">start here</a></p>'


def test_a_saved_version_is_previewed(coach_client):
    saved = coach_client.post(LIST, ACCESS).json()
    response = coach_client.get(f"{LIST}/{saved['id']}/preview")
    assert response.status_code == 200
    assert response.json()["subject"] == "Welcome to Strength 101!"


def test_the_defaults_are_listed_with_their_sample_data(coach_client):
    response = coach_client.get(f"{LIST}/defaults")
    assert response.status_code == 200
    keys = [row["key"] for row in response.json()]
    assert keys == [
        "password_reset",
        "welcome",
        "enrollment_access",
        "enrollment_completed",
        "payment_receipt",
        "invoice_issued",
        "payment_failed",
    ]


def test_deleting_an_override_goes_back_to_the_default(coach_client, coach_id):
    saved = coach_client.post(LIST, ACCESS).json()
    coach_client.post(LIST, ACCESS)
    response = coach_client.delete(f"{LIST}/{saved['id']}")
    assert response.status_code == 204
    assert Template.objects.count() == 0
    assert _access_mail(coach_id).template_version == 0


def test_every_default_renders_its_sample():
    for template in BUILTIN.values():
        rendered = services.template_preview(
            key=template.key, subject=template.subject, text_body=template.text_body, html_body=template.html_body
        )
        for part in (rendered.subject, rendered.text_body, rendered.html_body):
            assert part
            assert "{" not in part


# -- coach isolation ---------------------------------------------------------------------------------
def test_a_coach_sees_and_touches_only_its_own_templates(coach_client, other_coach_client, admin_client):
    # given each coach and the platform have a template
    mine = coach_client.post(LIST, ACCESS).json()
    theirs = other_coach_client.post(LIST, ACCESS).json()
    platform = admin_client.post(LIST, ACCESS).json()
    # then a coach lists only its own
    assert [row["id"] for row in coach_client.get(LIST).json()["results"]] == [mine["id"]]
    # and another coach's, or the platform's, answer 404 as if they did not exist
    for template in (theirs, platform):
        for response in (
            coach_client.get(f"{LIST}/{template['id']}"),
            coach_client.get(f"{LIST}/{template['id']}/preview"),
            coach_client.delete(f"{LIST}/{template['id']}"),
        ):
            assert response.status_code == 404
            assert response.json()["code"] == "template_not_found"
    assert Template.objects.count() == 3
    # while an admin sees all three, and may narrow to the platform's or one coach's
    assert admin_client.get(LIST).json()["count"] == 3
    assert [row["id"] for row in admin_client.get(LIST, {"platform": "true"}).json()["results"]] == [platform["id"]]
    assert [row["id"] for row in admin_client.get(LIST, {"coachId": theirs["coachId"]}).json()["results"]] == [
        theirs["id"]
    ]


def test_templates_need_a_coach_or_an_admin(api_client):
    assert api_client.get(LIST).status_code == 401
    assert api_client.post(LIST, ACCESS).status_code == 401
    assert api_client.post(f"{LIST}/preview", ACCESS).status_code == 401
