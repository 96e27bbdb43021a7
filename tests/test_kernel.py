"""The kernel every context stands on (nlc/): domain errors and their one JSON shape, the base views
and their list routine, OPTIONS on every route, JSON errors with DEBUG on, typed event payloads,
provider failures, HTTP sessions with timeouts, idempotency keys and the camelCase serializer base.

The probe views below stand for any context's views; this module is also their URLconf.
"""

from __future__ import annotations

import socket
import threading
import uuid
from datetime import UTC, datetime

import pytest
import requests
from django.urls import get_resolver, include, path
from rest_framework import serializers
from rest_framework.response import Response

from nlc.api.serializers import CamelCaseSerializer
from nlc.api.views import AdminView, CoachOrAdminView, CoachView, PublicView, get_or_404
from nlc.errors import (
    ConflictError,
    InvalidInputError,
    LockedError,
    NotFoundError,
    ProviderError,
    provider_call,
    provider_failure,
)
from nlc.events.envelope import Event, PayloadFieldError
from nlc.providers.http import http_json, http_session
from nlc.providers.idempotency import fresh_idempotency_key, idempotency_key
from nlc.time import iso_z, parse_moment

pytestmark = pytest.mark.django_db(databases="__all__")

ROWS = [{"id": str(uuid.UUID(int=n)), "coach_id": "c1" if n % 2 else "c2", "unit_price": n} for n in range(1, 8)]


class RowFilter(serializers.Serializer):
    odd = serializers.BooleanField(required=False, default=False)


class RowSerializer(CamelCaseSerializer):
    id = serializers.CharField()
    unitPrice = serializers.IntegerField()


class RowInput(CamelCaseSerializer):
    unitPrice = serializers.IntegerField(min_value=1)
    displayName = serializers.CharField(source="name")


def row_list(*, principal, filters):
    return [row for row in ROWS if not filters["odd"] or row["unit_price"] % 2]


class Rows(CoachOrAdminView):
    def get(self, request):
        return self.list_response(request, filters=RowFilter, selector=row_list, serializer=RowSerializer)

    def post(self, request):
        serializer = RowInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=201)


class RowDetail(CoachView):
    def get(self, request, row_id):
        return Response(get_or_404(next((row for row in ROWS if row["id"] == str(row_id)), None), "row"))


class Failing(AdminView):
    def get(self, request, kind):
        if kind == "conflict":
            raise ConflictError("Already done.", code="row_done")
        if kind == "locked":
            raise LockedError("Locked for a minute.", code="row_locked", retry_after=60)
        if kind == "fields":
            raise InvalidInputError(
                "The price is wrong.", code="price_invalid", field_errors={"lines.0.unit_price": ["Too low."]}
            )
        if kind == "provider":
            with provider_call():
                raise ProviderError("timed out", provider="vimeo", retryable=True)
        raise RuntimeError("unexpected")


class Open(PublicView):
    def get(self, request):
        return Response({"ok": True})


probe_patterns = [
    path("rows", Rows.as_view()),
    path("rows/<uuid:row_id>", RowDetail.as_view()),
    path("failing/<str:kind>", Failing.as_view()),
    path("open", Open.as_view()),
]
urlpatterns = [path("kernel-probe/", include(probe_patterns))]


@pytest.fixture
def probe_urls(settings):
    settings.ROOT_URLCONF = __name__


# --- Errors: each kind its status, domain field names in camelCase --------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "body", "headers"),
    [
        ("conflict", 409, {"code": "row_done", "message": "Already done.", "fieldErrors": {}}, {}),
        ("locked", 423, {"code": "row_locked", "fieldErrors": {}}, {"Retry-After": "60"}),
        ("fields", 400, {"code": "price_invalid", "fieldErrors": {"lines.0.unitPrice": ["Too low."]}}, {}),
        (
            "provider",
            503,
            {"code": "vimeo_unavailable", "details": {"retryable": True}, "fieldErrors": {}},
            {"Retry-After": "30"},
        ),
    ],
)
def test_domain_errors_answer_their_kinds_status_in_the_one_shape(
    probe_urls, admin_client, kind, status, body, headers
):
    # when
    response = admin_client.get(f"/kernel-probe/failing/{kind}")
    # then
    assert response.status_code == status
    assert response.json()["status"] == status
    assert {key: response.json()[key] for key in body} == body
    for name, value in headers.items():
        assert response[name] == value


def test_not_found_names_the_entity(probe_urls, coach_client):
    # when
    response = coach_client.get(f"/kernel-probe/rows/{uuid.uuid4()}")
    # then
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "row_not_found",
        "message": "No such row.",
        "fieldErrors": {},
    }


