"""Reads and read-state changes cost a fixed number of queries, all on the notifications alias: a page
of 100 costs what a page of 1 costs, and the unread count is one read of one row, whatever the number
of notifications."""

import pytest

from contexts.notifications.tests.factories import notifications_for

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize("size", [1, 100])
def test_the_list(coach_client, coach_id, context_queries, size):
    # given
    notifications_for(coach_id, size)
    # when: the count and the page
    with context_queries("notifications", at_most=2):
        response = coach_client.get("/notifications/notifications", {"pageSize": 100, "unread": "true"})
    # then
    assert response.status_code == 200
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [1, 100])
def test_the_unread_count_is_one_query(coach_client, coach_id, context_queries, size):
    # given
    notifications_for(coach_id, size)
    # when
    with context_queries("notifications", at_most=1) as queries:
        response = coach_client.get("/notifications/unread-count")
    # then: no COUNT(*) over notifications, one counter row
    assert response.json() == {"unread": size}
    assert "COUNT(" not in queries.captured_queries[0]["sql"].upper()


@pytest.mark.parametrize("size", [1, 100])
def test_mark_all_read(coach_client, coach_id, context_queries, size):
    notifications_for(coach_id, size)
    # lock the counter, mark the rows, zero the counter (plus the savepoint around them)
    with context_queries("notifications", at_most=5):
        response = coach_client.post("/notifications/notifications/read")
    assert response.json() == {"marked": size, "unread": 0}


def test_mark_one_read(coach_client, coach_id, context_queries):
    (row,) = notifications_for(coach_id, 1)
    # lock the counter, mark, decrement, read it back (plus the savepoint around them)
    with context_queries("notifications", at_most=6):
        response = coach_client.post(f"/notifications/notifications/{row.id}/read")
    assert response.status_code == 200


def test_preferences(coach_client, context_queries):
    with context_queries("notifications", at_most=1):
        response = coach_client.get("/notifications/preferences")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 100])
def test_a_new_notification_costs_the_same_whatever_came_before(coach_id, context_queries, size):
    from contexts.notifications.tests.factories import notification_for

    notifications_for(coach_id, size)
    # preferences, existing key, counter upsert, insert (plus the savepoint)
    with context_queries("notifications", at_most=6):
        notification_for(coach_id)
