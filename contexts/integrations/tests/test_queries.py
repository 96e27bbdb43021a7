"""Admin reads cost a fixed number of queries, all on the integrations alias: a page of 100 webhooks
costs what a page of 1 costs."""

import pytest

from contexts.integrations.tests.factories import WebhookEventFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize("size", [1, 100])
def test_the_webhook_list(admin_client, context_queries, size):
    # given
    WebhookEventFactory.create_batch(size)
    # when: the count and the page
    with context_queries("integrations", at_most=2):
        response = admin_client.get("/integrations/webhooks", {"pageSize": 100})
    # then
    assert response.status_code == 200
    assert response.json()["count"] == size
    assert len(response.json()["results"]) == size


def test_one_webhook(admin_client, context_queries):
    event = WebhookEventFactory()
    with context_queries("integrations", at_most=1):
        response = admin_client.get(f"/integrations/webhooks/{event.id}")
    assert response.status_code == 200
    assert response.json()["id"] == str(event.id)
