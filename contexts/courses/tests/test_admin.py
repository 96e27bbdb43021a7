"""Every courses model is in the Django admin; edits there reach learners, actions call the services."""

import pytest
from django.contrib import admin

from contexts.courses.models import Course, Enrollment, EnrollmentStatus
from contexts.courses.tests.conftest import build_course, grant, learner_client_for

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def admin_site_client(client, django_user_model):
    user = django_user_model.objects.create(email="root@example.com", role="admin", is_superuser=True)
    client.force_login(user)
    return client


def _courses_models() -> list:
    from django.apps import apps

    return list(apps.get_app_config("courses").get_models())


def test_every_model_is_registered_and_its_pages_answer(admin_site_client):
    built = build_course()
    enrollment = grant(built.course)
    learner_client_for(enrollment).post(
        f"/courses/learn/lessons/{built.lessons['Intro'].id}/progress", {"completed": True}
    )
    for model in _courses_models():
        assert admin.site.is_registered(model), model
        name = model._meta.model_name
        assert admin_site_client.get(f"/admin/courses/{name}/").status_code == 200, name
        row = model.objects.first()
        if row is not None:
            assert admin_site_client.get(f"/admin/courses/{name}/{row.pk}/change/").status_code == 200, name


def test_a_lesson_renamed_in_the_admin_reaches_the_learner(admin_site_client):
    built = build_course()
    lesson = built.lessons["Intro"]
    learner = learner_client_for(grant(built.course))
    assert learner.get("/courses/learn/outline").json()["modules"][0]["lessons"][0]["title"] == "Intro"
    response = admin_site_client.post(
        f"/admin/courses/lesson/{lesson.pk}/change/",
        {
            "module": lesson.module_id,
            "title": "Renamed here",
            "kind": "text",
            "position": 0,
            "body": "",
            "file_name": "",
            "completion_threshold_percent": 90,
            "is_required": "on",
        },
    )
    assert response.status_code == 302, response.content
    assert learner.get("/courses/learn/outline").json()["modules"][0]["lessons"][0]["title"] == "Renamed here"


def test_admin_actions_go_through_the_services(admin_site_client):
    built = build_course(publish=False)
    enrollment = grant(built.course)
    admin_site_client.post("/admin/courses/course/", {"action": "publish", "_selected_action": [str(built.course.pk)]})
    assert Course.objects.get().status == "published"
    admin_site_client.post("/admin/courses/enrollment/", {"action": "revoke", "_selected_action": [str(enrollment.pk)]})
    assert Enrollment.objects.get().status == EnrollmentStatus.REVOKED
    assert learner_client_for(enrollment).get("/courses/learn/outline").status_code == 403
