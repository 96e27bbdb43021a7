"""What analytics does with each event: logs it once (without bearer links), folds it after the
commit, publishes each changed day's snapshot once per transaction, and forgets an erased client."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from contexts.analytics.models import ClientHealth, LoggedEvent
from contexts.analytics.rules import MOMENT_FIELDS
from contexts.analytics.tests import factories as make
from nlc.db.transactions import alias_of
from nlc.events.contracts import registry
from nlc.events.dispatch import DeadLetterError, dispatch
from nlc.events.registry import handlers_for
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases="__all__")
ANALYTICS = alias_of("analytics")


def test_every_other_contexts_event_type_in_every_version_has_a_handler():
    # given every contract but analytics' own and the reset link's
    expected = {
        (contract.event_type, contract.version)
        for contract in registry().all()
        if contract.producer != "analytics" and contract.event_type != "auth.password.reset_requested"
    }
    # then analytics handles each in exactly that version
    handled = {
        (event_type, version)
        for event_type in MOMENT_FIELDS
        for spec in handlers_for("analytics", event_type)
        if spec.name.startswith("contexts.analytics.")
        for version in spec.versions
    }
    assert handled == expected


def test_an_unknown_version_is_dead_lettered_and_nothing_logged(envelope):
    # given a v3 of an event analytics knows in v1 and v2 only
    sent = envelope("leads.lead.created", make.lead(uuid.uuid4(), "2026-03-02T10:00:00Z"), version=2)
    sent["schemaVersion"] = 3
    # when it is applied
    with pytest.raises(DeadLetterError, match=r"^leads\.lead\.created version 3 is not accepted by analytics$"):
        dispatch("analytics", sent)
    # then
    assert not LoggedEvent.objects.exists()


def test_an_access_link_is_never_logged(feed, coach_id):
    # when an enrollment with its learner's access link arrives
    payload = make.enrollment(coach_id, "2026-03-03T04:00:00Z")
    sent = feed("courses.enrollment.created", payload)
    # then the log keeps the rest of it, folded
    row = LoggedEvent.objects.get()
    assert "accessUrl" not in row.payload
    assert row.payload == {key: value for key, value in payload.items() if key != "accessUrl"}
    assert (row.event_id, row.event_type, row.version, row.coach_id, row.folded) == (
        uuid.UUID(sent["eventId"]),
        "courses.enrollment.created",
        1,
        coach_id,
        True,
    )


def test_a_batch_publishes_each_changed_day_once(envelope, coach_id, django_capture_on_commit_callbacks):
    # given three leads and a payment of one coach on one day, and a lead on the next day, applied
    # in one consumer transaction as a batch is
    sent = [
        envelope("leads.lead.created", make.lead(coach_id, "2026-03-02T09:00:00Z"), version=2),
        envelope("leads.lead.created", make.lead(coach_id, "2026-03-02T10:00:00Z", source="manual"), version=2),
        envelope("leads.lead.created", make.lead(coach_id, "2026-03-02T11:00:00Z"), version=2),
        envelope("leads.converted", make.converted(coach_id, "2026-03-02T12:00:00Z")),
        envelope("billing.payment.completed", make.payment(coach_id, "2026-03-02T12:00:00Z", amount=2500)),
        envelope("leads.lead.created", make.lead(coach_id, "2026-03-03T09:00:00Z"), version=2),
    ]
    # when
    with django_capture_on_commit_callbacks(using=ANALYTICS, execute=True), transaction.atomic(using=ANALYTICS):
        for one in sent:
            dispatch("analytics", one, savepoint=False)
    # then one snapshot per coach day and one for the platform's day of the sale
    snapshots = [
        event["payload"] for event in published_events(context="analytics", event_type="analytics.snapshot.updated")
    ]
    assert [(s["scope"], s["coachId"], s["date"]) for s in snapshots] == [
        ("coach", str(coach_id), "2026-03-02"),
        ("coach", str(coach_id), "2026-03-03"),
        ("platform", None, "2026-03-02"),
    ]
    assert (snapshots[0]["currency"], snapshots[0]["metrics"]) == (
        "USD",
        {
            "conversionRateBasisPoints": 3333,
            "conversions": 1,
            "courseSales": 1,
            "courseSalesAmount": 2500,
            "newLeads": 3,
            "payments": 1,
            "revenueGrossAmount": 2500,
            "revenueNetAmount": 2500,
        },
    )
    assert (snapshots[1]["currency"], snapshots[1]["metrics"]) == (
        None,
        {"conversionRateBasisPoints": 0, "newLeads": 1},
    )
    assert (snapshots[2]["currency"], snapshots[2]["metrics"]) == ("USD", {"courseSales": 1, "gmvAmount": 2500})


def test_an_erased_client_leaves_no_personal_field_in_the_log_and_the_counts_stay(feed, coach_id, coach_client):
    # given a client's lead and purchase, and another client's lead
    client_id, other = uuid.uuid4(), uuid.uuid4()
    feed("leads.lead.created", make.lead(coach_id, "2026-03-02T09:00:00Z", client_id=client_id))
    feed("billing.payment.completed", make.payment(coach_id, "2026-03-02T10:00:00Z", client_id=client_id))
    feed("leads.lead.created", make.lead(coach_id, "2026-03-02T11:00:00Z", client_id=other))
    # when the client is erased
    feed(
        "leads.client.erased",
        {
            "clientId": str(client_id),
            "coachId": str(coach_id),
            "requestedByUserId": str(coach_id),
            "requestedByRole": "coach",
            "erasedAt": "2026-03-04T10:00:00Z",
        },
    )
    # then their events keep no e-mail or name, the other client's do, and the day still counts both
    theirs = list(LoggedEvent.objects.filter(client_id=client_id).exclude(event_type="leads.client.erased"))
    assert len(theirs) == 2
    for row in theirs:
        assert not {"email", "firstName", "lastName", "clientEmail", "clientName", "phone"} & set(row.payload)
    assert LoggedEvent.objects.get(client_id=other).payload["email"] == "lead@example.com"
    day = coach_client.get("/analytics/kpis", {"dateFrom": "2026-03-02", "dateTo": "2026-03-02"}).json()["totals"]
    assert (day["newLeads"], day["payments"]) == (2, 1)


def test_client_health_follows_the_events(feed, coach_id):
    # given an enrollment, progress, two e-mails of which one opened, and a failed payment
    enrollment_id, course_id, client_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    feed(
        "courses.enrollment.created",
        make.enrollment(
            coach_id, "2026-03-01T09:00:00Z", enrollment_id=enrollment_id, course_id=course_id, client_id=client_id
        ),
    )
    feed(
        "courses.progress.updated",
        make.progress(
            coach_id,
            "2026-03-05T09:00:00Z",
            enrollment_id=enrollment_id,
            course_id=course_id,
            client_id=client_id,
            done=2,
        ),
    )
    feed("comms.email.sent", make.email("sent", coach_id, "2026-03-02T09:00:00Z", client_id=client_id))
    feed("comms.email.sent", make.email("sent", coach_id, "2026-03-03T09:00:00Z", client_id=client_id))
    feed("comms.email.opened", make.email("opened", coach_id, "2026-03-03T10:00:00Z", client_id=client_id))
    failed = make.payment(coach_id, "2026-03-06T09:00:00Z", client_id=client_id)
    failed.pop("status")
    failed.pop("paidAt")
    failed.update(failureCode="card_declined", failureMessage="Declined", attemptCount=1, nextAttemptAt=None)
    failed["failedAt"] = "2026-03-06T09:00:00Z"
    feed("billing.payment.failed", failed)
    # then its facts are what happened
    facts = ClientHealth.objects.get(coach_id=coach_id, client_id=client_id)
    assert (facts.emails_sent, facts.emails_opened, facts.emails_clicked, facts.payment_state) == (2, 1, 0, "failed")
    assert facts.last_active_at.isoformat() == "2026-03-05T09:00:00+00:00"


def test_under_load_a_day_changed_again_is_announced_once_per_delay(feed, coach_id, settings):
    # given a delay, and a day changed by three transactions within it
    settings.ANALYTICS_SNAPSHOT_DELAY_SECONDS = 60
    for hour in (9, 10, 11):
        feed("leads.lead.created", make.lead(coach_id, f"2026-03-02T{hour:02d}:00:00Z"))
    assert published_events(context="analytics", event_type="analytics.snapshot.updated") == []
    # when the delay has passed (beat's sweep)
    from contexts.analytics import services

    assert services.snapshots_publish_due(delay=0) == 1
    # then the day is announced once, with all three
    (snapshot,) = published_events(context="analytics", event_type="analytics.snapshot.updated")
    assert snapshot["payload"]["metrics"] == {"conversionRateBasisPoints": 0, "newLeads": 3}
