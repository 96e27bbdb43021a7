"""Every bad token is a 401 in the one error shape with a code saying why, never a 500."""

import base64
import json
import time
import uuid

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.utils import timezone

from contexts.auth.models import AuditLogEntry
from nlc.api.tokens import service_token_issue

pytestmark = [
    pytest.mark.django_db(databases=["default"]),
    # The HS512 case signs with our (HS256-sized) key on purpose.
    pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"),
]
KEY = settings.SIMPLE_JWT["SIGNING_KEY"]


def _segment(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims_of(user, **changes) -> dict:
    now = int(time.time())
    claims = {
        "token_type": "access",
        "sub": str(user.id),
        "role": user.role,
        "coach_id": str(user.id),
        "email": user.email,
        "gen": user.token_generation,
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "iss": "nextlevelcoach",
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not ...}


def _rsa_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


BAD_ACCESS_TOKENS = {
    "malformed": (lambda user: "this-is-not-a-jwt", "token_malformed"),
    "malformed segments": (lambda user: "a.b.c", "token_malformed"),
    "wrong signature": (
        lambda user: jwt.encode(_claims_of(user), "another-key-" * 4, algorithm="HS256"),
        "token_signature_invalid",
    ),
    "tampered claims": (
        lambda user: (
            lambda good: ".".join(
                [good.split(".")[0], _segment(_claims_of(user, role="admin", coach_id=None)), good.split(".")[2]]
            )
        )(jwt.encode(_claims_of(user), KEY, algorithm="HS256")),
        "token_signature_invalid",
    ),
    "alg none": (
        lambda user: f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(_claims_of(user))}.",
        "token_algorithm_not_allowed",
    ),
    "HS512 with the right key": (
        lambda user: jwt.encode(_claims_of(user), KEY, algorithm="HS512"),
        "token_algorithm_not_allowed",
    ),
    "RS256": (lambda user: jwt.encode(_claims_of(user), _rsa_pem(), algorithm="RS256"), "token_algorithm_not_allowed"),
    "no jti": (lambda user: jwt.encode(_claims_of(user, jti=...), KEY, algorithm="HS256"), "token_claims_invalid"),
    "another issuer": (
        lambda user: jwt.encode(_claims_of(user, iss="someone-else"), KEY, algorithm="HS256"),
        "token_claims_invalid",
    ),
    "bad subject": (
        lambda user: jwt.encode(_claims_of(user, sub="not-a-uuid"), KEY, algorithm="HS256"),
        "token_claims_invalid",
    ),
    "coach without coach id": (
        lambda user: jwt.encode(_claims_of(user, coach_id=None), KEY, algorithm="HS256"),
        "token_claims_invalid",
    ),
    "expired": (
        lambda user: jwt.encode(_claims_of(user, exp=int(time.time()) - 1), KEY, algorithm="HS256"),
        "token_expired",
    ),
    "unknown type": (
        lambda user: jwt.encode(_claims_of(user, token_type="sliding"), KEY, algorithm="HS256"),
        "token_type_invalid",
    ),
    "old generation": (lambda user: jwt.encode(_claims_of(user, gen=0), KEY, algorithm="HS256"), "token_revoked"),
    "service token for another context": (
        lambda user: service_token_issue(caller="courses", audience="billing"),
        "token_audience_invalid",
    ),
}


@pytest.mark.parametrize("case", BAD_ACCESS_TOKENS, ids=list(BAD_ACCESS_TOKENS))
def test_a_bad_access_token_is_a_401_with_a_clear_code(api_client, coach, case):
    make, code = BAD_ACCESS_TOKENS[case]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {make(coach)}")
    response = api_client.patch("/auth/me", {"firstName": "Mallory"})
    assert response.status_code == 401, response.content
    body = response.json()
    assert set(body) == {"status", "code", "message", "fieldErrors"}
    assert (body["status"], body["code"], body["fieldErrors"]) == (401, code, {})
    assert body["message"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    coach.refresh_from_db()
    assert coach.first_name == "Cory"


@pytest.mark.parametrize("header", ["Bearer", "Bearer one two"])
def test_a_malformed_authorization_header_is_a_401(api_client, coach, header):
    response = api_client.get("/auth/me", HTTP_AUTHORIZATION=header)
    assert (response.status_code, response.json()["code"]) == (401, "token_malformed")


def test_an_expired_access_token_is_refused_after_its_lifetime(client_for, coach):
    client = client_for(coach)
    assert client.get("/auth/me").status_code == 200
    with time_machine.travel(
        timezone.now() + settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] + timezone.timedelta(seconds=1)
    ):
        response = client.get("/auth/me")
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


def test_a_refresh_token_is_not_an_access_token(api_client, client_for, coach):
    refresh = client_for(coach).tokens.refresh
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh}")
    response = api_client.get("/auth/me")
    assert response.status_code == 401
    assert response.json() == {
        "status": 401,
        "code": "token_type_invalid",
        "message": "A refresh token cannot be used as an access token.",
        "fieldErrors": {},
    }


def test_an_access_token_cannot_refresh(api_client, client_for, coach):
    access = client_for(coach).tokens.access
    response = api_client.post("/auth/token/refresh", {"refresh": access})
    assert (response.status_code, response.json()["code"]) == (401, "token_type_invalid")


@pytest.mark.parametrize("case", ["malformed", "wrong signature", "alg none", "HS512 with the right key", "RS256"])
def test_a_bad_refresh_token_is_a_401_and_logs_nothing(api_client, coach, case):
    make, code = BAD_ACCESS_TOKENS[case]
    response = api_client.post("/auth/token/refresh", {"refresh": make(coach)})
    assert (response.status_code, response.json()["code"]) == (401, code)
    logout = api_client.post("/auth/logout", {"refresh": make(coach)})
    assert (logout.status_code, logout.json()["code"]) == (401, code)
    assert AuditLogEntry.objects.count() == 0


def test_an_expired_refresh_token_is_a_401(api_client, client_for, coach):
    refresh = client_for(coach).tokens.refresh
    with time_machine.travel(
        timezone.now() + settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] + timezone.timedelta(seconds=1)
    ):
        response = api_client.post("/auth/token/refresh", {"refresh": refresh})
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


def test_a_service_token_for_auth_is_authenticated_but_is_not_a_person(api_client, coach):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {service_token_issue(caller='billing', audience='auth')}")
    response = api_client.get("/auth/me")
    assert response.status_code == 403
    assert response.json()["code"] == "coach_or_admin_only"
