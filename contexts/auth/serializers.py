"""Input and output shapes of the auth API (camelCase on the wire)."""

from __future__ import annotations

from rest_framework import serializers

from contexts.auth.models import AuditKind, Role, Status

PASSWORD_MAX_LENGTH = 128


def _password_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False, write_only=True, **kwargs)


class UserSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    firstName = serializers.CharField(source="first_name")
    lastName = serializers.CharField(source="last_name")
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    coachId = serializers.UUIDField(source="coach_id", allow_null=True)
    googleLinked = serializers.SerializerMethodField()
    hasPassword = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField(source="created_at")
    lastLoginAt = serializers.DateTimeField(source="last_login", allow_null=True)

    def get_googleLinked(self, user) -> bool:
        return user.google_subject is not None

    def get_hasPassword(self, user) -> bool:
        return user.has_usable_password()


class AdminUserSerializer(UserSerializer):
    """What an admin sees of an identity."""

    lockedUntil = serializers.DateTimeField(source="locked_until", allow_null=True)
    failedLoginCount = serializers.IntegerField(source="failed_login_count")


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    tokenType = serializers.CharField(default="Bearer")
    accessExpiresAt = serializers.DateTimeField(source="access_expires_at")
    refreshExpiresAt = serializers.DateTimeField(source="refresh_expires_at")

    def to_representation(self, pair):
        return {**super().to_representation(pair), "tokenType": "Bearer"}


class SessionSerializer(TokenPairSerializer):
    """A new session: the token pair and who it is for."""

    user = UserSerializer()


class SignupInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = _password_field()
    firstName = serializers.CharField(max_length=150)
    lastName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class LoginInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = _password_field()


class GoogleLoginInputSerializer(serializers.Serializer):
    idToken = serializers.CharField(max_length=8192)


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class MeUpdateInputSerializer(serializers.Serializer):
    firstName = serializers.CharField(max_length=150, required=False)
    lastName = serializers.CharField(max_length=150, required=False, allow_blank=True)


class PasswordChangeInputSerializer(serializers.Serializer):
    currentPassword = _password_field()
    newPassword = _password_field()


class PasswordResetInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=256)
    newPassword = _password_field()


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class UserCreateInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    firstName = serializers.CharField(max_length=150)
    lastName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=Role.choices)


class UserUpdateInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    firstName = serializers.CharField(max_length=150, required=False)
    lastName = serializers.CharField(max_length=150, required=False, allow_blank=True)


class UserFilterSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    search = serializers.CharField(max_length=254, required=False)


class AuditLogFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AuditKind.choices, required=False)
    userId = serializers.UUIDField(required=False)
    email = serializers.CharField(max_length=254, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class AuditLogEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=AuditKind.choices)
    userId = serializers.UUIDField(source="user_id", allow_null=True)
    actorId = serializers.UUIDField(source="actor_id", allow_null=True)
    email = serializers.CharField()
    ip = serializers.IPAddressField(allow_null=True)
    userAgent = serializers.CharField(source="user_agent")
    metadata = serializers.DictField()
    createdAt = serializers.DateTimeField(source="created_at")
