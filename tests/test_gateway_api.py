"""The gateway's API defaults (nlc.api), as any context sees them: a principal from the token's claims
alone, role permissions, service tokens bound to one context, and one JSON error shape everywhere.

The probe views below stand for any context's views; this module is also their URLconf.
"""

import time
import uuid

import jwt
import pytest
import time_machine
from django.conf import settings
from django.urls import include, path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from nlc.api.permissions import IsAdmin, IsCoachOrAdmin, IsService
from nlc.api.throttles import LeadIntakeThrottle, WebhookThrottle
from nlc.api.tokens import service_token_issue

pytestmark = pytest.mark.django_db(databases="__all__")


class WhoAmI(APIView):
    permission_classes = [IsCoachOrAdmin]

    def get(self, request):
        user = request.user
        return Response(
            {"id": str(user.id), "role": user.role, "coachId": str(user.coach_id) if user.coach_id else None}
        )


class AdminOnly(APIView):
    permission_classes = [IsAdmin]

    def get(self, request):
        return Response({"ok": True})


class ServiceOnly(APIView):
    permission_classes = [IsService]

    def get(self, request):
        return Response({"caller": request.user.service})


class Line(serializers.Serializer):
    price = serializers.IntegerField(min_value=0)


class Order(serializers.Serializer):
    email = serializers.EmailField()
    lines = Line(many=True)

    def validate(self, attrs):
        if attrs["email"].endswith("@blocked.example.com"):
            raise serializers.ValidationError("This customer is blocked.")
        return attrs


class Validating(APIView):
    permission_classes = [IsCoachOrAdmin]

    def post(self, request):
        Order(data=request.data).is_valid(raise_exception=True)
        return Response(status=204)


class Boom(APIView):
    permission_classes = []

    def get(self, request):
        raise RuntimeError("an unexpected failure")


class Intake(APIView):
    permission_classes = []
    throttle_classes = [LeadIntakeThrottle]

    def post(self, request):
        return Response(status=202)


class Webhook(APIView):
    permission_classes = []
    throttle_classes = [WebhookThrottle]

    def post(self, request):
        return Response(status=200)


probes = [
    path("whoami", WhoAmI.as_view()),
    path("admin-only", AdminOnly.as_view()),
    path("service-only", ServiceOnly.as_view()),
    path("validating", Validating.as_view()),
    path("boom", Boom.as_view()),
    path("intake", Intake.as_view()),
    path("webhook", Webhook.as_view()),
]
urlpatterns = [
    path("billing/", include((probes, "billing"))),
    path("courses/", include((probes, "courses"))),
    path("unmounted/", include((probes, "unmounted"))),
]
handler404 = "nlc.api.errors.page_not_found"
handler500 = "nlc.api.errors.server_error"
probe_urls = pytest.mark.urls(__name__)


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


# --- The principal ------------------------------------------------------------------------------


@probe_urls
def test_a_coach_is_known_from_its_token_alone(principal_client, django_assert_num_queries):
    # given a coach's access token, for a user that exists in no table
    coach_id = uuid.uuid4()
    client = principal_client(role="coach", user_id=coach_id)
    # when it calls another context
    with django_assert_num_queries(0):
        response = client.get("/billing/whoami")
    # then that context knows who it is without a single query
    assert response.status_code == 200
    assert response.json() == {"id": str(coach_id), "role": "coach", "coachId": str(coach_id)}


@probe_urls
def test_permissions_by_role(principal_client, api_client):
    coach, admin = principal_client(role="coach"), principal_client(role="admin")
    assert coach.get("/billing/admin-only").status_code == 403
    assert coach.get("/billing/admin-only").json() == {
        "status": 403,
        "code": "admin_only",
        "message": "Only admins can do this.",
        "fieldErrors": {},
    }
    assert admin.get("/billing/admin-only").status_code == 200
    assert admin.get("/billing/whoami").json()["coachId"] is None
    assert coach.get("/billing/service-only").json()["code"] == "service_only"
    anonymous = api_client.get("/billing/whoami")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")


@probe_urls
def test_an_access_token_expires(principal_client):
    client = principal_client(role="coach")
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    with time_machine.travel(time.time() + lifetime + 1):
        response = client.get("/billing/whoami")
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


@probe_urls
def test_a_forged_admin_token_is_refused(principal_client):
    forged = jwt.encode(
        {
            "token_type": "access",
            "sub": str(uuid.uuid4()),
            "role": "admin",
            "coach_id": None,
            "jti": "x",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
            "iss": "nextlevelcoach",
        },
        "not-our-key-but-long-enough-for-hs256!",
        algorithm="HS256",
    )
    response = _bearer(forged).get("/billing/admin-only")
    assert (response.status_code, response.json()["code"]) == (401, "token_signature_invalid")


# --- Service tokens ------------------------------------------------------------------------------


@probe_urls
def test_a_service_token_works_only_at_its_audience():
    token = service_token_issue(caller="courses", audience="billing")
    # at billing, it is a service principal
    at_billing = _bearer(token).get("/billing/service-only")
    assert (at_billing.status_code, at_billing.json()) == (200, {"caller": "courses"})
    # anywhere else it is refused
    for url in ("/courses/service-only", "/unmounted/service-only"):
        response = _bearer(token).get(url)
        assert response.status_code == 401
        assert response.json() == {
            "status": 401,
            "code": "token_audience_invalid",
            "message": "This service token is not meant for this context.",
            "fieldErrors": {},
        }
    # and it is not a person
    assert _bearer(token).get("/billing/whoami").json()["code"] == "coach_or_admin_only"


