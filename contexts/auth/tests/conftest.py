import pytest
from rest_framework.test import APIClient

from contexts.auth.tests.factories import AdminFactory, CoachFactory
from contexts.auth.tokens import token_pair_issue


@pytest.fixture
def coach(db):
    return CoachFactory(email="cory@example.com", first_name="Cory", last_name="Coach")


@pytest.fixture
def other_coach(db):
    return CoachFactory(email="olga@example.com", first_name="Olga", last_name="Other")


@pytest.fixture
def admin(db):
    return AdminFactory(email="ada@example.com", first_name="Ada", last_name="Admin")


@pytest.fixture
def client_for():
    """``client_for(user)`` -> an API client logged in as ``user`` (a real token pair); the pair is
    on ``client.tokens``."""

    def make(user) -> APIClient:
        client = APIClient()
        client.tokens = token_pair_issue(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {client.tokens.access}")
        return client

    return make
