"""Who sees what through the {{name}} API: a coach its own rows, an admin everyone's."""

import pytest

from contexts.{{name}}.models import {{Entity}}
from nlc.time import iso_z

pytestmark = pytest.mark.django_db(databases="__all__")
LIST = "/{{name}}/{{route}}"


def _shape(row: {{Entity}}) -> dict:
    return {
        "id": str(row.id),
        "coachId": str(row.coach_id),
        "name": row.name,
        "createdAt": iso_z(row.created_at),
        "updatedAt": iso_z(row.updated_at),
    }


def test_a_coach_lists_only_its_own_rows(coach_client, own_{{entity}}, others_{{entity}}):
    # when
    response = coach_client.get(LIST)
    # then
    assert response.status_code == 200
    assert response.json() == {"count": 1, "next": None, "previous": None, "results": [_shape(own_{{entity}})]}


def test_another_coachs_row_is_not_found(coach_client, others_{{entity}}):
    # when
    response = coach_client.get(f"{LIST}/{others_{{entity}}.id}")
    # then it answers as for an id that never existed
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "{{entity}}_not_found",
        "message": "No such {{entity_words}}.",
        "fieldErrors": {},
    }


def test_a_coach_reads_its_own_row(coach_client, own_{{entity}}):
    response = coach_client.get(f"{LIST}/{own_{{entity}}.id}")
    assert response.status_code == 200
    assert response.json() == _shape(own_{{entity}})


def test_an_admin_sees_every_coachs_rows(admin_client, coach_id, own_{{entity}}, others_{{entity}}):
    # when it reads all, and one coach's
    everyone = admin_client.get(LIST)
    one_coach = admin_client.get(LIST, {"coachId": str(coach_id)})
    # then
    assert everyone.status_code == 200
    assert {row["id"] for row in everyone.json()["results"]} == {str(own_{{entity}}.id), str(others_{{entity}}.id)}
    assert [row["id"] for row in one_coach.json()["results"]] == [str(own_{{entity}}.id)]


def test_a_coach_creates_its_own(coach_client, coach_id):
    # when
    response = coach_client.post(LIST, {"name": "  First   one "})
    # then
    assert response.status_code == 201
    row = {{Entity}}.objects.get()
    assert (row.coach_id, row.name) == (coach_id, "First one")
    assert response.json() == _shape(row)


def test_an_admin_creates_nothing(admin_client):
    response = admin_client.post(LIST, {"name": "Theirs"})
    assert response.status_code == 403
    assert not {{Entity}}.objects.exists()


def test_options_answers_without_a_server_error(coach_client, own_{{entity}}):
    for url in (LIST, f"{LIST}/{own_{{entity}}.id}"):
        response = coach_client.options(url)
        assert response.status_code == 200, url
