"""Sequences and scheduled e-mails through the API, each coach isolated; bad addresses and names
with line breaks refused."""

from __future__ import annotations

import pytest

from contexts.comms.models import ScheduledEmail, Sequence, SequenceRun, Template

pytestmark = pytest.mark.django_db(databases="__all__")
SEQUENCE = {
    "name": "Welcome",
    "trigger": "manual",
    "steps": [{"templateKey": "nurture", "delaySeconds": 0}, {"templateKey": "nurture", "delaySeconds": 3600}],
}


@pytest.fixture(autouse=True)
def templates(coach_id, other_coach_id):
    for owner in (coach_id, other_coach_id):
        Template.objects.create(
            key="nurture", coach_id=owner, version=1, category="marketing", subject="Hi", text_body="Hi {{ name }}"
        )


def test_a_coach_creates_a_sequence_and_enrolls_someone(coach_client, coach_id):
    created = coach_client.post("/comms/sequences", SEQUENCE, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    sequence = Sequence.objects.get()
    assert body["id"] == str(sequence.id)
    assert (body["coachId"], body["trigger"], body["triggerValue"], body["exitOnPurchase"], body["status"]) == (
        str(coach_id),
        "manual",
        "",
        True,
        "active",
    )
    assert body["steps"] == [
        {"position": 0, "templateKey": "nurture", "delaySeconds": 0},
        {"position": 1, "templateKey": "nurture", "delaySeconds": 3600},
    ]
    run = coach_client.post(
        f"/comms/sequences/{sequence.id}/runs", {"email": "joan@example.com", "name": "Joan"}, format="json"
    )
    assert run.status_code == 201, run.content
    assert (run.json()["recipientEmail"], run.json()["status"], run.json()["trigger"]) == (
        "joan@example.com",
        "active",
        "manual",
    )
    listed = coach_client.get(f"/comms/sequences/{sequence.id}/runs").json()
    assert [row["id"] for row in listed["results"]] == [run.json()["id"]]
    cancelled = coach_client.post(f"/comms/sequences/{sequence.id}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert SequenceRun.objects.get().exit_reason == "sequence_cancelled"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "not an address", "name": "Joan"}, "invalid"),
        ({"email": "joan@example.com", "name": "Joan\r\nBcc: all@example.com"}, "header_injection"),
    ],
)
def test_a_bad_recipient_is_refused(coach_client, body, code):
    sequence = coach_client.post("/comms/sequences", SEQUENCE, format="json").json()
    response = coach_client.post(f"/comms/sequences/{sequence['id']}/runs", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert SequenceRun.objects.count() == 0


def test_a_sequence_with_an_unknown_template_is_refused(coach_client):
    response = coach_client.post(
        "/comms/sequences", {**SEQUENCE, "steps": [{"templateKey": "nope", "delaySeconds": 0}]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "template_not_found"
    assert Sequence.objects.count() == 0


def test_a_coach_schedules_an_email(coach_client):
    response = coach_client.post(
        "/comms/scheduled-emails",
        {"templateKey": "nurture", "sendAt": "2099-01-01T09:00:00Z", "toEmail": "joan@example.com", "toName": "Joan"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["sendAt"], body["toEmail"], body["segment"]) == (
        "scheduled",
        "2099-01-01T09:00:00Z",
        "joan@example.com",
        "",
    )
    cancelled = coach_client.post(f"/comms/scheduled-emails/{body['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    again = coach_client.post(f"/comms/scheduled-emails/{body['id']}/cancel")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"toEmail": "joan@"}, "toEmail"),
        ({"toEmail": "joan@example.com", "toName": "Joan\nBcc: x@example.com"}, "toName"),
        ({"toEmail": "joan@example.com", "sendAt": "2001-01-01T00:00:00Z"}, "sendAt"),
        ({"segment": "course"}, "courseId"),
    ],
)
def test_a_bad_scheduled_email_is_refused(coach_client, body, field):
    response = coach_client.post(
        "/comms/scheduled-emails", {"templateKey": "nurture", "sendAt": "2099-01-01T09:00:00Z", **body}, format="json"
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["fieldErrors"]) == [field]
    assert ScheduledEmail.objects.count() == 0


def test_sequences_and_scheduled_emails_are_each_coachs_own(coach_client, other_coach_client, admin_client):
    sequence = coach_client.post("/comms/sequences", SEQUENCE, format="json").json()
    scheduled = coach_client.post(
        "/comms/scheduled-emails",
        {"templateKey": "nurture", "sendAt": "2099-01-01T09:00:00Z", "toEmail": "joan@example.com"},
        format="json",
    ).json()
    # another coach sees none of them, and each answers 404
    assert other_coach_client.get("/comms/sequences").json()["count"] == 0
    assert other_coach_client.get("/comms/scheduled-emails").json()["count"] == 0
    for path, code in (
        (f"/comms/sequences/{sequence['id']}", "sequence_not_found"),
        (f"/comms/sequences/{sequence['id']}/runs", "sequence_not_found"),
        (f"/comms/scheduled-emails/{scheduled['id']}", "scheduled_email_not_found"),
    ):
        response = other_coach_client.get(path)
        assert (response.status_code, response.json()["code"]) == (404, code)
    for path in (
        f"/comms/sequences/{sequence['id']}/cancel",
        f"/comms/scheduled-emails/{scheduled['id']}/cancel",
    ):
        assert other_coach_client.post(path).status_code == 404
    started = other_coach_client.post(
        f"/comms/sequences/{sequence['id']}/runs", {"email": "x@example.com"}, format="json"
    )
    assert started.status_code == 404
    assert SequenceRun.objects.count() == 0
    assert Sequence.objects.get().status == "active"
    # an admin reads everyone's, and writes none
    assert admin_client.get("/comms/sequences").json()["count"] == 1
    assert admin_client.get(f"/comms/scheduled-emails/{scheduled['id']}").status_code == 200
    assert admin_client.post("/comms/sequences", SEQUENCE, format="json").status_code == 403


@pytest.mark.parametrize(
    ("trigger", "value", "stored"),
    [
        ("lead_status", "contacted", "contacted"),
        ("lead_tagged", "  VIP  Clients ", "vip clients"),
        ("enrollment_created", "", ""),
        ("enrollment_created", "0C0AC000-0000-4000-8000-0000000000AA", "0c0ac000-0000-4000-8000-0000000000aa"),
        ("lead_created", "", ""),
    ],
)
def test_a_trigger_value_is_stored_as_its_trigger_matches_it(coach_client, trigger, value, stored):
    response = coach_client.post(
        "/comms/sequences", {**SEQUENCE, "trigger": trigger, "triggerValue": value}, format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["trigger"], response.json()["triggerValue"]) == (trigger, stored)


@pytest.mark.parametrize(
    ("trigger", "value", "error"),
    [
        ("lead_status", "", "A lead status: one of new, contacted, booked, client, lost."),
        ("lead_status", "won", "A lead status: one of new, contacted, booked, client, lost."),
        ("lead_tagged", "", "A tag: at most 50 letters, digits, spaces, dots, dashes or underscores."),
        ("lead_tagged", "vip!", "A tag: at most 50 letters, digits, spaces, dots, dashes or underscores."),
        ("lead_tagged", "x" * 51, "A tag: at most 50 letters, digits, spaces, dots, dashes or underscores."),
        ("enrollment_created", "strength-101", "A course id, or blank for any course."),
        ("lead_created", "vip", "This trigger takes no value."),
        ("manual", "vip", "This trigger takes no value."),
    ],
)
def test_a_trigger_value_its_trigger_cannot_match_is_refused(coach_client, trigger, value, error):
    response = coach_client.post(
        "/comms/sequences", {**SEQUENCE, "trigger": trigger, "triggerValue": value}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "sequence_trigger_value_invalid"
    assert body["fieldErrors"] == {"triggerValue": [error]}
    assert Sequence.objects.count() == 0
