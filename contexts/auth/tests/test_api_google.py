"""Google sign-in with real RS256 ID tokens, signed by a key this test makes and served as Google's
certificate set through a transport adapter on the provider's session: Google is never reached."""

import datetime
import json
import time

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from contexts.auth.models import AuditKind, AuditLogEntry, User
from contexts.auth.providers import google
from contexts.auth.tests.factories import CoachFactory
from nlc.events.testing import published_events

pytestmark = pytest.mark.django_db(databases=["default"])
CLIENT_ID = "1234-portal.apps.googleusercontent.com"
KEY_ID = "test-key-1"


def _key_and_cert() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "federated-signon.system.gserviceaccount.com")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


class GoogleCertsAdapter(requests.adapters.BaseAdapter):
    """Answers Google's certificate URL with our certificate set (or an error); refuses anything else."""

    def __init__(self, certs: dict[str, str]):
        super().__init__()
        self.certs, self.status, self.urls = certs, 200, []

    def send(self, request, **kwargs):
        self.urls.append(request.url)
        response = requests.Response()
        response.request, response.url = request, request.url
        if request.url != google.CERTS_URL:
            response.status_code, response._content = 404, b"{}"
            return response
        response.status_code = self.status
        response._content = json.dumps(self.certs).encode()
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self):
        pass


@pytest.fixture
def google_keys(settings):
    settings.GOOGLE_OAUTH_CLIENT_IDS = [CLIENT_ID]
    private_pem, cert = _key_and_cert()
    adapter = GoogleCertsAdapter({KEY_ID: cert})
    original = dict(google.session.adapters)
    for prefix in ("https://", "http://"):
        google.session.mount(prefix, adapter)
    yield private_pem, adapter
    google.session.adapters.clear()
    google.session.adapters.update(original)


def _id_token(private_pem: bytes, *, key_id: str = KEY_ID, **changes) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://accounts.google.com",
        "azp": CLIENT_ID,
        "aud": CLIENT_ID,
        "sub": "110169484474386276334",
        "email": "gina@example.com",
        "email_verified": True,
        "given_name": "Gina",
        "family_name": "Google",
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(changes)
    claims = {key: value for key, value in claims.items() if value is not ...}  # ... drops a claim
    return jwt.encode(claims, private_pem, algorithm="RS256", headers={"kid": key_id})


def test_a_new_google_identity_becomes_a_coach(api_client, google_keys):
    private_pem, adapter = google_keys
    # when someone signs in with Google for the first time
    response = api_client.post("/auth/google", {"idToken": _id_token(private_pem)})
    # then a coach exists with that verified e-mail, linked, without a password, signed in
    assert response.status_code == 201, response.json()
    user = User.objects.get()
    assert (user.email, user.first_name, user.last_name, user.role, user.google_subject) == (
        "gina@example.com",
        "Gina",
        "Google",
        "coach",
        "110169484474386276334",
    )
    assert not user.has_usable_password()
    assert response.json()["user"]["googleLinked"] is True
    assert response.json()["user"]["hasPassword"] is False
    (event,) = published_events(context="auth", event_type="auth.user.created")
    assert event["payload"]["signupMethod"] == "google"
    assert sorted(AuditLogEntry.objects.values_list("kind", flat=True)) == [
        AuditKind.LOGIN_SUCCEEDED,
        AuditKind.USER_CREATED,
    ]
    # and only Google's certificate URL was asked for
    assert adapter.urls == [google.CERTS_URL]


def test_google_links_the_existing_identity_with_that_email(api_client, google_keys):
    private_pem, _ = google_keys
    coach = CoachFactory(email="gina@example.com")
    response = api_client.post("/auth/google", {"idToken": _id_token(private_pem)})
    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(coach.id)
    coach.refresh_from_db()
    assert coach.google_subject == "110169484474386276334"
    assert AuditLogEntry.objects.filter(kind=AuditKind.GOOGLE_LINKED, user_id=coach.id).count() == 1
    assert published_events(context="auth", event_type="auth.user.created") == []
    # and the next sign-in finds it by its Google account, even with a changed e-mail
    again = api_client.post("/auth/google", {"idToken": _id_token(private_pem, email="gina.new@example.com")})
    assert again.status_code == 200
    assert again.json()["user"]["id"] == str(coach.id)
    assert AuditLogEntry.objects.filter(kind=AuditKind.GOOGLE_LINKED).count() == 1


BAD_ID_TOKENS = {
    "another audience": {"aud": "someone-else.apps.googleusercontent.com"},
    "another issuer": {"iss": "https://evil.example.com"},
    "expired": {"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600},
    "unverified e-mail": {"email_verified": False},
    "no e-mail": {"email": ...},
}


@pytest.mark.parametrize("case", BAD_ID_TOKENS, ids=list(BAD_ID_TOKENS))
def test_a_bad_google_id_token_is_refused_and_creates_nothing(api_client, google_keys, case):
    private_pem, _ = google_keys
    token = _id_token(private_pem, **BAD_ID_TOKENS[case])
    response = api_client.post("/auth/google", {"idToken": token})
    assert (response.status_code, response.json()["code"]) == (401, "google_token_invalid")
    assert User.objects.count() == 0
    assert AuditLogEntry.objects.count() == 0
    assert published_events(context="auth") == []


def test_a_google_token_signed_by_another_key_is_refused(api_client, google_keys):
    other_pem, _ = _key_and_cert()
    response = api_client.post("/auth/google", {"idToken": _id_token(other_pem)})
    assert (response.status_code, response.json()["code"]) == (401, "google_token_invalid")
    assert User.objects.count() == 0


def test_google_being_unreachable_is_a_503(api_client, google_keys):
    private_pem, adapter = google_keys
    adapter.status = 500
    response = api_client.post("/auth/google", {"idToken": _id_token(private_pem)})
    assert response.status_code == 503
    assert response.json() == {
        "status": 503,
        "code": "google_unavailable",
        "message": "Google could not be reached to check the sign-in; try again shortly.",
        "fieldErrors": {},
    }
    assert User.objects.count() == 0


def test_google_sign_in_is_off_without_a_client_id(api_client, google_keys, settings):
    private_pem, adapter = google_keys
    settings.GOOGLE_OAUTH_CLIENT_IDS = []
    response = api_client.post("/auth/google", {"idToken": _id_token(private_pem)})
    assert response.status_code == 503
    assert response.json() == {
        "status": 503,
        "code": "google_sign_in_disabled",
        "message": "Google sign-in is not configured on this server.",
        "fieldErrors": {},
    }
    assert adapter.urls == []


def test_an_email_linked_to_another_google_account_is_a_conflict(api_client, google_keys):
    private_pem, _ = google_keys
    CoachFactory(email="gina@example.com", google_subject="999")
    response = api_client.post("/auth/google", {"idToken": _id_token(private_pem)})
    assert (response.status_code, response.json()["code"]) == (409, "google_account_mismatch")


def test_a_disabled_identity_cannot_sign_in_with_google(api_client, google_keys):
    private_pem, _ = google_keys
    CoachFactory(email="gina@example.com", status="disabled")
    response = api_client.post("/auth/google", {"idToken": _id_token(private_pem)})
    assert (response.status_code, response.json()["code"]) == (403, "account_disabled")
    assert User.objects.get().google_subject is None
