"""Who sees what through the leads API: a coach its own rows, an admin everyone's; forms and leads."""

import pytest

from contexts.leads.models import Lead, LeadForm
from contexts.leads.tests.factories import TimelineEntryFactory
from nlc.events.testing import published_events
from nlc.time import iso_z

pytestmark = pytest.mark.django_db(databases="__all__")


def _form_shape(form: LeadForm) -> dict:
    return {
        "id": str(form.id),
        "coachId": str(form.coach_id),
        "name": form.name,
        "key": form.key,
        "isActive": form.is_active,
        "rotatedAt": iso_z(form.rotated_at) if form.rotated_at else None,
        "createdAt": iso_z(form.created_at),
        "updatedAt": iso_z(form.updated_at),
    }


def test_a_coach_creates_lists_and_renames_its_forms(coach_client, coach_id, others_form):
    # when
    created = coach_client.post("/leads/forms", {"name": "  Spring   page "}, format="json")
    # then
    assert created.status_code == 201
    form = LeadForm.objects.get(coach_id=coach_id)
    assert (form.name, form.is_active, len(form.key)) == ("Spring page", True, 32)
    assert created.json() == _form_shape(form)
    listed = coach_client.get("/leads/forms").json()
    assert listed == {"count": 1, "next": None, "previous": None, "results": [_form_shape(form)]}
    renamed = coach_client.patch(f"/leads/forms/{form.id}", {"name": "Summer"}, format="json")
    form.refresh_from_db()
    assert renamed.json() == _form_shape(form)
    assert form.name == "Summer"


def test_rotating_a_form_gives_it_a_new_key(coach_client, own_form):
    old_key = own_form.key
    response = coach_client.post(f"/leads/forms/{own_form.id}/rotate")
    own_form.refresh_from_db()
    assert response.status_code == 200
    assert own_form.key != old_key
    assert own_form.rotated_at is not None
    assert response.json() == _form_shape(own_form)


def test_a_coach_adds_a_lead_by_hand_once(coach_client, coach_id):
    body = {"email": "Bo@Example.com", "name": "Bo", "phone": "+44 20 7946 0000", "tags": ["VIP", "vip", "runner"]}
    first = coach_client.post("/leads/leads", body, format="json")
    again = coach_client.post("/leads/leads", body, format="json")
    assert first.status_code == 201, first.content
    lead = Lead.objects.get()
    assert (lead.email, lead.source, lead.status, lead.tags) == ("bo@example.com", "manual", "new", ["vip", "runner"])
    assert first.json()["id"] == str(lead.id)
    assert again.status_code == 409
    assert again.json() == {
        "status": 409,
        "code": "lead_exists",
        "message": "This coach has a lead with this e-mail already.",
        "fieldErrors": {"email": ["This coach has a lead with this e-mail already."]},
    }
    assert len(published_events(context="leads", event_type="leads.lead.created")) == 1


