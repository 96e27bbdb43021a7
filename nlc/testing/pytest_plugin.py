"""Pytest fixtures shared by every context's tests and the cross-context suite."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    if not settings.DATABASE_URL:
        pytest.exit("The test suite runs on PostgreSQL: set DATABASE_URL, or run scripts/test.", returncode=2)
    from nlc.testing.database import create_test_layout, drop_test_layout

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    with django_db_blocker.unblock():
        test_db, roles = create_test_layout(worker=worker)
    yield test_db
    with django_db_blocker.unblock():
        drop_test_layout(test_db, roles)
