"""Reads cost a fixed number of queries, all on the {{name}} alias: a page of 100 costs what a page
of 1 costs."""

import pytest

from contexts.{{name}}.tests.factories import {{Entity}}Factory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize("size", [1, 100])
def test_the_list(coach_client, coach_id, context_queries, size):
    # given
    {{Entity}}Factory.create_batch(size, coach_id=coach_id)
    # when: the count and the page
    with context_queries("{{name}}", at_most=2):
        response = coach_client.get("/{{name}}/{{route}}", {"pageSize": 100})
    # then
    assert response.status_code == 200
    assert response.json()["count"] == size


def test_one_row(coach_client, own_{{entity}}, context_queries):
    with context_queries("{{name}}", at_most=1):
        response = coach_client.get(f"/{{name}}/{{route}}/{own_{{entity}}.id}")
    assert response.status_code == 200
