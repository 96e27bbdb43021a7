"""Pytest fixtures shared by every context's tests and the cross-context suite."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    if not settings.DATABASE_URL:
        pytest.exit("The test suite runs on PostgreSQL: set DATABASE_URL, or run scripts/test.", returncode=2)
    from nlc.testing.database import create_test_layout, drop_test_layout

    with django_db_blocker.unblock():
        test_db, roles = create_test_layout()
    yield test_db
    with django_db_blocker.unblock():
        drop_test_layout(test_db, roles)


@pytest.fixture(scope="session", autouse=True)
def bus_namespace(request):
    """Give this test process its own broker topology, and delete it at the end."""
    import os

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    settings.NLC_BUS_NAMESPACE = f"test.{worker}.{os.getpid()}."
    # Celery's task queues (the default one and each context's) carry the namespace too.
    from celery import current_app

    from nlc.tasks import task_queues, task_queues_configure

    task_queues_configure(current_app, contexts=settings.NLC_CONTEXTS, namespace=settings.NLC_BUS_NAMESPACE)
    # Short backoff so retry tests take milliseconds; queue TTLs are declared from these.
    settings.NLC_EVENTS = {**settings.NLC_EVENTS, "RETRY_BASE_SECONDS": 0.05, "MAX_ATTEMPTS": 3}
    yield settings.NLC_BUS_NAMESPACE
    if settings.BROKER_URL:
        from nlc.events.broker import broker_connection, delete_topology

        with broker_connection() as connection:
            delete_topology(connection, list(settings.NLC_CONTEXTS))
            channel = connection.channel()
            for queue in task_queues(settings.NLC_CONTEXTS, settings.NLC_BUS_NAMESPACE):
                channel.queue_delete(queue.name)
                channel.exchange_delete(queue.name)
            channel.close()


@pytest.fixture
def event_bus():
    from nlc.events.testing import EventBusProbe

    probe = EventBusProbe()
    yield probe
    probe.close()


# --- API (nlc.api) -----------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def cache_namespace(request):
    """Give this test process its own cache key prefix: workers sharing one Redis never see each
    other's throttle counters, and clearing between tests touches only this prefix."""
    import os

    from django.test import override_settings

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    default = settings.CACHES["default"]
    prefix = f"{default.get('KEY_PREFIX', '')}test.{worker}.{os.getpid()}"
    override = override_settings(CACHES={**settings.CACHES, "default": {**default, "KEY_PREFIX": prefix}})
    override.enable()
    yield prefix
    _cache_clear()
    override.disable()


def _cache_clear() -> None:
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):  # django-redis: only this process's keys
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def fresh_cache(cache_namespace):
    """Every test starts with no throttle counters (the cache is this process's namespace)."""
    _cache_clear()


@pytest.fixture
def api_client():
    """A DRF test client that sends JSON."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def principal_client():
    """``principal_client(role="coach", coach_id=...)`` -> an API client whose bearer access token
    carries these claims, minted without the auth context, as every other context sees callers."""
    from rest_framework.test import APIClient

    from nlc.api.testing import access_token_for

    def make(**claims) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token_for(**claims)}")
        return client

    return make


# --- Callers: the same names in every context's tests -------------------------------------------


@pytest.fixture
def coach_id():
    from nlc.testing.principals import COACH_ID

    return COACH_ID


@pytest.fixture
def other_coach_id():
    from nlc.testing.principals import OTHER_COACH_ID

    return OTHER_COACH_ID


@pytest.fixture
def coach_client(principal_client):
    """A coach's API client (its token's coach id is ``coach_id``)."""
    from nlc.testing.principals import COACH_EMAIL, COACH_ID

    return principal_client(role="coach", user_id=COACH_ID, email=COACH_EMAIL)


@pytest.fixture
def other_coach_client(principal_client):
    """Another coach, who must never see ``coach_client``'s data."""
    from nlc.testing.principals import OTHER_COACH_EMAIL, OTHER_COACH_ID

    return principal_client(role="coach", user_id=OTHER_COACH_ID, email=OTHER_COACH_EMAIL)


@pytest.fixture
def admin_client(principal_client):
    """An admin's API client (this replaces pytest-django's Django-session ``admin_client``)."""
    from nlc.testing.principals import ADMIN_EMAIL, ADMIN_ID

    return principal_client(role="admin", user_id=ADMIN_ID, email=ADMIN_EMAIL)


@pytest.fixture
def learner_credentials():
    """The ``Authorization`` value of a learner; a context with learners overrides this fixture."""
    pytest.fail("this context's tests define no learner: override the learner_credentials fixture")


@pytest.fixture
def learner_client(learner_credentials):
    """A learner's API client, with the credentials the context's ``learner_credentials`` gives."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=learner_credentials)
    return client


# --- Events and queries ---------------------------------------------------------------------------


@pytest.fixture
def envelope():
    """``envelope("billing.payment.completed", payload)``: an envelope as its producer publishes it
    (the payload checked against its contract)."""
    from nlc.testing.events import envelope_for

    return envelope_for


@pytest.fixture
def deliver_event():
    """``deliver_event("courses", envelope)``: apply it as the bus does, inbox and all."""
    from nlc.testing.events import deliver

    return deliver


@pytest.fixture
def context_queries():
    """``with context_queries("billing", at_most=2): ...``: at most that many queries on the
    context's alias and none at all on any other alias (a read must not wander across contexts)."""
    from contextlib import contextmanager

    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from nlc.db.transactions import alias_of

    @contextmanager
    def check(context: str, *, at_most: int):
        own = alias_of(context)
        captures = {alias: CaptureQueriesContext(connections[alias]) for alias in settings.DATABASES}
        for capture in captures.values():
            capture.__enter__()
        try:
            yield captures[own]
        finally:
            for capture in captures.values():
                capture.__exit__(None, None, None)
        ran = len(captures[own].captured_queries)
        assert ran <= at_most, f"{ran} queries on {own} (at most {at_most}):\n" + "\n".join(
            query["sql"] for query in captures[own].captured_queries
        )
        strays = {alias: len(capture.captured_queries) for alias, capture in captures.items() if alias != own}
        assert not any(strays.values()), f"queries on other aliases: {strays}"

    return check
