"""The public landing-form intake: one lead per e-mail, a honeypot, limits, a throttle."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from contexts.leads.models import Lead, LeadStat, TimelineEntry
from nlc.clients import client_id_for
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases="__all__")


def _url(form) -> str:
    return f"/leads/intake/{form.key}"


SUBMISSION = {
    "email": "Ann@Example.com",
    "name": "Ann  Lee",
    "phone": "+1 415 555 0100",
    "message": "I want to run a marathon.",
    "consentText": "I agree to be contacted.",
    "consentAt": "2026-03-01T10:00:00Z",
    "utmSource": "instagram",
    "utmMedium": "social",
    "utmCampaign": "spring",
    "referrer": "https://example.org/post",
}


def test_a_submission_creates_the_lead_then_the_same_email_updates_it(api_client, own_form, coach_id):
    # when a person submits, then submits again with a new phone and message
    first = api_client.post(_url(own_form), SUBMISSION, format="json")
    again = api_client.post(
        _url(own_form), {"email": "ann@example.com", "phone": "+1 415 555 0199", "message": "Still keen"}, format="json"
    )
    # then both are received, and there is one lead with the latest details and the first's others
    assert first.status_code == 202, first.content
    assert first.json() == {"received": True}
    assert again.status_code == 202
    lead = Lead.objects.get()
    assert (lead.coach_id, lead.email, lead.name, lead.phone, lead.message) == (
        coach_id,
        "ann@example.com",
        "Ann Lee",
        "+1 415 555 0199",
        "Still keen",
    )
    assert (lead.source, lead.form_id, lead.status, lead.utm_source, lead.utm_campaign, lead.referrer) == (
        "landing_page",
        own_form.id,
        "new",
        "instagram",
        "spring",
        "https://example.org/post",
    )
    assert lead.consent_text == "I agree to be contacted."
    assert lead.consent_at.isoformat() == "2026-03-01T10:00:00+00:00"
    assert lead.client_id == client_id_for(coach_id=coach_id, email="ann@example.com")
    # and leads.lead.created went out once, the day counted one new lead, the timeline two submissions
    (created,) = published_events(context="leads", event_type="leads.lead.created")
    assert created["schemaVersion"] == 2
    assert created["payload"] == {
        "leadId": str(lead.id),
        "coachId": str(coach_id),
        "clientId": str(lead.client_id),
        "email": "ann@example.com",
        "firstName": "Ann",
        "lastName": "Lee",
        "phone": "+1 415 555 0100",
        "source": "landing_page",
        "landingPageId": str(own_form.id),
        "utmSource": "instagram",
        "utmMedium": "social",
        "utmCampaign": "spring",
        "status": "new",
        "createdAt": created["payload"]["createdAt"],
    }
    assert LeadStat.objects.get().new_landing_page == 1
    assert list(TimelineEntry.objects.order_by("created_at").values_list("kind", flat=True)) == [
        "form_submitted",
        "form_submitted",
    ]


def test_consent_without_a_time_is_dated_by_the_submission(api_client, own_form):
    before = timezone.now()
    response = api_client.post(
        _url(own_form), {"email": "c@example.com", "consentText": "Yes, e-mail me."}, format="json"
    )
    assert response.status_code == 202
    lead = Lead.objects.get()
    assert lead.consent_text == "Yes, e-mail me."
    assert before <= lead.consent_at <= timezone.now()


def test_the_honeypot_is_answered_like_a_person_and_keeps_nothing(api_client, own_form):
    response = api_client.post(_url(own_form), {**SUBMISSION, "website": "http://spam.example"}, format="json")
    assert response.status_code == 202
    assert response.json() == {"received": True}
    assert not Lead.objects.exists()
    assert published_events(context="leads") == []


def test_malformed_email_and_phone_get_field_errors(api_client, own_form):
    response = api_client.post(_url(own_form), {"email": "not-an-email", "phone": "call me"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "message": "The request is invalid: see fieldErrors.",
        "fieldErrors": {"email": ["Enter a valid email address."], "phone": ["Enter a valid phone number."]},
    }
    assert not Lead.objects.exists()


def test_a_field_over_its_limit_is_refused(api_client, own_form):
    response = api_client.post(_url(own_form), {**SUBMISSION, "utmSource": "x" * 201}, format="json")
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"utmSource": ["Ensure this field has no more than 200 characters."]}
    assert not Lead.objects.exists()


def test_a_body_over_the_size_limit_is_refused(api_client, own_form):
    response = api_client.post(_url(own_form), {**SUBMISSION, "message": "x" * 17000}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "intake_too_large"
    assert not Lead.objects.exists()


def test_an_unknown_rotated_or_inactive_form_is_not_found(api_client, coach_client, own_form):
    old_key = own_form.key
    assert coach_client.post(f"/leads/forms/{own_form.id}/rotate").status_code == 200
    stale = api_client.post(f"/leads/intake/{old_key}", SUBMISSION, format="json")
    unknown = api_client.post("/leads/intake/no-such-key", SUBMISSION, format="json")
    assert coach_client.patch(f"/leads/forms/{own_form.id}", {"isActive": False}, format="json").status_code == 200
    own_form.refresh_from_db()
    inactive = api_client.post(_url(own_form), SUBMISSION, format="json")
    for response in (stale, unknown, inactive):
        assert response.status_code == 404
        assert response.json() == {
            "status": 404,
            "code": "lead_form_not_found",
            "message": "No such lead form.",
            "fieldErrors": {},
        }
    assert not Lead.objects.exists()


def test_a_flood_from_one_ip_is_throttled(api_client, own_form, settings):
    # given a rate of 3 a minute
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "lead_intake": "3/minute"},
    }
    cache.clear()
    # when one IP posts four times
    statuses = [
        api_client.post(_url(own_form), {"email": f"p{n}@example.com"}, format="json").status_code for n in range(4)
    ]
    # then the fourth is refused with a Retry-After, and three leads were kept
    assert statuses == [202, 202, 202, 429]
    assert Lead.objects.count() == 3


def test_each_new_person_of_a_day_is_counted_with_their_submission_on_the_timeline(
    api_client, own_form, coach_id, context_queries
):
    # given a day that counted a lead the coach added
    api_client.post(_url(own_form), {"email": "first@example.com"}, format="json")
    first = Lead.objects.get()
    LeadStat.objects.filter(coach_id=coach_id).update(new_manual=2)
    # when two more people submit (the form, their lead, the day's counter, the entry, the event)
    with context_queries("leads", at_most=7):
        response = api_client.post(_url(own_form), {**SUBMISSION, "email": "bo@example.com"}, format="json")
    api_client.post(_url(own_form), {"email": "cy@example.com", "message": "x" * 300}, format="json")
    # then
    assert response.status_code == 202
    bo = Lead.objects.get(email="bo@example.com")
    day = first.created_at.astimezone(dt.UTC).date()
    stats = list(LeadStat.objects.values_list("day", "new_landing_page", "new_manual"))
    assert stats == [(day, 3, 2)] or sum(row[1] for row in stats) == 3  # (a run across midnight UTC: two days)
    entry = TimelineEntry.objects.get(client_id=bo.client_id)
    assert (entry.coach_id, entry.kind, entry.occurred_at, entry.summary) == (
        coach_id,
        "form_submitted",
        bo.last_touch_at,
        "Submitted the form Spring landing",
    )
    assert entry.data == {
        "formId": str(own_form.id),
        "message": "I want to run a marathon.",
        "utmSource": "instagram",
        "utmMedium": "social",
        "utmCampaign": "spring",
        "referrer": "https://example.org/post",
    }
    cy = Lead.objects.get(email="cy@example.com")
    assert TimelineEntry.objects.get(client_id=cy.client_id).data["message"] == "x" * 200
    assert len(published_events(context="leads", event_type="leads.lead.created")) == 3
