"""Liveness, readiness, metrics and request logging."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections

from nlc.contexts import CONTEXT_NAMES

pytestmark = pytest.mark.django_db(databases="__all__")
ROOT = Path(__file__).resolve().parent.parent


def test_health_answers_while_the_process_is_up(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_every_alias_and_the_cache(client):
    response = client.get("/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]["databases"]) == set(connections)
    assert set(body["checks"]["databases"].values()) == {"ok"}
    assert body["checks"]["cache"] == {"default": "ok"}


@pytest.fixture
def unreachable_billing_database():
    connection = connections["billing"]
    original = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = 1
    yield
    connection.close()
    connection.settings_dict["PORT"] = original


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_ready_is_503_and_names_the_alias_that_is_down(client, unreachable_billing_database):
    response = client.get("/ready")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["failing"] == ["databases.billing"]
    assert body["checks"]["databases"]["billing"].startswith("error: OperationalError")
    assert body["checks"]["databases"]["courses"] == "ok"


def test_metrics_are_exposed_for_prometheus(client):
    client.get("/health")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_latency_seconds_by_view_method" in response.content


def test_each_request_is_logged_as_json_with_its_trace_and_request_ids(client):
    # given a handler built like the console one, on a buffer
    console = logging.getLogger().handlers[0]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    logger = logging.getLogger("nlc.request")
    logger.addHandler(handler)
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    try:
        # when a request arrives with a W3C traceparent and a request id
        response = client.get(
            "/health",
            HTTP_TRACEPARENT=f"00-{trace_id}-00f067aa0ba902b7-01",
            HTTP_X_REQUEST_ID="req-123",
        )
    finally:
        logger.removeHandler(handler)
    # then one JSON object is logged with both ids, and the request id is echoed
    line = json.loads(buffer.getvalue().strip().splitlines()[-1])
    assert line["trace_id"] == trace_id
    assert line["request_id"] == "req-123"
    assert line["path"] == "/health"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert response["X-Request-ID"] == "req-123"


def test_a_request_without_traceparent_gets_a_fresh_trace_id(client):
    console = logging.getLogger().handlers[0]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    logger = logging.getLogger("nlc.request")
    logger.addHandler(handler)
    try:
        client.get("/health", HTTP_X_REQUEST_ID="not valid id with spaces")
    finally:
        logger.removeHandler(handler)
    line = json.loads(buffer.getvalue().strip().splitlines()[-1])
    assert len(line["trace_id"]) == 32
    assert line["trace_id"] != "0" * 32
    assert len(line["request_id"]) == 32
    assert " " not in line["request_id"]


def test_the_admin_login_page_answers_and_an_admin_can_sign_in(client, django_user_model):
    # given an admin and a coach
    django_user_model.objects.create_user("boss@example.com", "s3cure-Passw0rd", role="admin")
    django_user_model.objects.create_user("coach@example.com", "s3cure-Passw0rd", role="coach")
    assert client.get("/admin/login/").status_code == 200
    # a coach cannot use the Django admin
    client.post("/admin/login/", {"username": "coach@example.com", "password": "s3cure-Passw0rd"})
    assert client.get("/admin/").status_code == 302
    # the admin can, with any case of the e-mail
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "Boss@Example.com", "password": "s3cure-Passw0rd"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_embedded_default_migrates_and_is_ready(tmp_path):
    # given a process with no DATABASE_URL: one SQLite file per alias under its own var/
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "BROKER_URL", "REDIS_URL"))}
    env.update(NLC_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    manage = [sys.executable, str(ROOT / "manage.py")]
    # when it migrates every alias
    subprocess.run([*manage, "migrate_all"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
    # then each context has its own file, and /ready answers 200
    assert sorted(p.name for p in tmp_path.glob("*.sqlite3")) == sorted(f"{name}.sqlite3" for name in CONTEXT_NAMES)
    probe = "from django.test import Client; r = Client().get('/ready'); print(r.status_code, r.json()['status'])"
    result = subprocess.run(
        [*manage, "shell", "-c", probe], env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "200 ok"


def test_ready_checks_the_broker_and_is_503_when_it_is_away(client, settings):
    # given the real broker: ready
    assert client.get("/ready").json()["checks"]["broker"] == {"rabbitmq": "ok"}
    # when the broker cannot be reached
    settings.BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    response = client.get("/ready")
    # then readiness fails and names it
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker.rabbitmq"]


@pytest.mark.slow
def test_the_embedded_default_seeds_the_demo_and_serves_its_learner(tmp_path):
    # given the embedded default (SQLite per alias, inline bus) with the demo data scripts/dev loads
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "BROKER_URL", "REDIS_URL"))}
    env.update(NLC_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings", NLC_ENV="development")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate_all"], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
    seeded = subprocess.run(
        [*manage, "seed_demo"], env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=300
    )
    token = seeded.stdout.split("Authorization: AccessLink ", 1)[1].split("'", 1)[0]
    # when the demo learner reads the outline and every lesson of it
    probe = (
        "import json; from django.test import Client; c = Client(HTTP_AUTHORIZATION='AccessLink " + token + "'); "
        "o = c.get('/courses/learn/outline'); ids = [l['id'] for m in o.json()['modules'] for l in m['lessons']]; "
        "print(json.dumps([o.status_code] + [c.get(f'/courses/learn/lessons/{i}').status_code for i in ids]))"
    )
    result = subprocess.run(
        [*manage, "shell", "-c", probe], env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=120
    )
    # then every answer is a 200 or a lesson that is not open yet (403), never a server error
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert statuses[0] == 200
    assert len(statuses) > 2
    assert set(statuses[1:]) <= {200, 403}
    assert 200 in statuses[1:]
    # and the first lesson's video plays: a stream link that serves the demo clip
    video = (
        "import json; from django.test import Client; c = Client(HTTP_AUTHORIZATION='AccessLink " + token + "'); "
        "o = c.get('/courses/learn/outline'); first = o.json()['modules'][0]['lessons'][0]['id']; "
        "p = c.get(f'/courses/learn/lessons/{first}').json()['playback']; "
        "s = Client().get(p['url'].split('://', 1)[-1].split('/', 1)[-1].join(['/', ''])); "
        "print(json.dumps([p['type'], s.status_code, s['Content-Type'], len(b''.join(s.streaming_content))]))"
    )
    played = subprocess.run(
        [*manage, "shell", "-c", video], env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=120
    )
    clip = (ROOT / "contexts/media/demo_files/welcome.mp4").stat().st_size
    assert json.loads(played.stdout.strip().splitlines()[-1]) == ["stream", 200, "video/mp4", clip]
