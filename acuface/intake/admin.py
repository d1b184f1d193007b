"""Admin: published questionnaire and rules versions are read-only; new clinic versions go
through the publishing services (the same ones the `intake_publish` command calls)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from acuface.core.models import User
from acuface.intake import services
from acuface.intake.models import FlagAcknowledgement, Intake, Questionnaire, RuleSet, TodayCheck


class _PublishedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "clinic", "version", "published_at")
    list_filter = ("clinic",)
    payload_field = ""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:  # a published version never changes
            return [f.name for f in self.model._meta.fields]
        return ("version", "based_on", "published_at", "published_by")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change or obj.clinic is None:
            raise ValidationError("Publish a clinic's own version; published ones never change.")
        assert isinstance(request.user, User)
        publish = (
            services.questionnaire_publish
            if isinstance(obj, Questionnaire)
            else services.ruleset_publish
        )
        payload = {"schema": obj.schema} if isinstance(obj, Questionnaire) else {"rules": obj.rules}
        saved = publish(actor=request.user, clinic=obj.clinic, notes=obj.notes, **payload)
        obj.pk = saved.pk


@admin.register(Questionnaire)
class QuestionnaireAdmin(_PublishedAdmin):
    pass


@admin.register(RuleSet)
class RuleSetAdmin(_PublishedAdmin):
    pass


class _RecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Clinical records are written by the services only; the admin shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(_RecordAdmin):
    list_display = ("__str__", "status", "created_at", "submitted_at", "valid_until")
    list_filter = ("status",)


@admin.register(TodayCheck)
class TodayCheckAdmin(_RecordAdmin):
    list_display = ("__str__", "on", "recorded_by")


@admin.register(FlagAcknowledgement)
class FlagAcknowledgementAdmin(_RecordAdmin):
    list_display = ("__str__", "level", "acknowledged_at")
    list_filter = ("level",)
