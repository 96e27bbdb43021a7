"""Integration configs: secrets encrypted at rest, never shown back in full, rotated from the
Django admin without a deploy."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connections
from django.utils import timezone

from contexts.integrations import services
from contexts.integrations.crypto import secret_decrypt, secret_encrypt
from contexts.integrations.errors import SecretUnreadableError
from contexts.integrations.models import IntegrationConfig
from contexts.integrations.selectors import integration_config_resolve
from contexts.integrations.tests.factories import IntegrationConfigFactory

pytestmark = pytest.mark.django_db(databases=["default", "integrations"])

SECRET = "whsec_live_0123456789abcdefWXYZ"


@pytest.fixture
def admin_browser(client, django_user_model):
    admin = django_user_model.objects.create_user("ops@example.com", "s3cure-Passw0rd", role="admin")
    client.force_login(admin)
    return client


def raw_columns(provider: str) -> tuple[str, str]:
    with connections["integrations"].cursor() as cursor:
        cursor.execute(
            "SELECT signing_secret_encrypted, previous_signing_secret_encrypted FROM integration_configs "
            "WHERE provider = %s",
            [provider],
        )
        return cursor.fetchone()


def test_a_secret_is_encrypted_at_rest():
    # when a config is saved with a secret
    config = IntegrationConfig(provider="stripe")
    services.integration_config_save(config=config, new_signing_secret=SECRET)
    # then the column holds a Fernet token, not the secret, and only the key opens it
    current, previous = raw_columns("stripe")
    assert SECRET not in current
    assert "0123456789" not in current
    assert current.startswith("gAAAA")  # Fernet, version 0x80
    assert secret_decrypt(current) == SECRET
    assert previous == ""


def test_another_key_cannot_read_it_and_a_rotated_key_reencrypts(settings):
    # given a secret stored under the default (development) key
    config = IntegrationConfig(provider="mailgun")
    services.integration_config_save(config=config, new_signing_secret=SECRET)
    old_token, _ = raw_columns("mailgun")
    # when a new key goes first and the stored secrets are re-encrypted
    settings.INTEGRATIONS_ENCRYPTION_KEY = [
        "a-brand-new-key-with-plenty-of-entropy-0001",
        f"derived-from-secret-key:{django_settings.SECRET_KEY}",
    ]
    assert services.integration_config_reencrypt() == 1
    # then the new key alone reads it
    new_token, _ = raw_columns("mailgun")
    assert new_token != old_token
    settings.INTEGRATIONS_ENCRYPTION_KEY = ["a-brand-new-key-with-plenty-of-entropy-0001"]
    assert secret_decrypt(new_token) == SECRET
    with pytest.raises(SecretUnreadableError):
        secret_decrypt(old_token)


def test_the_django_admin_shows_only_the_last_four_characters(admin_browser):
    IntegrationConfigFactory(provider="stripe", secret=SECRET)
    config = IntegrationConfig.objects.get()
    listing = admin_browser.get("/admin/integrations/integrationconfig/").content.decode()
    page = admin_browser.get(f"/admin/integrations/integrationconfig/{config.id}/change/").content.decode()
    for html in (listing, page):
        assert "…WXYZ" in html
        assert SECRET not in html
        assert "0123456789" not in html
        assert config.signing_secret_encrypted not in html


def test_a_new_secret_set_in_the_django_admin_rotates_the_old_one(admin_browser):
    # given a config with a secret
    IntegrationConfigFactory(provider="stripe", secret=SECRET)
    config = IntegrationConfig.objects.get()
    moment = timezone.now().replace(microsecond=0)
    # when an admin types a new one, keeping the old valid for 6 hours
    with time_machine.travel(moment, tick=False):
        response = admin_browser.post(
            f"/admin/integrations/integrationconfig/{config.id}/change/",
            {
                "provider": "stripe",
                "enabled": "on",
                "settings": "{}",
                "new_signing_secret": "whsec_the_new_one_abcd",
                "previous_valid_hours": "6",
            },
        )
    # then the new one is current, the old one previous until then, both encrypted
    assert response.status_code == 302, response.content[:2000]
    config.refresh_from_db()
    assert secret_decrypt(config.signing_secret_encrypted) == "whsec_the_new_one_abcd"
    assert secret_decrypt(config.previous_signing_secret_encrypted) == SECRET
    assert config.previous_signing_secret_expires_at == moment + timedelta(hours=6)
    with time_machine.travel(moment + timedelta(hours=1), tick=False):
        assert set(integration_config_resolve(provider="stripe").secrets) == {
            "whsec_the_new_one_abcd",
            SECRET,
            *django_settings.STRIPE_WEBHOOK_SECRET,
        }


def test_saving_without_a_new_secret_keeps_it_and_clearing_the_previous_ends_it(admin_browser):
    config = IntegrationConfigFactory(provider="stripe", secret=SECRET)
    config.previous_signing_secret_encrypted = secret_encrypt("whsec_old")
    config.previous_signing_secret_expires_at = timezone.now() + timedelta(hours=1)
    config.save()
    response = admin_browser.post(
        f"/admin/integrations/integrationconfig/{config.id}/change/",
        {"provider": "stripe", "settings": "{}", "clear_previous_secret": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    config.refresh_from_db()
    assert (config.enabled, secret_decrypt(config.signing_secret_encrypted)) == (False, SECRET)
    assert (config.previous_signing_secret_encrypted, config.previous_signing_secret_expires_at) == ("", None)


def test_received_webhooks_are_read_only_in_the_django_admin(admin_browser):
    from contexts.integrations.tests.factories import WebhookEventFactory

    event = WebhookEventFactory()
    assert admin_browser.get("/admin/integrations/webhookevent/").status_code == 200
    page = admin_browser.get(f"/admin/integrations/webhookevent/{event.id}/change/")
    assert page.status_code == 200
    assert event.provider_event_id in page.content.decode()
    assert admin_browser.get("/admin/integrations/webhookevent/add/").status_code == 403
    replay = admin_browser.post(
        "/admin/integrations/webhookevent/", {"action": "replay", "_selected_action": [str(event.id)]}
    )
    assert replay.status_code == 302
    event.refresh_from_db()
    assert event.replay_count == 1


def test_production_refuses_to_start_without_an_encryption_key():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"INTEGRATIONS_ENCRYPTION_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(NLC_ENV="production", SECRET_KEY="x" * 50, JWT_SIGNING_KEY="y" * 40, STRIPE_SECRET_KEY="sk_test_x")
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "INTEGRATIONS_ENCRYPTION_KEY must be set in production" in result.stderr


def test_a_config_added_in_the_django_admin_keeps_its_secret_encrypted_and_applies_at_once(admin_browser):
    # given intake has cached that Calendly has no stored config
    assert integration_config_resolve(provider="calendly").secrets == tuple(
        django_settings.CALENDLY_WEBHOOK_SIGNING_KEY
    )
    # when an admin adds one with a secret
    response = admin_browser.post(
        "/admin/integrations/integrationconfig/add/",
        {"provider": "calendly", "enabled": "on", "settings": "{}", "new_signing_secret": "calendly-key-9876"},
    )
    # then it is stored encrypted and intake sees it at once
    assert response.status_code == 302, response.content[:2000]
    current, _ = raw_columns("calendly")
    assert "calendly-key-9876" not in current
    assert secret_decrypt(current) == "calendly-key-9876"
    assert "calendly-key-9876" in integration_config_resolve(provider="calendly").secrets
