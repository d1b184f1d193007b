from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from acuface.core.models import AuditEvent, Clinic, User


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin[Clinic]):
    list_display = ("name", "slug", "time_zone")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(User)
class StaffAdmin(UserAdmin[User]):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "clinic", "role", "is_active")
    list_filter = ("clinic", "role", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name")}),
        ("Clinic", {"fields": ("clinic", "role")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "clinic", "actor_label", "action", "object_type", "object_label")
    list_filter = ("clinic", "action")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the audit trail is append-only

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
