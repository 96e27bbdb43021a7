"""System checks that keep the contexts apart and the consumers within the broker's patience."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core import checks

from nlc.db.router import alias_for_app_label


@checks.register(checks.Tags.models)
def check_no_cross_context_relations(app_configs=None, **kwargs):
    """A foreign key, one-to-one or many-to-many may only point inside its own context."""
    return cross_context_relation_errors(apps.get_models(include_auto_created=True))


def cross_context_relation_errors(models) -> list[checks.Error]:
    errors = []
    for model in models:
        here = alias_for_app_label(model._meta.app_label)
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model in (None, "self"):
                continue
            if isinstance(field.related_model, str):
                continue
            there = alias_for_app_label(field.related_model._meta.app_label)
            if here is not None and there is not None and here != there:
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{field.name} relates to {field.related_model._meta.label}, "
                        "which belongs to another context",
                        hint="Keep a UUID column of the other context's id and feed what you need from its events.",
                        obj=field,
                        id="nlc.E001",
                    )
                )
    return errors


@checks.register()
def check_handler_timeout_within_consumer_timeout(app_configs=None, **kwargs):
    handler_timeout = settings.NLC_EVENTS["HANDLER_TIMEOUT_SECONDS"]
    if handler_timeout >= settings.RABBITMQ_CONSUMER_TIMEOUT_SECONDS:
        return [
            checks.Error(
                f"EVENTS_HANDLER_TIMEOUT_SECONDS ({handler_timeout}) must stay below "
                f"RABBITMQ_CONSUMER_TIMEOUT_SECONDS ({settings.RABBITMQ_CONSUMER_TIMEOUT_SECONDS}), "
                "or RabbitMQ cancels the consumer in the middle of a handler",
                id="nlc.E002",
            )
        ]
    return []
