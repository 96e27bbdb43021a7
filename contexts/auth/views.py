"""The auth API under /auth/: thin views that validate, call a service or selector, and answer."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from contexts.auth import selectors, services
from contexts.auth.authentication import UserAuthentication
from contexts.auth.serializers import (
    AdminUserSerializer,
    AuditLogEntrySerializer,
    AuditLogFilterSerializer,
    GoogleLoginInputSerializer,
    LoginInputSerializer,
    MessageSerializer,
    MeUpdateInputSerializer,
    PasswordChangeInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
    RefreshInputSerializer,
    SessionSerializer,
    SignupInputSerializer,
    TokenPairSerializer,
    UserCreateInputSerializer,
    UserFilterSerializer,
    UserSerializer,
    UserUpdateInputSerializer,
)
from nlc.api.authentication import KEYWORD
from nlc.api.http import RequestOrigin
from nlc.api.serializers import error_responses, validated
from nlc.api.throttles import (
    LoginAccountThrottle,
    LoginThrottle,
    PasswordResetAccountThrottle,
    PasswordResetThrottle,
    SignupThrottle,
)
from nlc.api.views import AdminView, CoachOrAdminView, get_or_404
from nlc.api.views import PublicView as AnonymousView

TAG = "auth"


def _session(user, pair) -> dict:
    return SessionSerializer({**pair.__dict__, "user": user}).data


# A coach or an admin, as stored: the request's user is the identity itself, and a token of a
# signed-out session or a disabled account is refused at once (UserAuthentication). Comments, not
# docstrings, on these bases: drf-spectacular would publish a docstring as every endpoint's description.
class AuthView(CoachOrAdminView):
    authentication_classes = [UserAuthentication]


# Admins, as stored (see AuthView).
class AuthAdminView(AdminView):
    authentication_classes = [UserAuthentication]


# Anonymous endpoints (a stale Authorization header is ignored), some taking a refresh token in the body.
class PublicView(AnonymousView):
    def get_authenticate_header(self, request):
        # A bad refresh token is a 401 (with this challenge), not the 403 DRF gives without one.
        return f'{KEYWORD} realm="api"'


class SignupView(PublicView):
    throttle_classes = [SignupThrottle]

    @extend_schema(
        tags=[TAG],
        summary="Sign up as a coach",
        request=SignupInputSerializer,
        responses={201: SessionSerializer, **error_responses(400, 429)},
    )
    def post(self, request):
        data = validated(SignupInputSerializer, request.data)
        user, pair = services.coach_sign_up(
            email=data["email"],
            password=data["password"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            time_zone=data["time_zone"],
            origin=RequestOrigin.from_request(request),
        )
        return Response(_session(user, pair), status=status.HTTP_201_CREATED)


class LoginView(PublicView):
    throttle_classes = [LoginThrottle, LoginAccountThrottle]

    @extend_schema(
        tags=[TAG],
        summary="Log in with e-mail and password",
        description="After AUTH_LOCKOUT_MAX_FAILED_LOGINS failed attempts the account is locked for "
        "AUTH_LOCKOUT_MINUTES: 423 account_locked, with details.lockedUntil and Retry-After.",
        request=LoginInputSerializer,
        responses={200: SessionSerializer, **error_responses(400, 401, 403, 423, 429)},
    )
    def post(self, request):
        data = validated(LoginInputSerializer, request.data)
        user, pair = services.session_create_with_password(
            email=data["email"], password=data["password"], origin=RequestOrigin.from_request(request)
        )
        return Response(_session(user, pair))


class GoogleLoginView(PublicView):
    throttle_classes = [LoginThrottle]

    @extend_schema(
        tags=[TAG],
        summary="Sign in with a Google ID token",
        description="Links the Google account to the identity with its verified e-mail, or creates a coach (201).",
        request=GoogleLoginInputSerializer,
        responses={200: SessionSerializer, 201: SessionSerializer, **error_responses(400, 401, 403, 409, 429, 503)},
    )
    def post(self, request):
        data = validated(GoogleLoginInputSerializer, request.data)
        user, pair, created = services.session_create_with_google(
            id_token=data["id_token"], origin=RequestOrigin.from_request(request)
        )
        return Response(_session(user, pair), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TokenRefreshView(PublicView):
    @extend_schema(
        tags=[TAG],
        summary="Exchange a refresh token for a new pair",
        description="The refresh token is rotated: it is revoked, and the new pair carries the current role.",
        request=RefreshInputSerializer,
        responses={200: TokenPairSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated(RefreshInputSerializer, request.data)
        pair = services.session_refresh(refresh_token=data["refresh"])
        return Response(TokenPairSerializer(pair).data)


class LogoutView(PublicView):
    @extend_schema(
        tags=[TAG],
        summary="Log out: revoke this refresh token",
        request=RefreshInputSerializer,
        responses={204: None, **error_responses(400, 401)},
    )
    def post(self, request):
        data = validated(RefreshInputSerializer, request.data)
        services.session_revoke(refresh_token=data["refresh"], origin=RequestOrigin.from_request(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(AuthView):
    @extend_schema(
        tags=[TAG], summary="Log out everywhere", request=None, responses={204: None, **error_responses(401, 403)}
    )
    def post(self, request):
        services.session_revoke_all(user=request.user, origin=RequestOrigin.from_request(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(AuthView):
    @extend_schema(tags=[TAG], summary="Who I am", responses={200: UserSerializer, **error_responses(401, 403)})
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        tags=[TAG],
        summary="Change my names or time zone",
        description="A change publishes auth.user.updated with the fields that changed; a request that "
        "changes nothing publishes nothing.",
        request=MeUpdateInputSerializer,
        responses={200: UserSerializer, **error_responses(400, 401, 403)},
    )
    def patch(self, request):
        data = validated(MeUpdateInputSerializer, request.data)
        user = services.user_profile_update(
            user=request.user,
            first_name=data.get("first_name"),
            last_name=data.get("last_name"),
            time_zone=data.get("time_zone"),
        )
        return Response(UserSerializer(user).data)


class PasswordChangeView(AuthView):
    @extend_schema(
        tags=[TAG],
        summary="Change my password",
        description="Every other session is revoked; the answer is a fresh token pair for this one.",
        request=PasswordChangeInputSerializer,
        responses={200: TokenPairSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated(PasswordChangeInputSerializer, request.data)
        pair = services.user_password_change(
            user=request.user,
            current_password=data["current_password"],
            new_password=data["new_password"],
            origin=RequestOrigin.from_request(request),
        )
        return Response(TokenPairSerializer(pair).data)


class PasswordResetView(PublicView):
    throttle_classes = [PasswordResetThrottle, PasswordResetAccountThrottle]
    ACCEPTED = "If an account exists for this e-mail address, a reset link is on its way."

    @extend_schema(
        tags=[TAG],
        summary="Ask for a password-reset link",
        description="Answers the same whether or not the account exists.",
        request=PasswordResetInputSerializer,
        responses={202: MessageSerializer, **error_responses(400, 429)},
    )
    def post(self, request):
        data = validated(PasswordResetInputSerializer, request.data)
        services.password_reset_request(email=data["email"], origin=RequestOrigin.from_request(request))
        return Response({"message": self.ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicView):
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        tags=[TAG],
        summary="Set a new password with a reset token",
        description="The token works once, until it expires; every session of the account is revoked.",
        request=PasswordResetConfirmInputSerializer,
        responses={204: None, **error_responses(400, 429)},
    )
    def post(self, request):
        data = validated(PasswordResetConfirmInputSerializer, request.data)
        services.password_reset_confirm(
            token=data["token"], new_password=data["new_password"], origin=RequestOrigin.from_request(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditLogView(AuthAdminView):
    @extend_schema(
        tags=[TAG],
        summary="The audit log (admins)",
        parameters=[AuditLogFilterSerializer],
        responses={200: AuditLogEntrySerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            filters=AuditLogFilterSerializer,
            selector=selectors.audit_entry_list,
            serializer=AuditLogEntrySerializer,
        )


class UserListView(AuthAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Identities (admins)",
        parameters=[UserFilterSerializer],
        responses={200: AdminUserSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, filters=UserFilterSerializer, selector=selectors.user_list, serializer=AdminUserSerializer
        )

    @extend_schema(
        tags=[TAG],
        summary="Create an identity (admins)",
        description="It has no password: a link to set one is e-mailed (auth.password.reset_requested).",
        request=UserCreateInputSerializer,
        responses={201: AdminUserSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated(UserCreateInputSerializer, request.data)
        user = services.user_create_by_admin(
            actor=request.user,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            origin=RequestOrigin.from_request(request),
        )
        return Response(AdminUserSerializer(user).data, status=status.HTTP_201_CREATED)


class UserDetailView(AuthAdminView):
    @extend_schema(
        tags=[TAG],
        summary="One identity (admins)",
        responses={200: AdminUserSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, user_id):
        user = get_or_404(selectors.user_get(principal=request.user, user_id=user_id), "user")
        return Response(AdminUserSerializer(user).data)

    @extend_schema(
        tags=[TAG],
        summary="Change an identity's role, status or names (admins)",
        description="A role or status change is audited and revokes the identity's sessions.",
        request=UserUpdateInputSerializer,
        responses={200: AdminUserSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, user_id):
        get_or_404(selectors.user_get(principal=request.user, user_id=user_id), "user")
        data = validated(UserUpdateInputSerializer, request.data)
        user = services.user_access_update(
            actor=request.user,
            user_id=user_id,
            role=data.get("role"),
            status=data.get("status"),
            first_name=data.get("first_name"),
            last_name=data.get("last_name"),
            origin=RequestOrigin.from_request(request),
        )
        return Response(AdminUserSerializer(user).data)
