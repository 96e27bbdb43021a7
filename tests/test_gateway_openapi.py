"""The OpenAPI documents: per context and combined under /docs/ (staff only), and the checked-in
docs/openapi/<context>.yaml files are never stale."""

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db(databases="__all__")
JSON = "application/vnd.oai.openapi+json"


def test_the_checked_in_documents_are_current():
    # fails when an endpoint changed without `manage.py openapi_export`
    call_command("openapi_export", "--check")


def test_the_check_fails_on_a_stale_document_and_export_fixes_it(tmp_path):
    call_command("openapi_export", directory=str(tmp_path))
    (tmp_path / "auth.yaml").write_text("openapi: 3.0.3\npaths: {}\n")
    with pytest.raises(CommandError, match=r"auth\.yaml"):
        call_command("openapi_export", "--check", directory=str(tmp_path))
    call_command("openapi_export", directory=str(tmp_path))
    call_command("openapi_export", "--check", directory=str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.yaml" for name in settings.NLC_CONTEXTS)


def test_each_context_document_covers_only_its_own_paths():
    auth = yaml.safe_load((settings.BASE_DIR / "docs" / "openapi" / "auth.yaml").read_text())
    assert auth["info"]["title"] == "NextLevelCoach API: auth"
    assert {"/auth/login", "/auth/me", "/auth/token/refresh", "/auth/audit-log"} <= set(auth["paths"])
    assert all(url.startswith("/auth/") for url in auth["paths"])
    assert auth["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert set(auth["components"]["schemas"]["Error"]["properties"]) == {
        "status",
        "code",
        "message",
        "fieldErrors",
        "details",
    }


def test_docs_send_a_browser_to_the_admin_log_in_first(client):
    response = client.get("/docs/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/docs/"


def test_docs_are_for_admins_only(client, django_user_model):
    coach = django_user_model.objects.create(email="coach@example.com", role="coach")
    admin = django_user_model.objects.create(email="admin@example.com", role="admin", is_superuser=True)
    client.force_login(coach)
    assert client.get("/docs/").status_code == 403
    assert client.get("/docs/schema/").status_code == 403
    client.force_login(admin)
    page = client.get("/docs/")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content
    assert client.get("/docs/auth/").status_code == 200
    combined = client.get("/docs/schema/", HTTP_ACCEPT=JSON).json()
    assert "/auth/login" in combined["paths"]
    per_context = client.get("/docs/schema/auth/", HTTP_ACCEPT=JSON).json()
    assert per_context["info"]["title"] == "NextLevelCoach API: auth"


def test_the_schema_answers_an_admin_token_and_refuses_a_coach_token(principal_client):
    admin, coach = principal_client(role="admin"), principal_client(role="coach")
    assert admin.get("/docs/schema/", HTTP_ACCEPT=JSON).status_code == 200
    refused = coach.get("/docs/schema/", HTTP_ACCEPT=JSON)
    assert refused.status_code == 403
    assert refused.json()["code"] == "admin_only"
