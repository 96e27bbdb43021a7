"""Event contracts: the files, the registry, payload validation, the snapshot guard and the AsyncAPI document."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from jsonschema import Draft202012Validator

from nlc.contexts import CONTEXT_NAMES
from nlc.events.asyncapi import asyncapi_path, render_asyncapi
from nlc.events.contracts import (
    LOCK_FILE_NAME,
    ContractRegistry,
    ContractViolationError,
    InvalidContractError,
    UnknownContractError,
    freeze_snapshot,
    read_lock,
    registry,
    snapshot_problems,
)
from nlc.events.registry import context_handler_specs

CONTRACTS_DIR = Path(settings.NLC_CONTRACTS_DIR)
CONTRACT_FILES = sorted(CONTRACTS_DIR.rglob("*.schema.json"))
FILE_NAME = re.compile(r"(?P<event>.+?)(?:\.v(?P<version>[0-9]+))?\.schema\.json")
ARCHITECTURE_EVENT_TYPES = [
    "auth.user.created",
    "auth.password.reset_requested",
    "billing.subscription.activated",
    "billing.payment.completed",
    "billing.invoice.issued",
    "billing.payment.failed",
    "billing.payment_link.created",
    "billing.payment.refunded",
    "courses.course.created",
    "courses.enrollment.created",
    "courses.progress.updated",
    "courses.enrollment.completed",
    "media.asset.created",
    "media.asset.ready",
    "media.asset.failed",
    "media.asset.deleted",
    "comms.sequence.started",
    "comms.email.sent",
    "comms.email.failed",
    "comms.email.opened",
    "comms.email.clicked",
    "leads.lead.created",
    "leads.status.changed",
    "leads.converted",
    # Added beside the architecture's table: a person erased on request (issue 12, privacy).
    "leads.client.erased",
    # Added for comms' sequences triggered by a tag (issue 10): a tag newly added to a lead.
    "leads.lead.tagged",
    # Added for analytics and notifications (issue 13): a profile's time zone, MRR movements, and
    # the deliverability facts comms already kept.
    "auth.user.updated",
    "billing.subscription.updated",
    "billing.subscription.canceled",
    "comms.email.delivered",
    "comms.email.complained",
    # A request type (decision 0009): a notice to every admin, e.g. of a dead letter.
    "notify.admins",
    "integrations.webhook.received",
    "integrations.webhook.failed",
    "integrations.webhook.processed",
    "analytics.snapshot.updated",
    "notify.user",
]
COACH_ID = "5b0c6a8e-1f4e-4c47-9a57-1d2f3c4b5a60"
CLIENT_ID = "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
COURSE_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
TRANSACTION_ID = "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a"


def _payment_completed() -> dict:
    return {
        "transactionId": TRANSACTION_ID,
        "coachId": COACH_ID,
        "planId": None,
        "subscriptionId": None,
        "paymentLinkId": "7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a090",
        "courseId": COURSE_ID,
        "clientId": CLIENT_ID,
        "clientEmail": "buyer@example.com",
        "clientName": "Ada Buyer",
        "kind": "course_purchase",
        "amount": 4900,
        "currency": "EUR",
        "externalPaymentId": "pi_3PqR5sT6uV7wX8yZ",
        "status": "completed",
        "paidAt": "2025-11-26T10:15:00Z",
    }


def _subscription_payment() -> dict:
    return {
        **_payment_completed(),
        "planId": "11111111-2222-4333-8444-555555555555",
        "subscriptionId": "66666666-7777-4888-9999-aaaaaaaaaaaa",
        "paymentLinkId": None,
        "courseId": None,
        "clientId": None,
        "clientEmail": None,
        "clientName": None,
        "kind": "subscription",
    }


def _enrollment_created() -> dict:
    return {
        "enrollmentId": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
        "courseId": COURSE_ID,
        "clientId": CLIENT_ID,
        "coachId": COACH_ID,
        "courseTitle": "Strength Basics",
        "clientEmail": "buyer@example.com",
        "clientName": "Ada Buyer",
        "source": "purchase",
        "accessUrl": "https://app.nextlevelcoach.test/learn/access/tok_abc123",
        "transactionId": TRANSACTION_ID,
        "enrolledAt": "2025-11-26T10:15:02.123456+00:00",
    }


def _user_created() -> dict:
    return {
        "userId": "12345678-1234-4234-8234-123456789abc",
        "email": "coach@example.com",
        "firstName": "Grace",
        "lastName": "Coach",
        "role": "coach",
        "coachId": COACH_ID,
        "createdAt": "2025-11-26T09:00:00Z",
        "signupMethod": "google",
    }


def _webhook_received() -> dict:
    return {
        "webhookEventId": "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff",
        "provider": "stripe",
        "providerEventId": "evt_1PqR5sT6uV7wX8yZ",
        "eventType": "checkout.session.completed",
        "coachId": None,
        "data": {"object": {"id": "cs_test_123", "amount_total": 4900, "currency": "eur"}},
        "receivedAt": "2025-11-26T10:15:00Z",
    }


def _notify_user() -> dict:
    return {
        "notificationId": "cccccccc-dddd-4eee-8fff-000000000000",
        "recipientUserId": "12345678-1234-4234-8234-123456789abc",
        "coachId": COACH_ID,
        "kind": "payment_received",
        "title": "New sale: Strength Basics",
        "body": "Ada Buyer paid EUR 49.00.",
        "link": "/billing/transactions/3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a",
        "createdAt": "2025-11-26T10:15:03Z",
    }


# --- The files -----------------------------------------------------------------------------------


def test_there_is_one_current_contract_file_per_event_type():
    # given / when
    names = [
        path.relative_to(CONTRACTS_DIR).as_posix()
        for path in CONTRACT_FILES
        if not FILE_NAME.fullmatch(path.name)["version"]
    ]

    # then
    assert len(names) == len(ARCHITECTURE_EVENT_TYPES)
    assert "billing/payment.completed.schema.json" in names
    assert "notify/user.schema.json" in names


@pytest.mark.parametrize("path", CONTRACT_FILES, ids=lambda path: path.relative_to(CONTRACTS_DIR).as_posix())
def test_contract_file_loads_agrees_with_its_name_and_is_valid_json_schema(path):
    # given
    domain = path.parent.name
    name = FILE_NAME.fullmatch(path.name)
    event_type = f"{domain}.{name['event']}"
    version = int(name["version"]) if name["version"] else registry().latest_version(event_type)

    # when
    schema = json.loads(path.read_text(encoding="utf-8"))
    contract = registry().get(event_type, version)

    # then
    Draft202012Validator.check_schema(schema)
    assert contract.path == path
    assert contract.schema == schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:nlc:event:{event_type}:v{schema['x-version']}"
    assert schema["title"] == event_type
    assert schema["x-event-type"] == event_type
    assert schema["x-version"] == contract.version == version
    assert schema["x-producer"] == contract.producer
    assert contract.producer in CONTEXT_NAMES
    assert contract.producer == ("notifications" if domain == "notify" else domain)
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert 20 <= len(schema["description"]) <= 400
    assert set(schema["required"]) <= set(schema["properties"])
    assert [name for name in schema["properties"] if not re.fullmatch(r"[a-z][a-zA-Z0-9]*", name)] == []


def test_every_event_type_of_the_architecture_has_a_contract():
    # given
    contracts = registry()

    # when
    types = contracts.types()

    # then
    assert types == sorted(ARCHITECTURE_EVENT_TYPES)


def test_every_client_event_carries_the_client_id_and_coach_data_the_coach_id():
    # given
    contracts = registry().all()

    # when
    client_events_without_client_id = [
        contract.event_type
        for contract in contracts
        if any(name.startswith("client") for name in contract.schema["properties"])
        and "clientId" not in contract.schema["required"]
    ]
    without_coach_id = [
        contract.event_type
        for contract in contracts
        if contract.producer in {"billing", "courses", "media", "leads"}
        and "coachId" not in contract.schema["required"]
    ]

    # then
    assert client_events_without_client_id == []
    assert without_coach_id == []


def test_payment_completed_v1_requires_what_its_consumers_need():
    # given
    contract = registry().get("billing.payment.completed", 1)

    # when
    required = contract.schema["required"]

    # then
    assert set(required) >= {
        "transactionId",
        "coachId",
        "planId",
        "amount",
        "currency",
        "externalPaymentId",
        "status",
        "paymentLinkId",
        "courseId",
        "clientId",
        "clientEmail",
        "clientName",
        "kind",
        "paidAt",
    }
    assert contract.schema["properties"]["kind"]["enum"] == ["subscription", "course_purchase", "other"]
    assert contract.schema["properties"]["status"]["enum"] == ["completed"]
    assert contract.schema["properties"]["planId"]["type"] == ["string", "null"]


def test_enrollment_created_v1_requires_what_its_consumers_need():
    # given
    contract = registry().get("courses.enrollment.created", 1)

    # when
    required = contract.schema["required"]

    # then
    assert set(required) >= {
        "enrollmentId",
        "courseId",
        "clientId",
        "coachId",
        "courseTitle",
        "clientEmail",
        "clientName",
        "source",
        "accessUrl",
        "transactionId",
        "enrolledAt",
    }
    assert contract.schema["properties"]["source"]["enum"] == ["purchase", "manual"]


# --- Validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [
        ("billing.payment.completed", _payment_completed()),
        ("billing.payment.completed", _subscription_payment()),
        ("courses.enrollment.created", _enrollment_created()),
        ("courses.enrollment.created", {**_enrollment_created(), "source": "manual", "transactionId": None}),
        ("auth.user.created", _user_created()),
        ("auth.user.created", {**_user_created(), "role": "admin", "coachId": None, "signupMethod": "admin"}),
        ("integrations.webhook.received", _webhook_received()),
        ("notify.user", _notify_user()),
        ("notify.user", {**_notify_user(), "coachId": None, "link": None}),
    ],
)
def test_a_valid_payload_passes(event_type, payload):
    # given
    contract = registry().get(event_type, 1)

    # when
    result = contract.validate(payload)

    # then
    assert result is None


@pytest.mark.parametrize(
    ("event_type", "payload", "errors"),
    [
        (
            "billing.payment.completed",
            {**_payment_completed(), "amount": "ten"},
            ["amount: 'ten' is not of type 'integer'"],
        ),
        (
            "billing.payment.completed",
            {key: value for key, value in _payment_completed().items() if key != "transactionId"},
            ["transactionId: is required but missing"],
        ),
        (
            "billing.payment.completed",
            {**_payment_completed(), "discount": 500},
            ["discount: is not in the contract (additional properties are not allowed)"],
        ),
        (
            "billing.payment.completed",
            {**_payment_completed(), "coachId": "coach-42"},
            ["coachId: 'coach-42' is not a 'uuid'"],
        ),
        (
            "billing.payment.completed",
            {**_payment_completed(), "clientEmail": "buyer-at-example.com"},
            ["clientEmail: 'buyer-at-example.com' is not a 'email'"],
        ),
        (
            "billing.payment.completed",
            {**_payment_completed(), "currency": "eur"},
            ["currency: 'eur' does not match '^[A-Z]{3}$'"],
        ),
        (
            "billing.payment.completed",
            {**_payment_completed(), "paidAt": "2025-02-30T10:00:00Z"},
            ["paidAt: '2025-02-30T10:00:00Z' is not a 'date-time'"],
        ),
        (
            "billing.payment.completed",
            {**_payment_completed(), "kind": "gift"},
            ["kind: 'gift' is not one of ['subscription', 'course_purchase', 'other']"],
        ),
        (
            "billing.payment.completed",
            {**_payment_completed(), "courseId": None},
            ["courseId: None is not of type 'string'"],
        ),
        (
            "courses.enrollment.created",
            {**_enrollment_created(), "accessUrl": "not a url"},
            ["accessUrl: 'not a url' is not a 'uri'"],
        ),
        (
            "courses.enrollment.created",
            {**_enrollment_created(), "transactionId": None},
            ["transactionId: None is not of type 'string'"],
        ),
        (
            "auth.user.created",
            {**_user_created(), "role": "admin"},
            [f"coachId: '{COACH_ID}' is not of type 'null'"],
        ),
        (
            "integrations.webhook.received",
            {**_webhook_received(), "data": "{}"},
            ["data: '{}' is not of type 'object'"],
        ),
    ],
    ids=[
        "wrong-type",
        "missing-required",
        "extra-field",
        "bad-uuid",
        "bad-email",
        "bad-currency",
        "bad-date-time",
        "not-in-enum",
        "course-purchase-without-course",
        "bad-uri",
        "purchase-without-transaction",
        "admin-with-coach-id",
        "data-not-an-object",
    ],
)
def test_a_payload_that_breaks_its_contract_is_refused_naming_the_field(event_type, payload, errors):
    # given
    contract = registry().get(event_type, 1)

    # when
    with pytest.raises(ContractViolationError) as raised:
        contract.validate(payload)

    # then
    assert raised.value.errors == errors
    assert str(raised.value) == f"{event_type} v1: {errors[0]}"
    assert (raised.value.event_type, raised.value.version) == (event_type, 1)


def test_every_problem_of_a_payload_is_listed_best_first():
    # given
    payload = {key: value for key, value in _payment_completed().items() if key not in {"coachId", "paidAt"}}
    payload["amount"] = -1
    payload["tip"] = 100

    # when
    with pytest.raises(ContractViolationError) as raised:
        registry().get("billing.payment.completed", 1).validate(payload)

    # then
    assert raised.value.errors == [
        "tip: is not in the contract (additional properties are not allowed)",
        "coachId: is required but missing",
        "paidAt: is required but missing",
        "amount: -1 is less than the minimum of 0",
    ]
    assert str(raised.value) == "billing.payment.completed v1: " + "; ".join(raised.value.errors)


def test_a_payload_that_is_not_an_object_is_refused():
    # when
    with pytest.raises(ContractViolationError) as raised:
        registry().get("notify.user", 1).validate(["not", "an", "object"])

    # then
    assert raised.value.errors == ["payload: ['not', 'an', 'object'] is not of type 'object'"]


# --- The registry --------------------------------------------------------------------------------


@pytest.fixture
def contracts_copy(tmp_path) -> Path:
    directory = tmp_path / "events"
    shutil.copytree(CONTRACTS_DIR, directory)
    return directory


def test_the_registry_answers_by_type_and_version(contracts_copy):
    # given
    _add_version_2(contracts_copy)
    contracts = ContractRegistry(contracts_copy)

    # when
    latest = contracts.get("billing.payment.completed")
    first = contracts.get("billing.payment.completed", 1)

    # then
    assert (latest.version, latest.path.name) == (2, "payment.completed.schema.json")
    assert (first.version, first.path.name) == (1, "payment.completed.v1.schema.json")
    assert contracts.latest_version("billing.payment.completed") == 2
    assert contracts.producer_of("billing.payment.completed") == "billing"
    assert contracts.producer_of("notify.user") == "notifications"
    assert contracts.producer_of("leads.converted") == "leads"
    assert [
        (contract.event_type, contract.version)
        for contract in contracts.all()
        if contract.event_type.startswith("billing.payment.")
    ] == [
        ("billing.payment.completed", 1),
        ("billing.payment.completed", 2),
        ("billing.payment.failed", 1),
        ("billing.payment.refunded", 1),
    ]
    assert contracts.types() == sorted(ARCHITECTURE_EVENT_TYPES)


def test_the_project_registry_is_loaded_once():
    # when
    contracts = registry()

    # then
    assert registry() is contracts
    assert contracts.directory == CONTRACTS_DIR


def test_the_registry_refuses_an_unknown_type_or_version(contracts_copy):
    # given
    _add_version_2(contracts_copy)
    contracts = ContractRegistry(contracts_copy)

    # when / then
    with pytest.raises(UnknownContractError, match=r"^no contract for event type 'billing\.payment\.teleported'$"):
        contracts.get("billing.payment.teleported")
    with pytest.raises(
        UnknownContractError, match=r"^billing\.payment\.completed has no contract version 3 \(known: v1, v2\)$"
    ):
        contracts.get("billing.payment.completed", 3)


def _edit(path: Path, **changes) -> None:
    schema = json.loads(path.read_text())
    schema.update(changes)
    path.write_text(json.dumps(schema, indent=2) + "\n")


def test_the_registry_refuses_a_file_that_disagrees_with_its_name(contracts_copy):
    # given
    _edit(contracts_copy / "billing" / "payment.completed.schema.json", **{"x-event-type": "billing.payment.done"})
    _edit(contracts_copy / "leads" / "converted.schema.json", **{"x-producer": "billing"})

    # when
    with pytest.raises(InvalidContractError) as raised:
        ContractRegistry(contracts_copy)

    # then
    assert str(raised.value) == (
        "invalid event contracts:\n"
        "  billing/payment.completed.schema.json: x-event-type must be 'billing.payment.completed', "
        "not 'billing.payment.done'\n"
        "  leads/converted.schema.json: x-producer must be 'leads', not 'billing'"
    )


def test_the_registry_refuses_a_version_that_disagrees_with_its_file_name(contracts_copy):
    # given
    current = contracts_copy / "courses" / "course.created.schema.json"
    shutil.copy(current, contracts_copy / "courses" / "course.created.v2.schema.json")

    # when
    with pytest.raises(InvalidContractError) as raised:
        ContractRegistry(contracts_copy)

    # then
    assert str(raised.value) == (
        "invalid event contracts:\n  courses/course.created.v2.schema.json: x-version is 1, the file name says v2"
    )


def test_the_registry_refuses_an_invalid_json_schema(contracts_copy):
    # given
    _edit(contracts_copy / "notify" / "user.v1.schema.json", required="notificationId")

    # when
    with pytest.raises(InvalidContractError) as raised:
        ContractRegistry(contracts_copy)

    # then
    assert str(raised.value) == (
        "invalid event contracts:\n"
        "  notify/user.v1.schema.json: not a valid JSON Schema: 'notificationId' is not of type 'array'"
    )


# --- The snapshot of published versions -----------------------------------------------------------


def _add_version_2(directory: Path) -> None:
    """Move v1 of billing.payment.completed aside and make v2 the current file, as the README says."""
    current = directory / "billing" / "payment.completed.schema.json"
    v1 = json.loads(current.read_text())
    current.rename(directory / "billing" / "payment.completed.v1.schema.json")
    v2 = json.loads(json.dumps(v1))
    v2["$id"] = "urn:nlc:event:billing.payment.completed:v2"
    v2["x-version"] = 2
    v2["properties"]["couponCode"] = {"type": ["string", "null"]}
    v2["required"].append("couponCode")
    current.write_text(json.dumps(v2, indent=2) + "\n")


def test_the_committed_lock_matches_the_contracts():
    # when
    problems = snapshot_problems(registry(), CONTRACTS_DIR / LOCK_FILE_NAME)

    # then
    assert problems == []


def test_editing_a_published_contract_is_reported(contracts_copy):
    # given
    path = contracts_copy / "billing" / "payment.completed.schema.json"
    schema = json.loads(path.read_text())
    schema["properties"]["amount"]["minimum"] = 1
    path.write_text(json.dumps(schema, indent=2))

    # when
    problems = snapshot_problems(ContractRegistry(contracts_copy), contracts_copy / LOCK_FILE_NAME)

    # then
    assert problems == [
        "billing.payment.completed v1 was edited after it was published (billing/payment.completed.schema.json): "
        "revert it and add v2 instead"
    ]


def test_reformatting_a_published_contract_is_not_an_edit(contracts_copy):
    # given
    path = contracts_copy / "billing" / "payment.completed.schema.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=4, sort_keys=True))

    # when
    problems = snapshot_problems(ContractRegistry(contracts_copy), contracts_copy / LOCK_FILE_NAME)

    # then
    assert problems == []


def test_deleting_a_published_contract_is_reported(contracts_copy):
    # given
    (contracts_copy / "courses" / "course.created.schema.json").unlink()

    # when
    problems = snapshot_problems(ContractRegistry(contracts_copy), contracts_copy / LOCK_FILE_NAME)

    # then
    assert problems == [
        "courses.course.created v1 was published but its contract is gone: restore "
        "courses/course.created.schema.json (a published version is never deleted)"
    ]


def test_a_new_version_not_in_the_lock_is_reported(contracts_copy):
    # given
    _add_version_2(contracts_copy)

    # when
    contracts = ContractRegistry(contracts_copy)
    problems = snapshot_problems(contracts, contracts_copy / LOCK_FILE_NAME)

    # then
    assert contracts.latest_version("billing.payment.completed") == 2
    assert contracts.get("billing.payment.completed", 1).path.name == "payment.completed.v1.schema.json"
    assert problems == [
        "billing.payment.completed v2 is a new version not frozen: run manage.py events contracts --freeze"
    ]


def test_freeze_adds_only_the_new_version(contracts_copy):
    # given
    lock_path = contracts_copy / LOCK_FILE_NAME
    before = read_lock(lock_path)
    _add_version_2(contracts_copy)
    contracts = ContractRegistry(contracts_copy)

    # when
    added = freeze_snapshot(contracts, lock_path)

    # then
    after = read_lock(lock_path)
    assert added == ["billing.payment.completed v2"]
    assert after == {
        **before,
        "billing.payment.completed": {
            "1": before["billing.payment.completed"]["1"],
            "2": contracts.get("billing.payment.completed", 2).fingerprint,
        },
    }
    assert snapshot_problems(contracts, lock_path) == []


def test_freeze_twice_changes_nothing(contracts_copy):
    # given
    lock_path = contracts_copy / LOCK_FILE_NAME
    contracts = ContractRegistry(contracts_copy)
    text = lock_path.read_text()

    # when
    added = freeze_snapshot(contracts, lock_path)

    # then
    assert added == []
    assert lock_path.read_text() == text


def test_freeze_never_rewrites_the_entry_of_an_edited_contract(contracts_copy):
    # given
    lock_path = contracts_copy / LOCK_FILE_NAME
    published = read_lock(lock_path)["courses.enrollment.created"]["1"]
    _edit(contracts_copy / "courses" / "enrollment.created.schema.json", description="Rewritten after publication.")
    contracts = ContractRegistry(contracts_copy)

    # when
    added = freeze_snapshot(contracts, lock_path)

    # then
    assert added == []
    assert read_lock(lock_path)["courses.enrollment.created"] == {"1": published}
    assert snapshot_problems(contracts, lock_path) == [
        "courses.enrollment.created v1 was edited after it was published (courses/enrollment.created.schema.json): "
        "revert it and add v2 instead"
    ]


def test_freeze_writes_a_lock_that_does_not_exist_yet(contracts_copy):
    # given
    lock_path = contracts_copy / LOCK_FILE_NAME
    lock_path.unlink()
    contracts = ContractRegistry(contracts_copy)

    # when
    added = freeze_snapshot(contracts, lock_path)

    # then
    assert added == [f"{contract.event_type} v{contract.version}" for contract in contracts.all()]
    assert lock_path.read_text() == (CONTRACTS_DIR / LOCK_FILE_NAME).read_text()


# --- The AsyncAPI document -----------------------------------------------------------------------


@dataclass(frozen=True)
class FakeHandler:
    context: str
    event_types: tuple[str, ...]
    name: str


def test_the_asyncapi_document_is_up_to_date():
    # given
    expected = render_asyncapi(registry(), context_handler_specs())

    # when
    committed = asyncapi_path().read_text(encoding="utf-8")

    # then
    assert committed == expected, "docs/asyncapi.yaml is stale: regenerate it (see docs/contracts/README.md)"


def test_the_asyncapi_document_describes_exchanges_queues_and_consumers():
    # given
    handlers = [
        FakeHandler("leads", ("billing.payment.completed", "courses.enrollment.created"), "leads.record_client"),
        FakeHandler("courses", ("billing.payment.completed",), "courses.enroll_buyer"),
    ]

    # when
    document = yaml.safe_load(render_asyncapi(registry(), handlers))

    # then
    channel = document["channels"]["billing.payment.completed"]
    assert document["asyncapi"] == "2.6.0"
    assert document["servers"]["production"]["url"] == "{BROKER_URL}"
    assert document["servers"]["production"]["protocol"] == "amqp"
    assert channel["x-producer"] == "billing"
    assert channel["x-consumers"] == ["courses", "leads"]
    assert channel["subscribe"]["x-handlers"] == [
        {"context": "courses", "name": "courses.enroll_buyer"},
        {"context": "leads", "name": "leads.record_client"},
    ]
    assert channel["publish"]["message"] == {"$ref": "#/components/messages/billing.payment.completed.v1"}
    assert document["channels"]["courses.enrollment.created"]["x-consumers"] == ["leads"]
    assert document["channels"]["notify.user"]["x-consumers"] == []
    assert document["components"]["channelBindings"]["domainEvents"]["amqp"]["exchange"] == {
        "name": "nlc.domain.events",
        "type": "topic",
        "durable": True,
        "autoDelete": False,
        "vhost": "/",
    }
    assert document["channels"]["nlc.integrations.webhooks"]["bindings"]["amqp"]["exchange"]["type"] == "fanout"
    assert document["channels"]["nlc.integrations.webhooks"]["bindings"]["amqp"]["exchange"]["durable"] is True
    leads_queue = document["channels"]["nlc.leads.events"]
    assert leads_queue["bindings"]["amqp"]["queue"]["name"] == "nlc.leads.events"
    assert leads_queue["bindings"]["amqp"]["queue"]["durable"] is True
    assert leads_queue["x-arguments"] == {"x-queue-type": "quorum", "x-dead-letter-exchange": "nlc.dlx.leads"}
    assert leads_queue["x-routing-keys"] == ["billing.payment.completed", "courses.enrollment.created"]
    assert "nlc.comms.events" not in document["channels"]


def test_an_asyncapi_message_is_the_contract_and_the_envelope_is_a_trait():
    # given
    contract = registry().get("billing.payment.completed", 1)

    # when
    document = yaml.safe_load(render_asyncapi(registry(), []))

    # then
    message = document["components"]["messages"]["billing.payment.completed.v1"]
    assert message["payload"] == {key: value for key, value in contract.schema.items() if key not in {"$schema", "$id"}}
    assert message["traits"] == [{"$ref": "#/components/messageTraits/envelope"}]
    assert message["x-contract"] == "docs/contracts/events/billing/payment.completed.schema.json"
    envelope = document["components"]["messageTraits"]["envelope"]["headers"]
    assert envelope["required"] == ["eventId", "type", "occurredAt", "producer", "schemaVersion", "traceId", "source"]
    assert envelope["properties"]["eventId"] == {
        "type": "string",
        "format": "uuid",
        "description": "Unique id of the event; consumers deduplicate on it.",
    }
    assert document["components"]["schemas"]["Envelope"]["required"][-1] == "payload"


def test_the_asyncapi_document_does_not_depend_on_the_order_of_handlers():
    # given
    first = FakeHandler("comms", ("auth.password.reset_requested",), "comms.send_reset_link")
    second = FakeHandler("analytics", ("auth.user.created", "billing.payment.completed"), "analytics.count")

    # when
    one = render_asyncapi(registry(), [first, second])
    other = render_asyncapi(registry(), iter([second, first]))

    # then
    assert one == other
    assert "&id" not in one
    assert "*id" not in one


def test_a_handler_of_an_event_without_a_contract_is_refused():
    # given
    handler = FakeHandler("comms", ("billing.payment.teleported",), "comms.lost")

    # when / then
    with pytest.raises(UnknownContractError, match=r"billing\.payment\.teleported"):
        render_asyncapi(registry(), [handler])
