"""Fixtures of the {{name}} tests. The callers (``coach_client``, ``other_coach_client``,
``admin_client``, ``coach_id``, ``other_coach_id``) and ``context_queries``, ``envelope``,
``deliver_event`` come from the kernel's pytest plugin (nlc.testing); only {{name}}'s own data is
built here."""

import pytest

from contexts.{{name}}.tests.factories import {{Entity}}Factory


@pytest.fixture
def own_{{entity}}(coach_id):
    """A {{entity_words}} of ``coach_client``'s coach."""
    return {{Entity}}Factory(coach_id=coach_id)


@pytest.fixture
def others_{{entity}}(other_coach_id):
    """A {{entity_words}} of ``other_coach_client``'s coach."""
    return {{Entity}}Factory(coach_id=other_coach_id)
