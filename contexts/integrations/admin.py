"""The Django admin (admins only): received webhooks, read-only with a replay action, and the
integration configs, whose secrets are written through a form field and never shown back in full."""

from __future__ import annotations

import json
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils.html import format_html

from contexts.integrations import services
from contexts.integrations.crypto import secret_decrypt, secret_mask
from contexts.integrations.errors import SecretUnreadableError
from contexts.integrations.models import IntegrationConfig, WebhookEvent
from nlc.admin import ReadOnlyAdmin


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    """Read-only: webhooks are written by intake and the hand-off; an admin can only replay them."""

    list_display = (
        "received_at",
        "provider",
        "event_type",
        "provider_event_id",
        "status",
        "attempts",
        "next_attempt_at",
        "coach_id",
    )
    list_filter = ("provider", "status")
    search_fields = ("provider_event_id", "event_type", "=id", "=coach_id")
    date_hierarchy = "received_at"
    ordering = ("-received_at",)
    actions = ["replay"]
    exclude = ("body", "signature_token")
    readonly_fields = (
        "id",
        "provider",
        "provider_event_id",
        "event_type",
        "coach_id",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "received_at",
        "processed_at",
        "replay_count",
        "last_replayed_at",
        "headers",
        "body_pretty",
    )

    @admin.display(description="body")
    def body_pretty(self, event):
        try:
            text = json.dumps(json.loads(event.body), indent=2, ensure_ascii=False)
        except ValueError:
            text = event.body
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", text)

    @admin.action(description="Replay: hand the selected webhooks on again")
    def replay(self, request, queryset):
        ids = list(queryset.values_list("id", flat=True))
        for webhook_event_id in ids:
            services.webhook_replay(webhook_event_id=webhook_event_id)
        self.message_user(request, f"Replayed {len(ids)} webhook(s).", messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        # These, not every field: the raw body is shown pretty-printed, the signature token never.
        return self.readonly_fields


def _masked(ciphertext: str) -> str:
    try:
        return secret_mask(secret_decrypt(ciphertext)) or "—"
    except SecretUnreadableError:
        return "unreadable with the current INTEGRATIONS_ENCRYPTION_KEY"


class IntegrationConfigForm(forms.ModelForm):
    new_signing_secret = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to keep the current secret. A new one replaces it; the replaced one "
        "stays valid for the hours below, so the provider can be moved over without downtime.",
    )
    previous_valid_hours = forms.IntegerField(
        min_value=0,
        max_value=24 * 30,
        required=False,
        help_text="How long the replaced secret stays valid (hours).",
    )
    clear_previous_secret = forms.BooleanField(
        required=False, help_text="Stop accepting the previous secret now (after the provider has moved over)."
    )

    class Meta:
        model = IntegrationConfig
        fields = ("provider", "enabled", "settings")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous_valid_hours"].initial = settings.INTEGRATIONS_WEBHOOKS["PREVIOUS_SECRET_HOURS"]


@admin.register(IntegrationConfig)
class IntegrationConfigAdmin(admin.ModelAdmin):
    form = IntegrationConfigForm
    list_display = ("provider", "enabled", "signing_secret", "previous_secret", "updated_at")
    readonly_fields = ("signing_secret", "previous_secret", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("provider", "enabled", "settings")}),
        (
            "Signing secret",
            {
                "fields": (
                    "signing_secret",
                    "new_signing_secret",
                    "previous_secret",
                    "previous_valid_hours",
                    "clear_previous_secret",
                )
            },
        ),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description="current secret")
    def signing_secret(self, config):
        return _masked(config.signing_secret_encrypted)

    @admin.display(description="previous secret")
    def previous_secret(self, config):
        if not config.previous_signing_secret_encrypted:
            return "—"
        return f"{_masked(config.previous_signing_secret_encrypted)} until {config.previous_signing_secret_expires_at}"

    def get_readonly_fields(self, request, obj=None):
        # A config belongs to its provider for good (the intake cache is keyed by it).
        return (*self.readonly_fields, "provider") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        hours = form.cleaned_data.get("previous_valid_hours")
        services.integration_config_save(
            config=obj,
            new_signing_secret=form.cleaned_data.get("new_signing_secret") or "",
            previous_valid_for=timedelta(hours=hours) if hours is not None else None,
            clear_previous=form.cleaned_data.get("clear_previous_secret", False),
        )

    def delete_model(self, request, obj):
        services.integration_config_delete(config=obj)

    def delete_queryset(self, request, queryset):
        for config in queryset:
            services.integration_config_delete(config=config)
