"""Input and output shapes of the auth API: fields by their camelCase wire name, read from and
validated into the snake_case names of the domain."""

from __future__ import annotations

from rest_framework import serializers

from contexts.auth.models import DEFAULT_TIME_ZONE, AuditKind, Role, Status
from nlc.api.serializers import CamelCaseSerializer

PASSWORD_MAX_LENGTH = 128
TIME_ZONE_MAX_LENGTH = 64


def _password_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, write_only=True, **kwargs)


class UserSerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    firstName = serializers.CharField()
    lastName = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    coachId = serializers.UUIDField(allow_null=True)
    timeZone = serializers.CharField(help_text="IANA time zone name, e.g. Europe/Berlin.")
    googleLinked = serializers.SerializerMethodField()
    hasPassword = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField()
    lastLoginAt = serializers.DateTimeField(source="last_login", allow_null=True)

    def get_googleLinked(self, user) -> bool:
        return user.google_subject is not None

    def get_hasPassword(self, user) -> bool:
        return user.has_usable_password()


class AdminUserSerializer(UserSerializer):
    """What an admin sees of an identity."""

    lockedUntil = serializers.DateTimeField(allow_null=True)
    failedLoginCount = serializers.IntegerField()


class TokenPairSerializer(CamelCaseSerializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    tokenType = serializers.CharField(default="Bearer")
    accessExpiresAt = serializers.DateTimeField()
    refreshExpiresAt = serializers.DateTimeField()

    def to_representation(self, pair):
        return {**super().to_representation(pair), "tokenType": "Bearer"}


class SessionSerializer(TokenPairSerializer):
    """A new session: the token pair and who it is for."""

    user = UserSerializer()


class SignupInputSerializer(CamelCaseSerializer):
    email = serializers.EmailField(max_length=254)
    password = _password_field()
    firstName = serializers.CharField(max_length=150)
    lastName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    timeZone = serializers.CharField(
        max_length=TIME_ZONE_MAX_LENGTH,
        required=False,
        default=DEFAULT_TIME_ZONE,
        help_text="IANA time zone name, e.g. Europe/Berlin (default UTC).",
    )


class LoginInputSerializer(CamelCaseSerializer):
    email = serializers.CharField(max_length=254)
    password = _password_field()


class GoogleLoginInputSerializer(CamelCaseSerializer):
    idToken = serializers.CharField(max_length=8192)


class RefreshInputSerializer(CamelCaseSerializer):
    refresh = serializers.CharField(max_length=4096)


class MeUpdateInputSerializer(CamelCaseSerializer):
    firstName = serializers.CharField(max_length=150, required=False)
    lastName = serializers.CharField(max_length=150, required=False, allow_blank=True)
    timeZone = serializers.CharField(
        max_length=TIME_ZONE_MAX_LENGTH, required=False, help_text="IANA time zone name, e.g. Europe/Berlin."
    )


class PasswordChangeInputSerializer(CamelCaseSerializer):
    currentPassword = _password_field()
    newPassword = _password_field()


class PasswordResetInputSerializer(CamelCaseSerializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInputSerializer(CamelCaseSerializer):
    token = serializers.CharField(max_length=256)
    newPassword = _password_field()


class MessageSerializer(CamelCaseSerializer):
    message = serializers.CharField()


class UserCreateInputSerializer(CamelCaseSerializer):
    email = serializers.EmailField(max_length=254)
    firstName = serializers.CharField(max_length=150)
    lastName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=Role.choices)


class UserUpdateInputSerializer(CamelCaseSerializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    firstName = serializers.CharField(max_length=150, required=False)
    lastName = serializers.CharField(max_length=150, required=False, allow_blank=True)


class UserFilterSerializer(CamelCaseSerializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    search = serializers.CharField(max_length=254, required=False)


class AuditLogFilterSerializer(CamelCaseSerializer):
    kind = serializers.ChoiceField(choices=AuditKind.choices, required=False)
    userId = serializers.UUIDField(required=False)
    email = serializers.CharField(max_length=254, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class AuditLogEntrySerializer(CamelCaseSerializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=AuditKind.choices)
    userId = serializers.UUIDField(allow_null=True)
    actorId = serializers.UUIDField(allow_null=True)
    email = serializers.CharField()
    ip = serializers.IPAddressField(allow_null=True)
    userAgent = serializers.CharField()
    metadata = serializers.DictField()
    createdAt = serializers.DateTimeField()
