"""Identities of the platform (admins and coaches), their password-reset tokens and the audit log."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.module_loading import import_string

from nlc.db.models import TimeStampedModel, UUIDModel


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    COACH = "coach", "Coach"


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    DISABLED = "disabled", "Disabled"


# The time zone of a new identity until its person picks one.
DEFAULT_TIME_ZONE = "UTC"


class SignupMethod(models.TextChoices):
    PASSWORD = "password", "Sign-up with a password"
    GOOGLE = "google", "Sign-up with Google"
    ADMIN = "admin", "Created by an admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **fields):
        """Create an identity the way every identity is created: through the service, which audits it
        and publishes auth.user.created (createsuperuser, the demo data and scripts come here)."""
        # Models sit below services (which import them): the manager looks the service up by name
        # when Django or a script calls it, so createsuperuser is audited and published like a sign-up.
        user_create = import_string("contexts.auth.services.user_create")
        if not email:
            raise ValueError("An e-mail address is required")
        fields.pop("is_superuser", None)  # follows the role
        return user_create(email=email, password=password, signup_method=SignupMethod.ADMIN, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields["role"] = Role.ADMIN
        return self.create_user(email, password, **fields)


class User(TimeStampedModel, AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(max_length=254, unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.COACH)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # IANA name (Europe/Berlin), checked against zoneinfo's database by the services.
    time_zone = models.CharField(max_length=64, default=DEFAULT_TIME_ZONE)
    # The Google account (its stable "sub") linked to this identity, if any.
    google_subject = models.CharField(max_length=255, unique=True, null=True, blank=True)
    # Every token carries the generation it was issued in; raising it revokes all of them at once
    # (log out everywhere, password change or reset, role or status change).
    token_generation = models.PositiveIntegerField(default=1)
    # Consecutive failed log-ins (forgotten after a quiet lock-out period), and the lock-out they caused.
    failed_login_count = models.PositiveSmallIntegerField(default=0)
    last_failed_login_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    @property
    def is_staff(self) -> bool:
        # The Django admin is for admins only.
        return self.role == Role.ADMIN

    @property
    def coach_id(self):
        return self.id if self.role == Role.COACH else None

    def is_locked(self, *, at=None) -> bool:
        return self.locked_until is not None and self.locked_until > (at or timezone.now())


class PasswordResetToken(UUIDModel):
    """A single-use, expiring password-reset token. Only its SHA-256 is kept, never the token."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_reset_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reset for {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class AuditKind(models.TextChoices):
    USER_CREATED = "user_created", "User created"
    LOGIN_SUCCEEDED = "login_succeeded", "Log-in succeeded"
    LOGIN_FAILED = "login_failed", "Log-in failed"
    ACCOUNT_LOCKED = "account_locked", "Account locked"
    LOGOUT = "logout", "Log-out"
    LOGOUT_ALL = "logout_all", "Log-out everywhere"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET_COMPLETED = "password_reset_completed", "Password reset completed"
    GOOGLE_LINKED = "google_linked", "Google account linked"
    ROLE_CHANGED = "role_changed", "Role changed"
    STATUS_CHANGED = "status_changed", "Status changed"


class AuditLogEntry(UUIDModel):
    """One security event, written in the same transaction as the change it records; never edited.

    ``user_id`` is the identity concerned (none for a log-in attempt with an unknown e-mail) and
    ``actor_id`` who acted when that was someone else (an admin changing a role). Plain UUID
    columns, so the log outlives the identities it mentions.
    """

    kind = models.CharField(max_length=32, choices=AuditKind.choices)
    user_id = models.UUIDField(null=True, blank=True)
    actor_id = models.UUIDField(null=True, blank=True)
    email = models.CharField(max_length=254, blank=True, help_text="The e-mail address given or concerned")
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "audit log entries"
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="accounts_audit_kind_idx"),
            models.Index(fields=["user_id", "-created_at"], name="accounts_audit_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.email}"
