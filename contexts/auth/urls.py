from django.urls import path

from contexts.auth import views

app_name = "auth"

urlpatterns = [
    path("signup", views.SignupView.as_view(), name="signup"),
    path("login", views.LoginView.as_view(), name="login"),
    path("google", views.GoogleLoginView.as_view(), name="google"),
    path("token/refresh", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("logout-all", views.LogoutAllView.as_view(), name="logout-all"),
    path("me", views.MeView.as_view(), name="me"),
    path("password/change", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/confirm", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("audit-log", views.AuditLogView.as_view(), name="audit-log"),
    path("users", views.UserListView.as_view(), name="users"),
    path("users/<uuid:user_id>", views.UserDetailView.as_view(), name="user"),
]
