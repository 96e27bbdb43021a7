"""Fixtures of the leads tests. The callers (``coach_client``, ``other_coach_client``,
``admin_client``, ``coach_id``, ``other_coach_id``) and ``context_queries``, ``envelope``,
``deliver_event`` come from the kernel's pytest plugin (nlc.testing); only leads's own data is
built here."""

import json
from pathlib import Path

import pytest

from contexts.leads.tests.factories import ClientFactory, LeadFactory, LeadFormFactory

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def calendly_body():
    """``calendly_body("invitee.created")``: a Calendly webhook body as its documentation shows it."""

    def load(name: str) -> dict:
        return json.loads((FIXTURES / f"{name}.json").read_text())

    return load


@pytest.fixture
def own_form(coach_id):
    return LeadFormFactory(coach_id=coach_id, name="Spring landing")


@pytest.fixture
def others_form(other_coach_id):
    return LeadFormFactory(coach_id=other_coach_id)


@pytest.fixture
def own_lead(coach_id):
    """A lead of ``coach_client``'s coach."""
    return LeadFactory(coach_id=coach_id, email="ann@example.com", name="Ann Lee")


@pytest.fixture
def others_lead(other_coach_id):
    """A lead of ``other_coach_client``'s coach."""
    return LeadFactory(coach_id=other_coach_id, email="otto@example.com")


@pytest.fixture
def own_client(coach_id):
    return ClientFactory(coach_id=coach_id)


@pytest.fixture
def others_client(other_coach_id):
    return ClientFactory(coach_id=other_coach_id)
