"""nlc.clients.client_id_for: every context derives the same clientId for a coach and an e-mail."""

import uuid

import pytest

from nlc.clients import CLIENT_ID_NAMESPACE, client_id_for

COACH_ID = uuid.UUID("5b0c6a8e-1f4e-4c47-9a57-1d2f3c4b5a60")


def test_the_id_is_uuid5_of_the_coach_and_the_normalized_email_in_the_project_namespace():
    assert client_id_for(coach_id=COACH_ID, email="buyer@example.com") == uuid.uuid5(
        CLIENT_ID_NAMESPACE, "5b0c6a8e-1f4e-4c47-9a57-1d2f3c4b5a60:buyer@example.com"
    )
    # pinned: ids already published elsewhere depend on this exact value
    assert str(client_id_for(coach_id=COACH_ID, email="buyer@example.com")) == "255cd4bb-222e-548a-9d39-6431cf0c1ac0"


def test_case_surrounding_spaces_and_the_form_of_the_coach_id_do_not_matter():
    expected = client_id_for(coach_id=COACH_ID, email="buyer@example.com")
    assert client_id_for(coach_id=str(COACH_ID).upper(), email="  Buyer@Example.COM ") == expected


def test_another_coach_or_another_email_is_another_client():
    ids = {
        client_id_for(coach_id=COACH_ID, email="buyer@example.com"),
        client_id_for(coach_id=uuid.uuid4(), email="buyer@example.com"),
        client_id_for(coach_id=COACH_ID, email="other@example.com"),
    }
    assert len(ids) == 3


def test_an_empty_email_is_refused():
    with pytest.raises(ValueError, match="e-mail"):
        client_id_for(coach_id=COACH_ID, email="  ")
