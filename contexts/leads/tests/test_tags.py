"""A tag newly added to a lead is announced (leads.lead.tagged), once per tag, whichever way it came:
the coach's edit, a lead added with tags, a CSV import; a tag the lead has already announces nothing."""

import pytest

from contexts.leads.models import Lead
from nlc.events.testing import published_events
from nlc.testing.principals import COACH_ID

pytestmark = pytest.mark.django_db(databases="__all__")


def _tagged() -> list[tuple[str, str, str | None]]:
    return [
        (event["payload"]["email"], event["payload"]["tag"], event["payload"]["taggedByUserId"])
        for event in published_events(context="leads", event_type="leads.lead.tagged")
    ]


def test_the_coachs_edit_announces_each_new_tag_once(coach_client, own_lead, coach_id):
    # when the coach tags Ann "VIP " and "runner"
    response = coach_client.patch(f"/leads/leads/{own_lead.id}", {"tags": ["VIP ", "runner"]}, format="json")
    # then both tags are kept as leads keeps tags, and each is announced with the lead
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["vip", "runner"]
    first, second = published_events(context="leads", event_type="leads.lead.tagged")
    own_lead.refresh_from_db()
    assert first["payload"] == {
        "leadId": str(own_lead.id),
        "coachId": str(coach_id),
        "clientId": str(own_lead.client_id),
        "email": "ann@example.com",
        "firstName": "Ann",
        "lastName": "Lee",
        "tag": "vip",
        "taggedByUserId": str(COACH_ID),
        "taggedAt": first["payload"]["taggedAt"],
    }
    assert second["payload"]["tag"] == "runner"
    # when the coach saves the tags again with one more, and then drops one
    coach_client.patch(f"/leads/leads/{own_lead.id}", {"tags": ["runner", "vip", "yoga"]}, format="json")
    coach_client.patch(f"/leads/leads/{own_lead.id}", {"tags": ["yoga"]}, format="json")
    # then only the new one was announced
    assert [tag for _, tag, _ in _tagged()] == ["vip", "runner", "yoga"]
    # and an edit that leaves the tags alone announces nothing
    coach_client.patch(f"/leads/leads/{own_lead.id}", {"name": "Ann B. Lee"}, format="json")
    assert len(_tagged()) == 3


def test_a_lead_added_with_tags_announces_them_after_its_creation(coach_client):
    response = coach_client.post("/leads/leads", {"email": "bo@example.com", "tags": ["vip"]}, format="json")
    assert response.status_code == 201, response.content
    assert [event["type"] for event in published_events(context="leads")] == ["leads.lead.created", "leads.lead.tagged"]
    assert _tagged() == [("bo@example.com", "vip", None)]


def test_an_import_announces_only_the_tags_a_lead_did_not_have(coach_client, coach_id):
    # given Ann is a lead tagged vip
    coach_client.post("/leads/leads", {"email": "ann@example.com", "tags": ["vip"]}, format="json")
    # when a CSV tags her vip and runner, and brings Cy tagged yoga; a dry run first
    csv = "email,name,tags\nann@example.com,Ann Lee,vip;runner\ncy@example.com,Cy,yoga\n"
    for dry_run in (True, False):
        response = coach_client.post("/leads/leads/import", {"csv": csv, "dryRun": dry_run}, format="json")
        assert response.status_code == 200, response.content
    # then runner and yoga are announced, once each, and vip not again
    assert _tagged() == [
        ("ann@example.com", "vip", None),
        ("ann@example.com", "runner", None),
        ("cy@example.com", "yoga", None),
    ]
    assert Lead.objects.get(email="ann@example.com").tags == ["vip", "runner"]