def test_provider_failure_tells_retryable_from_refused_and_unconfigured():
    # given
    down = ProviderError("timeout", provider="mailgun", retryable=True)
    refused = ProviderError("bad domain", provider="mailgun", retryable=False, provider_code="domain_invalid")
    missing = ProviderError("no key", provider="mailgun", retryable=False, configured=False)
    # when / then
    assert (provider_failure(down).code, provider_failure(down).retry_after) == ("mailgun_unavailable", 30)
    assert provider_failure(refused).code == "mailgun_error"
    assert provider_failure(refused).details == {"retryable": False, "mailgunCode": "domain_invalid"}
    assert provider_failure(missing).code == "mailgun_not_configured"


def test_not_found_error_of_an_entity():
    error = NotFoundError.of("payment_link")
    assert (error.code, error.message) == ("payment_link_not_found", "No such payment link.")


# --- Views: the list routine, camelCase, permissions ---------------------------------------------


def test_list_routine_validates_filters_reads_the_selector_and_pages(probe_urls, coach_client):
    # when
    response = coach_client.get("/kernel-probe/rows?odd=true&pageSize=2")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert body["results"] == [{"id": ROWS[0]["id"], "unitPrice": 1}, {"id": ROWS[2]["id"], "unitPrice": 3}]


def test_list_routine_refuses_bad_filters(probe_urls, coach_client):
    response = coach_client.get("/kernel-probe/rows?odd=perhaps")
    assert response.status_code == 400
    assert list(response.json()["fieldErrors"]) == ["odd"]


def test_camel_case_input_gives_the_domain_names(probe_urls, coach_client):
    # when
    response = coach_client.post("/kernel-probe/rows", {"unitPrice": 5, "displayName": "Five"}, format="json")
    # then
    assert response.status_code == 201
    assert response.json() == {"unit_price": 5, "name": "Five"}


def test_camel_case_input_errors_keep_the_wire_names(probe_urls, coach_client):
    response = coach_client.post("/kernel-probe/rows", {"unitPrice": 0}, format="json")
    assert response.status_code == 400
    assert sorted(response.json()["fieldErrors"]) == ["displayName", "unitPrice"]


def test_coach_view_refuses_admins_and_admin_view_refuses_coaches(probe_urls, admin_client, coach_client):
    assert admin_client.get(f"/kernel-probe/rows/{ROWS[0]['id']}").json()["code"] == "coach_only"
    assert coach_client.get("/kernel-probe/failing/conflict").json()["code"] == "admin_only"


