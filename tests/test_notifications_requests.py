"""Request types (decision 0009): a contract with ``"x-publishers": "*"`` (notify.user v2) is published
by whichever context asks, from its own outbox, the envelope naming the asker; every other contract
keeps its one producer."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from nlc.db.router import alias_for_context
from nlc.events import publish
from nlc.events.contracts import ContractRegistry, InvalidContractError, registry
from nlc.events.models import OutboxEvent
from nlc.events.publisher import PublishError
from tests.payloads import lead_payload

pytestmark = pytest.mark.django_db(databases="__all__")
COURSES = alias_for_context("courses")
NOTIFICATIONS = alias_for_context("notifications")


def _request(**overrides) -> dict:
    return {
        "notificationId": str(uuid.uuid4()),
        "recipientUserId": str(uuid.uuid4()),
        "coachId": None,
        "kind": "course_review_due",
        "title": "Your course is due for a review",
        "body": "",
        "link": None,
        "createdAt": "2026-03-02T10:00:00Z",
        **overrides,
    }


def test_a_context_asks_for_a_notification_from_its_own_outbox():
    # when courses asks
    with transaction.atomic(using=COURSES):
        envelope = publish("notify.user", _request(), context="courses")
    # then the request waits in courses' outbox, named as courses', and nowhere else
    row = OutboxEvent.objects.using(COURSES).get(event_type="notify.user")
    assert (row.schema_version, row.envelope["producer"], row.envelope["source"]) == (2, "courses", "nlc/courses")
    assert row.envelope == envelope
    assert not OutboxEvent.objects.using(NOTIFICATIONS).filter(event_type="notify.user").exists()


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_request_outside_the_askers_transaction_is_refused():
    # given a transaction on notifications' alias, not on the asker's
    with (
        pytest.raises(PublishError, match=rf"inside transaction\.atomic\(using='{COURSES}'\)"),
        transaction.atomic(using=NOTIFICATIONS),
    ):
        publish("notify.user", _request(), context="courses")
    assert not OutboxEvent.objects.using(COURSES).exists()


def test_an_ordinary_event_has_one_producer():
    # when courses tries to publish leads' event, or notify.user's first version (no x-publishers)
    with (
        pytest.raises(PublishError, match=r"^leads\.lead\.created is published by leads only, not by courses$"),
        transaction.atomic(using=COURSES),
    ):
        publish("leads.lead.created", lead_payload(), context="courses")
    with (
        pytest.raises(PublishError, match=r"^notify\.user is published by notifications only, not by courses$"),
        transaction.atomic(using=COURSES),
    ):
        publish("notify.user", _request(), version=1, context="courses")
    # then nothing was written
    assert not OutboxEvent.objects.using(COURSES).exists()


def test_only_notify_user_v2_and_notify_admins_are_request_types():
    contracts = registry()
    assert [(contract.event_type, contract.version) for contract in contracts.all() if contract.publishers == "*"] == [
        ("notify.admins", 1),
        ("notify.user", 2),
    ]
    assert contracts.get("notify.user").may_publish("media")
    assert not contracts.get("notify.user", 1).may_publish("media")
    assert contracts.get("notify.user", 1).may_publish("notifications")


def test_x_publishers_is_any_or_nothing(tmp_path):
    # given a copy of the contracts where notify.user names its publishers one by one
    directory = tmp_path / "events"
    shutil.copytree(Path(settings.NLC_CONTRACTS_DIR), directory)
    path = directory / "notify" / "user.schema.json"
    schema = json.loads(path.read_text())
    schema["x-publishers"] = ["courses"]
    path.write_text(json.dumps(schema))
    # when / then
    with pytest.raises(InvalidContractError) as raised:
        ContractRegistry(directory)
    assert str(raised.value) == (
        "invalid event contracts:\n"
        "  notify/user.schema.json: x-publishers is '*' (any context) or absent, not ['courses']\n"
        "  notify.user: no current contract file notify/user.schema.json"
    )