@probe_urls
def test_a_service_token_lives_at_most_sixty_seconds():
    token = service_token_issue(caller="courses", audience="billing", lifetime_seconds=60)
    with time_machine.travel(time.time() + 61):
        expired = _bearer(token).get("/billing/service-only")
    assert (expired.status_code, expired.json()["code"]) == (401, "token_expired")
    # a longer one, even correctly signed, is refused
    now = int(time.time())
    long_lived = jwt.encode(
        {
            "token_type": "service",
            "sub": "courses",
            "aud": "billing",
            "iat": now,
            "exp": now + 3600,
            "jti": "x",
            "iss": "nextlevelcoach",
        },
        settings.SIMPLE_JWT["SIGNING_KEY"],
        algorithm="HS256",
    )
    refused = _bearer(long_lived).get("/billing/service-only")
    assert (refused.status_code, refused.json()["code"]) == (401, "token_claims_invalid")
    with pytest.raises(ValueError, match="1 to 60 seconds"):
        service_token_issue(caller="courses", audience="billing", lifetime_seconds=61)


@probe_urls
def test_an_access_token_with_an_audience_is_refused(principal_client):
    response = principal_client(role="coach", aud="billing").get("/billing/whoami")
    assert (response.status_code, response.json()["code"]) == (401, "token_claims_invalid")


# --- One error shape ----------------------------------------------------------------------------


@probe_urls
def test_validation_errors_name_each_field_with_dotted_paths(principal_client):
    client = principal_client(role="coach")
    response = client.post("/billing/validating", {"email": "nope", "lines": [{"price": 5}, {"price": -1}]})
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "message": "The request is invalid: see fieldErrors.",
        "fieldErrors": {
            "email": ["Enter a valid email address."],
            "lines.1.price": ["Ensure this value is greater than or equal to 0."],
        },
    }
    general = client.post("/billing/validating", {"email": "a@blocked.example.com", "lines": []})
    assert general.json() == {
        "status": 400,
        "code": "invalid",
        "message": "This customer is blocked.",
        "fieldErrors": {},
    }


@probe_urls
def test_a_malformed_json_body_is_a_400(principal_client):
    response = principal_client(role="coach").post(
        "/billing/validating", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert response.json()["fieldErrors"] == {}


@probe_urls
def test_a_wrong_method_is_a_405_in_the_shape(principal_client):
    response = principal_client(role="coach").delete("/billing/whoami")
    assert response.status_code == 405
    assert response.json() == {
        "status": 405,
        "code": "method_not_allowed",
        "message": 'Method "DELETE" not allowed.',
        "fieldErrors": {},
    }


@probe_urls
def test_an_unhandled_exception_is_a_json_500():
    client = APIClient(raise_request_exception=False)
    response = client.get("/billing/boom", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 500
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "message": "Something went wrong on our side; it has been logged. Reference: req-42.",
        "fieldErrors": {},
    }


@pytest.mark.parametrize("url", ["/nowhere", "/auth/nowhere", "/billing/nowhere"])
def test_an_unknown_path_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "message": f"Nothing is served at {url}.",
        "fieldErrors": {},
    }


def test_the_django_admin_keeps_its_html_pages(client):
    response = client.get("/admin/nowhere/")
    assert response["Content-Type"].startswith("text/html")


# --- Throttles of other scopes ------------------------------------------------------------------


@probe_urls
@pytest.mark.parametrize(
    ("url", "scope", "ok"), [("/billing/intake", "lead_intake", 202), ("/billing/webhook", "webhooks", 200)]
)
def test_intake_and_webhook_throttles_per_ip(api_client, settings, url, scope, ok):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scope: "2/minute"},
    }
    start = time.time()
    with time_machine.travel(start, tick=False):
        answers = [api_client.post(url, {}, REMOTE_ADDR="192.0.2.1").status_code for _ in range(3)]
        other = api_client.post(url, {}, REMOTE_ADDR="192.0.2.2").status_code
    assert answers == [ok, ok, 429]
    assert other == ok
    with time_machine.travel(start + 61):
        assert api_client.post(url, {}, REMOTE_ADDR="192.0.2.1").status_code == ok


@probe_urls
def test_the_default_throttle_counts_per_principal(principal_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/minute"},
    }
    first, second = principal_client(role="coach"), principal_client(role="coach")
    assert [first.get("/billing/whoami").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/billing/whoami").status_code == 200


# --- CORS ---------------------------------------------------------------------------------------


def test_cors_allows_the_portal_origins_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://coach.nextlevelcoach.ai", "https://admin.nextlevelcoach.ai"]
    settings.CORS_ALLOW_ALL_ORIGINS = False

    def preflight(origin):
        return client.options(
            "/auth/login",
            HTTP_ORIGIN=origin,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
        )

    allowed = preflight("https://coach.nextlevelcoach.ai")
    assert allowed["Access-Control-Allow-Origin"] == "https://coach.nextlevelcoach.ai"
    assert "authorization" in allowed["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in preflight("https://evil.example.com")