def test_a_coach_edits_tags_and_phone(coach_client, own_lead):
    response = coach_client.patch(
        f"/leads/leads/{own_lead.id}", {"tags": ["Hot lead", "5k"], "phone": "+1 212 555 0101"}, format="json"
    )
    assert response.status_code == 200
    own_lead.refresh_from_db()
    assert (own_lead.tags, own_lead.phone, own_lead.name) == (["hot lead", "5k"], "+1 212 555 0101", "Ann Lee")
    bad = coach_client.patch(f"/leads/leads/{own_lead.id}", {"tags": ["<script>"]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["fieldErrors"] == {"tags.0": ["A tag is at most 50 letters, digits, spaces, dots or dashes."]}


def test_an_admin_reads_every_coachs_leads_and_writes_none(admin_client, coach_id, own_lead, others_lead):
    everyone = admin_client.get("/leads/leads")
    one_coach = admin_client.get("/leads/leads", {"coachId": str(coach_id)})
    assert {row["id"] for row in everyone.json()["results"]} == {str(own_lead.id), str(others_lead.id)}
    assert [row["id"] for row in one_coach.json()["results"]] == [str(own_lead.id)]
    assert admin_client.post("/leads/leads", {"email": "x@example.com"}, format="json").status_code == 403
    assert admin_client.post("/leads/forms", {"name": "x"}, format="json").status_code == 403
    assert Lead.objects.count() == 2


# Every URL naming one row, with what it takes: another coach's row answers 404, as a missing one.
ROW_REQUESTS = [
    ("get", "/leads/forms/{others_form.id}", None, "lead_form"),
    ("patch", "/leads/forms/{others_form.id}", {"name": "mine"}, "lead_form"),
    ("post", "/leads/forms/{others_form.id}/rotate", None, "lead_form"),
    ("get", "/leads/leads/{others_lead.id}", None, "lead"),
    ("patch", "/leads/leads/{others_lead.id}", {"name": "mine"}, "lead"),
    ("post", "/leads/leads/{others_lead.id}/status", {"status": "contacted"}, "lead"),
    ("get", "/leads/leads/{others_lead.id}/notes", None, "lead"),
    ("post", "/leads/leads/{others_lead.id}/notes", {"body": "mine"}, "lead"),
    ("get", "/leads/clients/{others_client.id}", None, "client"),
    ("get", "/leads/people/{others_lead.client_id}", None, "person"),
    ("delete", "/leads/people/{others_lead.client_id}", None, "person"),
    ("get", "/leads/people/{others_lead.client_id}/timeline", None, "person"),
]


@pytest.mark.parametrize(("method", "url", "body", "entity"), ROW_REQUESTS)
def test_another_coachs_row_is_not_found(
    coach_client, others_form, others_lead, others_client, method, url, body, entity
):
    # given another coach's person has a timeline too
    TimelineEntryFactory(coach_id=others_lead.coach_id, client_id=others_lead.client_id)
    before = (others_form.key, others_form.name, others_lead.status, others_lead.name)
    # when
    response = getattr(coach_client, method)(
        url.format(others_form=others_form, others_lead=others_lead, others_client=others_client), body, format="json"
    )
    # then it answers as for an id that never existed, and changes nothing
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": f"{entity}_not_found",
        "message": f"No such {entity.replace('_', ' ')}.",
        "fieldErrors": {},
    }
    others_form.refresh_from_db()
    others_lead.refresh_from_db()
    assert (others_form.key, others_form.name, others_lead.status, others_lead.name) == before
    assert published_events(context="leads") == []


LISTS = ["/leads/forms", "/leads/leads", "/leads/clients", "/leads/bookings", "/leads/stats"]


@pytest.mark.parametrize("url", LISTS)
def test_lists_hold_only_the_coachs_own_rows(other_coach_client, coach_client, own_form, own_lead, own_client, url):
    # given rows of coach_client's coach only (and a day of stats from the lead)
    assert coach_client.get(url).status_code == 200
    # when another coach lists
    response = other_coach_client.get(url)
    # then it sees none of them
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_coach_sees_and_removes_only_its_own_calendly_connection(coach_client, other_coach_client):
    # given coach_client's coach connected Calendly
    body = {"userUri": "https://api.calendly.com/users/OWN", "accessToken": "secret-token"}
    assert coach_client.put("/leads/calendly", body, format="json").status_code == 200
    # when another coach reads or deletes its own (none)
    read = other_coach_client.get("/leads/calendly")
    deleted = other_coach_client.delete("/leads/calendly")
    # then it has none, and the first coach's is untouched and never shows its token
    for response in (read, deleted):
        assert response.status_code == 404
        assert response.json()["code"] == "calendly_connection_not_found"
    own = coach_client.get("/leads/calendly").json()
    assert (own["userUri"], own["hasAccessToken"]) == ("https://api.calendly.com/users/OWN", True)
    assert "secret-token" not in str(own)
    assert coach_client.delete("/leads/calendly").status_code == 204
    assert coach_client.get("/leads/calendly").status_code == 404


def test_anonymous_callers_are_refused_everywhere_but_intake(api_client, own_lead):
    for url in [
        *LISTS,
        f"/leads/leads/{own_lead.id}",
        f"/leads/people/{own_lead.client_id}/timeline",
        "/leads/calendly",
    ]:
        assert api_client.get(url).status_code == 401, url


def test_options_answers_without_a_server_error(coach_client, own_lead, own_form):
    for url in ("/leads/leads", f"/leads/leads/{own_lead.id}", "/leads/forms", f"/leads/intake/{own_form.key}"):
        response = coach_client.options(url)
        assert response.status_code == 200, url
