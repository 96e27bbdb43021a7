"""CSV: a dry run reports every row and writes nothing; a commit writes the valid rows only; the
export reads back in."""

import csv
import io

import pytest

from contexts.leads.models import Lead
from contexts.leads.tests.factories import LeadFactory
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases="__all__")

CSV = (
    "email,name,phone,tags,message\n"
    "ann@example.com,Ann Lee,+1 415 555 0100,vip;runner,Hello\n"
    "not-an-email,Bad Row,,,\n"
    "BO@example.com,Bo,call me,,\n"
    "cy@example.com,Cy,,,\n"
)


def _import(client, text, *, dry_run):
    return client.post("/leads/leads/import", {"csv": text, "dryRun": dry_run}, format="json")


def test_a_dry_run_reports_each_row_and_writes_nothing(coach_client, coach_id):
    # given Cy is a lead already
    LeadFactory(coach_id=coach_id, email="cy@example.com")
    # when
    response = _import(coach_client, CSV, dry_run=True)
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {
        "dryRun": True,
        "created": 1,
        "updated": 1,
        "failed": 2,
        "rows": [
            {"row": 2, "email": "ann@example.com", "result": "created", "errors": {}},
            {
                "row": 3,
                "email": "not-an-email",
                "result": "error",
                "errors": {"email": ["Enter a valid email address."]},
            },
            {
                "row": 4,
                "email": "bo@example.com",
                "result": "error",
                "errors": {"phone": ["Enter a valid phone number."]},
            },
            {"row": 5, "email": "cy@example.com", "result": "updated", "errors": {}},
        ],
    }
    assert list(Lead.objects.values_list("email", flat=True)) == ["cy@example.com"]
    assert published_events(context="leads") == []


def test_a_commit_writes_only_the_valid_rows(coach_client, coach_id):
    response = _import(coach_client, CSV, dry_run=False)
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["failed"]) == (2, 2)
    ann = Lead.objects.get(email="ann@example.com")
    assert (ann.name, ann.phone, ann.tags, ann.message, ann.source) == (
        "Ann Lee",
        "+1 415 555 0100",
        ["vip", "runner"],
        "Hello",
        "import",
    )
    assert sorted(Lead.objects.values_list("email", flat=True)) == ["ann@example.com", "cy@example.com"]
    created = published_events(context="leads", event_type="leads.lead.created")
    assert [event["payload"]["source"] for event in created] == ["import", "import"]


def test_a_file_without_an_email_column_is_refused(coach_client):
    response = _import(coach_client, "name,phone\nAnn,\n", dry_run=True)
    assert response.status_code == 400
    assert response.json()["code"] == "import_unreadable"


def test_export_then_import_round_trips(coach_client, other_coach_client, coach_id):
    # given
    LeadFactory(
        coach_id=coach_id, email="ann@example.com", name="Ann, Lee", phone="+1 415 555 0100", tags=["vip", "5k"]
    )
    LeadFactory(coach_id=coach_id, email="bo@example.com", name="=HYPERLINK(1)", message='Says "hi"\ntwice')
    # when the coach exports
    exported = coach_client.get("/leads/leads/export")
    # then a CSV of its leads
    assert exported.status_code == 200
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    text = exported.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    # (a cell a spreadsheet would run as a formula is quoted)
    assert [(row["email"], row["name"], row["phone"], row["tags"]) for row in rows] == [
        ("ann@example.com", "Ann, Lee", "'+1 415 555 0100", "vip;5k"),
        ("bo@example.com", "'=HYPERLINK(1)", "", ""),
    ]
    # when another coach imports it
    imported = _import(other_coach_client, text, dry_run=False)
    # then the same contacts are theirs
    assert imported.json()["created"] == 2
    theirs = {lead.email: lead for lead in Lead.objects.exclude(coach_id=coach_id)}
    assert (theirs["ann@example.com"].name, theirs["ann@example.com"].phone, theirs["ann@example.com"].tags) == (
        "Ann, Lee",
        "+1 415 555 0100",
        ["vip", "5k"],
    )
    assert (theirs["bo@example.com"].name, theirs["bo@example.com"].message) == ("=HYPERLINK(1)", 'Says "hi"\ntwice')
