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
    # Short backoff so retry tests take milliseconds; queue TTLs are declared from these.
    settings.NLC_EVENTS = {**settings.NLC_EVENTS, "RETRY_BASE_SECONDS": 0.05, "MAX_ATTEMPTS": 3}
    yield settings.NLC_BUS_NAMESPACE
    if settings.BROKER_URL:
        from nlc.events.broker import broker_connection, delete_topology

        with broker_connection() as connection:
            delete_topology(connection, list(settings.NLC_CONTEXTS))
            # Celery's own task queue and exchange carry the namespace too (CELERY_TASK_DEFAULT_QUEUE).
            channel = connection.channel()
            channel.queue_delete(f"{settings.NLC_BUS_NAMESPACE}nlc.tasks")
            channel.exchange_delete(f"{settings.NLC_BUS_NAMESPACE}nlc.tasks")
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
