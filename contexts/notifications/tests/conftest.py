"""Fixtures of the notifications tests. The callers (``coach_client``, ``other_coach_client``,
``admin_client``, ``coach_id``, ``other_coach_id``) and ``context_queries``, ``envelope``,
``deliver_event`` come from the kernel's pytest plugin (nlc.testing); only notifications' own data is
built here."""

import pytest

from contexts.notifications.services import user_copy_save
from contexts.notifications.tests.factories import notification_for
from nlc.testing.principals import ADMIN_EMAIL, ADMIN_ID


@pytest.fixture
def own_notification(coach_id):
    """A notification of ``coach_client``'s coach (a coach's user id is its coach id)."""
    return notification_for(coach_id, coach_id=coach_id, title="Yours")


@pytest.fixture
def others_notification(other_coach_id):
    """A notification of ``other_coach_client``'s coach."""
    return notification_for(other_coach_id, coach_id=other_coach_id, title="Theirs")


@pytest.fixture
def known_admin():
    """``admin_client``'s admin, as auth.user.created made it known here."""
    return user_copy_save(user_id=ADMIN_ID, role="admin", coach_id=None, email=ADMIN_EMAIL, name="Ada Admin")
