"""Identities and audit entries as they are stored (no events: they stand for existing data)."""

import factory
from factory.django import DjangoModelFactory

from contexts.auth.models import AuditKind, AuditLogEntry, Role, Status, User

PASSWORD = "correct-Horse-battery-9"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"coach{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.COACH
    status = Status.ACTIVE

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save(update_fields=["password"])


class CoachFactory(UserFactory):
    pass


class AdminFactory(UserFactory):
    email = factory.Sequence(lambda n: f"admin{n}@example.com")
    role = Role.ADMIN
    is_superuser = True


class AuditLogEntryFactory(DjangoModelFactory):
    class Meta:
        model = AuditLogEntry

    kind = AuditKind.LOGIN_SUCCEEDED
    email = factory.Sequence(lambda n: f"someone{n}@example.com")
    ip = "203.0.113.7"
    user_agent = "pytest"
