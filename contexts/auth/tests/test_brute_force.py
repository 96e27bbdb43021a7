"""Lock-out after repeated failed log-ins, and throttles per IP and per account; each triggers and releases."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from contexts.auth.models import AuditKind, AuditLogEntry
from contexts.auth.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(databases=["default"])


@pytest.fixture
def rates(settings):
    """``rates(login="3/minute")``: throttle rates for this test."""

    def set_rates(**overrides):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **overrides},
        }

    return set_rates


def _entry_key(entry) -> tuple[str, str]:
    kind, metadata = entry
    return str(kind), json.dumps(metadata, sort_keys=True)


def _login(api_client, email, password, ip="198.51.100.1"):
    return api_client.post("/auth/login", {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failures_lock_the_account_until_it_unlocks(api_client, coach, settings):
    settings.AUTH_LOCKOUT_MAX_FAILED_LOGINS = 3
    settings.AUTH_LOCKOUT_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        # when the password is wrong twice, then a third time
        first, second = (_login(api_client, coach.email, "wrong") for _ in range(2))
        third = _login(api_client, coach.email, "wrong")
        # and then even the right one is tried during the lock-out
        during = _login(api_client, coach.email, PASSWORD)
    # then the first two say the credentials are wrong, and the account is locked from the third on
    assert [first.status_code, second.status_code] == [401, 401]
    assert first.json()["code"] == "invalid_credentials"
    unlocks_at = (start + timedelta(minutes=15)).isoformat()
    for response in (third, during):
        assert response.status_code == 423
        assert response.json() == {
            "status": 423,
            "code": "account_locked",
            "message": f"Too many failed log-ins: this account is locked until {unlocks_at}.",
            "fieldErrors": {},
            "details": {"lockedUntil": unlocks_at, "retryAfter": 900},
        }
        assert response["Retry-After"] == "900"
    # (all at the same frozen instant, so compared in any order)
    recorded = AuditLogEntry.objects.values_list("kind", "metadata")
    assert sorted(recorded, key=_entry_key) == sorted(
        [
            (AuditKind.LOGIN_FAILED, {"reason": "wrong_password", "failedAttempts": 1}),
            (AuditKind.LOGIN_FAILED, {"reason": "wrong_password", "failedAttempts": 2}),
            (AuditKind.LOGIN_FAILED, {"reason": "wrong_password", "failedAttempts": 3}),
            (AuditKind.ACCOUNT_LOCKED, {"failedAttempts": 3, "lockedUntil": unlocks_at}),
            (AuditKind.LOGIN_FAILED, {"reason": "account_locked"}),
        ],
        key=_entry_key,
    )
    # and when the lock-out is over, the right password works again
    with time_machine.travel(start + timedelta(minutes=15, seconds=1)):
        after = _login(api_client, coach.email, PASSWORD)
    assert after.status_code == 200
    coach.refresh_from_db()
    assert (coach.failed_login_count, coach.locked_until) == (0, None)


def test_failures_spread_out_over_time_do_not_lock(api_client, coach, settings):
    settings.AUTH_LOCKOUT_MAX_FAILED_LOGINS = 2
    settings.AUTH_LOCKOUT_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start):
        _login(api_client, coach.email, "wrong")
    with time_machine.travel(start + timedelta(minutes=16)):
        late = _login(api_client, coach.email, "wrong")
        good = _login(api_client, coach.email, PASSWORD)
    assert late.status_code == 401
    assert good.status_code == 200
    assert AuditLogEntry.objects.filter(kind=AuditKind.ACCOUNT_LOCKED).count() == 0


def test_an_unknown_email_is_refused_like_a_wrong_password_and_audited(api_client, coach):
    response = _login(api_client, "ghost@example.com", PASSWORD)
    assert response.status_code == 401
    assert response.json()["message"] == "The e-mail address or the password is wrong."
    entry = AuditLogEntry.objects.get()
    assert (entry.kind, entry.user_id, entry.email, entry.ip, entry.metadata) == (
        AuditKind.LOGIN_FAILED,
        None,
        "ghost@example.com",
        "198.51.100.1",
        {"reason": "unknown_email"},
    )


def test_the_login_throttle_per_ip_triggers_and_releases(api_client, coach, rates):
    rates(login="3/minute", login_account="100/minute")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        answers = [_login(api_client, f"someone{n}@example.com", "x").status_code for n in range(3)]
        blocked = _login(api_client, coach.email, PASSWORD)
        other_ip = _login(api_client, coach.email, PASSWORD, ip="198.51.100.2")
    assert answers == [401, 401, 401]
    assert blocked.status_code == 429
    assert blocked.json() == {
        "status": 429,
        "code": "throttled",
        "message": "Too many requests: try again in 60 seconds.",
        "fieldErrors": {},
        "details": {"retryAfter": 60},
    }
    assert blocked["Retry-After"] == "60"
    assert other_ip.status_code == 200
    # the throttled attempt never reached the service
    assert AuditLogEntry.objects.filter(email=coach.email, kind=AuditKind.LOGIN_FAILED).count() == 0
    with time_machine.travel(start + timedelta(seconds=61)):
        assert _login(api_client, coach.email, PASSWORD).status_code == 200


def test_the_login_throttle_per_account_holds_across_ips(api_client, coach, rates):
    rates(login="100/minute", login_account="2/minute")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = _login(api_client, coach.email, PASSWORD, ip="192.0.2.1")
        second = _login(api_client, coach.email.upper(), PASSWORD, ip="192.0.2.2")
        third = _login(api_client, coach.email, PASSWORD, ip="192.0.2.3")
        someone_else = _login(api_client, "other@example.com", "x", ip="192.0.2.3")
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 429]
    assert someone_else.status_code == 401
    with time_machine.travel(start + timedelta(seconds=61)):
        assert _login(api_client, coach.email, PASSWORD, ip="192.0.2.3").status_code == 200


def test_the_password_reset_throttles_trigger_and_release(api_client, coach, rates):
    rates(password_reset="100/hour", password_reset_account="2/hour")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        answers = [
            api_client.post("/auth/password/reset", {"email": coach.email}, REMOTE_ADDR=f"192.0.2.{n}").status_code
            for n in range(3)
        ]
    assert answers == [202, 202, 429]
    assert AuditLogEntry.objects.filter(kind=AuditKind.PASSWORD_RESET_REQUESTED).count() == 2
    with time_machine.travel(start + timedelta(hours=1, seconds=1)):
        assert api_client.post("/auth/password/reset", {"email": coach.email}).status_code == 202


def test_the_client_ip_comes_from_trusted_proxies_only(api_client, coach, settings):
    # given one proxy in front of the app
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # when a client sends its own X-Forwarded-For, and the proxy appends the real address
    api_client.post(
        "/auth/login",
        {"email": "ghost@example.com", "password": "x"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
    )
    # then the audit log keeps the address the proxy saw
    assert AuditLogEntry.objects.get().ip == "203.0.113.9"
