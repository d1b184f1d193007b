from django.contrib import admin

from acuface.clients.models import Client, Consent, ConsentText


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin[Client]):
    list_display = ("last_name", "first_name", "date_of_birth", "clinic", "archived_at")
    list_filter = ("clinic",)
    search_fields = ("last_name", "first_name", "email")
    readonly_fields = ("version", "created_at", "updated_at")

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # clients are archived, never deleted from a page


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin[ConsentText]):
    list_display = ("kind", "version", "title", "published_on")


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin[Consent]):
    list_display = ("client", "text", "signed_at", "withdrawn_at")