def test_public_view_ignores_a_stale_token(probe_urls, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.get("/kernel-probe/open").json() == {"ok": True}


# --- OPTIONS and DEBUG: never a 5xx, never HTML ---------------------------------------------------


def _every_route() -> list[str]:
    """A concrete path for every URL pattern of the gateway (ids filled with fresh uuids)."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
                continue
            route = route.replace("^", "").replace("$", "")
            for converter in ("uuid", "int", "str", "slug", "path"):
                value = {"uuid": str(uuid.uuid4()), "int": "1"}.get(converter, "x")
                while f"<{converter}:" in route:
                    start = route.index(f"<{converter}:")
                    route = route[:start] + value + route[route.index(">", start) + 1 :]
            if "<" in route or "(" in route or route.startswith("admin/"):
                continue
            paths.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


def test_every_method_on_every_route_answers_without_a_server_error(coach_client, admin_client, api_client):
    # given
    routes = _every_route()
    assert len(routes) > 40
    callers = {"coach": coach_client, "admin": admin_client, "anonymous": api_client}
    for client in callers.values():
        client.raise_request_exception = False
    # when
    failures = [
        (method, route, who, response.status_code)
        for route in routes
        for who, client in callers.items()
        for method in ("options", "get", "post", "put", "patch", "delete")
        if (response := getattr(client, method)(route)).status_code >= 500
    ]
    # then
    assert failures == []


def test_options_names_the_methods_a_view_allows(probe_urls, coach_client):
    response = coach_client.options("/kernel-probe/rows")
    assert response.status_code == 200
    assert response.json()["actions"] == ["GET", "POST"]


@pytest.mark.parametrize("path", ["/no/such/path", "/billing/payment-links/not-a-uuid", "/courses/courses/12"])
def test_unknown_paths_and_malformed_ids_answer_json_with_debug_on(settings, coach_client, path):
    # given
    settings.DEBUG = True
    # when
    response = coach_client.get(path)
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_an_unhandled_exception_answers_json_with_debug_on(settings, probe_urls, admin_client):
    # given
    settings.DEBUG = True
    admin_client.raise_request_exception = False
    # when
    response = admin_client.get("/kernel-probe/failing/boom")
    # then
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"


# --- Typed event payloads -------------------------------------------------------------------------


def _event(payload):
    return Event(
        event_id=uuid.uuid4(),
        type="billing.payment.completed",
        version=1,
        occurred_at=datetime.now(UTC),
        producer="billing",
        trace_id="t",
        source="nlc/billing",
        payload=payload,
    )


def test_event_payload_is_read_by_type():
    coach_id = uuid.uuid4()
    event = _event({"coachId": str(coach_id), "paidAt": "2026-12-01T09:30:00Z", "clientId": None, "amount": 4900})
    assert event.uuid("coachId") == coach_id
    assert event.moment("paidAt") == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert event.optional_uuid("clientId") is None
    assert event.integer("amount") == 4900
    assert event.text("clientName", default="") == ""


@pytest.mark.parametrize(
    ("payload", "read"),
    [
        ({}, lambda event: event.uuid("coachId")),
        ({"coachId": "nope"}, lambda event: event.uuid("coachId")),
        ({"paidAt": "yesterday"}, lambda event: event.moment("paidAt")),
        ({"amount": "12"}, lambda event: event.integer("amount")),
    ],
)
def test_a_missing_or_malformed_payload_field_is_a_payload_error(payload, read):
    with pytest.raises(PayloadFieldError):
        read(_event(payload))


def test_iso_z_is_utc_with_a_z():
    assert iso_z(parse_moment("2026-12-01T10:30:00+01:00")) == "2026-12-01T09:30:00Z"
    assert iso_z(None) is None
    with pytest.raises(ValueError, match="naive"):
        iso_z(datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None))


# --- Providers: HTTP with a timeout, idempotency keys --------------------------------------------


def test_idempotency_keys_are_stable_for_the_same_change():
    plan_id = uuid.uuid4()
    assert idempotency_key("plan", plan_id, "price") == f"nlc-plan-{plan_id}-price"
    assert fresh_idempotency_key("price") != fresh_idempotency_key("price")


@pytest.fixture
def silent_server():
    """A TCP server on loopback that accepts and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    stop = threading.Event()

    def serve():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_http_session_times_out_by_itself_and_says_retry(silent_server):
    # given
    session = http_session(timeout=0.2)
    # when
    with pytest.raises(ProviderError) as raised:
        http_json(session, "GET", f"{silent_server}/videos", provider="vimeo")
    # then
    assert raised.value.retryable is True
    assert raised.value.provider == "vimeo"


def test_http_session_needs_a_timeout():
    with pytest.raises(ValueError, match="timeout"):
        http_session(timeout=0)
    assert isinstance(http_session(timeout=1), requests.Session)


# --- Selectors: filters narrow only when given ---------------------------------------------------


def test_filter_by_applies_only_the_filters_given():
    from django.contrib.contenttypes.models import ContentType

    from nlc.db.filters import filter_by, search_by

    # given
    rows = ContentType.objects.all()
    expected = set(ContentType.objects.filter(app_label="billing").values_list("model", flat=True))
    assert expected
    # when
    narrowed = filter_by(rows, {"app": "billing", "name": None, "other": ""}, app="app_label", name="model")
    searched = search_by(narrowed, "PLAN", "model")
    # then
    assert set(narrowed.values_list("model", flat=True)) == expected
    assert set(searched.values_list("model", flat=True)) == {name for name in expected if "plan" in name}
    assert filter_by(rows, None, app="app_label").count() == rows.count()
    assert search_by(rows, "", "model").count() == rows.count()


# --- Tasks: one queue per context, in this run's namespace --------------------------------------


def test_a_contexts_tasks_are_routed_to_its_own_queue_in_the_runs_namespace(settings):
    from celery import current_app

    # when
    routed = {name: current_app.amqp.router.route({}, name)["queue"].name for name in ("comms.x", "media.y", "z")}
    declared = {queue.name for queue in current_app.conf.task_queues}
    # then
    namespace = settings.NLC_BUS_NAMESPACE
    assert namespace.startswith("test.")
    assert routed == {
        "comms.x": f"{namespace}nlc.comms.tasks",
        "media.y": f"{namespace}nlc.media.tasks",
        "z": f"{namespace}nlc.tasks",
    }
    assert declared == {f"{namespace}nlc.tasks", *(f"{namespace}nlc.{name}.tasks" for name in settings.NLC_CONTEXTS)}


# --- Secrets at rest -----------------------------------------------------------------------------


def test_a_secret_box_encrypts_rotates_and_refuses_what_no_key_reads(settings):
    from nlc.crypto import SecretBox, SecretUnreadableError

    # given a box under one key
    settings.KERNEL_TEST_KEYS = ["first-key-material"]
    box = SecretBox(keys_setting="KERNEL_TEST_KEYS", salt=b"nlc.test", info=b"kernel-test")
    token = box.encrypt("whsec_123")
    # when a new key is put first, the old token still reads and re-encrypts under the new key
    settings.KERNEL_TEST_KEYS = ["second-key-material", "first-key-material"]
    rotated = box.reencrypt(token)
    # then only the new key is needed for the rotated token, and the old one is unreadable without its key
    settings.KERNEL_TEST_KEYS = ["second-key-material"]
    assert box.decrypt(rotated) == "whsec_123"
    with pytest.raises(SecretUnreadableError):
        box.decrypt(token)
    assert (box.encrypt(""), box.decrypt("")) == ("", "")
