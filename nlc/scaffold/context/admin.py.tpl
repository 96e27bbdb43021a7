"""The {{name}} rows in the Django admin, read-only: they are written through the services."""

from django.contrib import admin

from contexts.{{name}}.models import {{Entity}}
from nlc.admin import ReadOnlyAdmin


@admin.register({{Entity}})
class {{Entity}}Admin(ReadOnlyAdmin):
    list_display = ("name", "coach_id", "created_at")
    search_fields = ("name", "=coach_id")
    date_hierarchy = "created_at"
