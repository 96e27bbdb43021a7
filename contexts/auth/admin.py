"""The Django admin, for admins only (User.is_staff). Creating an identity or changing its role,
status or password here goes through the services, so it is audited and published like the API."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError

from contexts.auth import services
from contexts.auth.errors import TimeZoneUnknownError
from contexts.auth.models import AuditLogEntry, SignupMethod, User
from nlc.admin import ReadOnlyAdmin
from nlc.api.http import RequestOrigin


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User
        fields = "__all__"

    def clean_time_zone(self):
        try:
            return services.time_zone_validate(self.cleaned_data["time_zone"])
        except TimeZoneUnknownError as error:
            raise ValidationError(error.field_errors["time_zone"]) from error


class PasswordSetForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        if self.cleaned_data.get("set_usable_password", True) and self.cleaned_data.get("password1"):
            services.user_password_set(user=self.user, password=self.cleaned_data["password1"])
            return self.user
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserChangeForm
    change_password_form = PasswordSetForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "status", "time_zone", "created_at")
    list_filter = ("role", "status")
    search_fields = ("email", "first_name", "last_name")
    readonly_fields = (
        "created_at",
        "updated_at",
        "last_login",
        "google_subject",
        "failed_login_count",
        "locked_until",
        "is_superuser",
    )
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "time_zone")}),
        ("Access", {"fields": ("role", "status", "is_superuser", "groups", "user_permissions")}),
        ("Security", {"fields": ("google_subject", "failed_login_count", "locked_until")}),
        ("Dates", {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "role", "usable_password", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        origin = RequestOrigin.from_request(request)
        if change:
            services.user_save_from_admin(user=obj, actor=request.user, origin=origin)
        else:
            services.user_save_new(user=obj, signup_method=SignupMethod.ADMIN, actor=request.user, origin=origin)


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ReadOnlyAdmin):
    """The log is written by the services, never edited."""

    list_display = ("created_at", "kind", "email", "user_id", "actor_id", "ip")
    list_filter = ("kind",)
    search_fields = ("email", "=user_id", "=ip")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
