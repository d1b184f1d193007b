"""Read-only views for platform administrators: the atlas and protocols change through the data
files (`manage.py load_atlas`) and the clinic's protocol pages, plans through the plan page, so
every change is audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from acuface.atlas.models import PlannedPoint, Point, Protocol, TreatmentPlan


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Point)
class PointAdmin(ReadOnlyAdmin):
    list_display = ("code", "pinyin", "channel", "region", "is_facial", "recipe_id")
    list_filter = ("is_facial", "channel")
    search_fields = ("code", "pinyin", "english")


@admin.register(Protocol)
class ProtocolAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "clinic", "version", "is_current", "created_at")
    list_filter = ("kind", "is_current", "clinic")


class PlannedPointInline(admin.TabularInline[PlannedPoint, TreatmentPlan]):
    model = PlannedPoint
    extra = 0
    can_delete = False
    readonly_fields = (
        "point", "side", "needle_type", "gauge_mm", "length_mm", "is_excluded",
        "exclusion_reason", "override_reason",
    )  # fmt: skip
    fields = readonly_fields


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(ReadOnlyAdmin):
    list_display = ("client", "planned_on", "status", "retention_minutes", "created_by")
    list_filter = ("status",)
    inlines = (PlannedPointInline,)
