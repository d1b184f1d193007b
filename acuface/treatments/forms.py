"""The session page's forms: each carries the session version it was shown with."""

from __future__ import annotations

from typing import Any

from django import forms

from acuface.core.access import scope_to_clinic
from acuface.core.models import Clinic
from acuface.treatments.models import (
    ASSESSMENT_REGIONS,
    GRADE_LABELS,
    Fitzpatrick,
    Glogau,
    Needle,
    NeedleLot,
    NeedleProduct,
    SessionEventKind,
)
from acuface.treatments.services import NOTE_MAX, REASON_MAX

GRADE_CHOICES = [("", "not graded")] + [(str(k), f"{k} {v}") for k, v in GRADE_LABELS.items()]
MAX_VERSION = 2**31 - 1


class SessionForm(forms.Form):
    """Every action's form: the version of the session the practitioner was looking at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)

    def __init__(self, *args: Any, clinic: Clinic | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic


class CheckInForm(SessionForm):
    defer_override_reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        label="Reason to treat despite the defer flag",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


NOT_ASSESSED = "not_assessed"


def _assessed_choices(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Nothing chosen until the practitioner chooses: a class, or "not assessed" on purpose."""
    return [("", "choose…"), (NOT_ASSESSED, "not assessed"), *choices]


class AssessedChoiceField(forms.TypedChoiceField):
    """A class the practitioner must choose; "not assessed" is stored as no class."""

    def __init__(self, *, choices: list[tuple[str, str]], label: str) -> None:
        super().__init__(
            choices=_assessed_choices(choices),
            coerce=lambda value: "" if value == NOT_ASSESSED else value,
            label=label,
            error_messages={"required": 'Choose a class, or "not assessed".'},
        )


class AssessmentForm(SessionForm):
    fitzpatrick = AssessedChoiceField(choices=Fitzpatrick.choices, label="Fitzpatrick phototype")
    glogau = AssessedChoiceField(choices=Glogau.choices, label="Glogau class")
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in ASSESSMENT_REGIONS.items():
            self.fields[f"grade_{key}"] = forms.TypedChoiceField(
                choices=GRADE_CHOICES, coerce=int, empty_value=None, required=False, label=label
            )

    def region_grades(self) -> dict[str, int]:
        return {
            key: self.cleaned_data[f"grade_{key}"]
            for key in ASSESSMENT_REGIONS
            if self.cleaned_data.get(f"grade_{key}") is not None
        }

    def grade_fields(self) -> list[forms.BoundField]:
        return [self[f"grade_{key}"] for key in ASSESSMENT_REGIONS]


class LotForm(SessionForm):
    """The session's lots: one for facial points, one for body points (at least one)."""

    facial_lot = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, label="Facial needle lot"
    )
    body_lot = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, label="Body needle lot"
    )

    def _lot(self, name: str) -> NeedleLot | None:
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        found = None
        if self.clinic is not None:
            lots = scope_to_clinic(NeedleLot.objects.select_related("product"), self.clinic)
            found = lots.filter(pk=value).first()
        if found is None:
            raise forms.ValidationError("That lot is not in this clinic's needle stock.")
        return found

    def clean_facial_lot(self) -> NeedleLot | None:
        return self._lot("facial_lot")

    def clean_body_lot(self) -> NeedleLot | None:
        return self._lot("body_lot")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data.get("facial_lot") is None and data.get("body_lot") is None:
            raise forms.ValidationError("Choose a facial or a body needle lot.")
        return data


class TapForm(SessionForm):
    code = forms.CharField(max_length=12)
    side = forms.ChoiceField(choices=Needle.Side.choices)
    # Sent only from the page's questions after a refused tap: "not in today's plan: add it?"
    # and "not allowed today: your reason for this point".
    add_to_plan = forms.BooleanField(required=False)
    override_reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        label="Your reason to needle this point today",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        label="Reason for taking needles out before retention ends",
    )


class RetentionStartForm(SessionForm):
    minutes = forms.IntegerField(required=False, min_value=1, max_value=90)
    reason = forms.CharField(
        required=False, max_length=REASON_MAX, label="Reason (outside 25 to 40 minutes)"
    )


class RetentionExtendForm(SessionForm):
    minutes = forms.IntegerField(min_value=1, max_value=30, initial=5)


class EventForm(SessionForm):
    kind = forms.ChoiceField(choices=SessionEventKind.choices, label="What happened")
    code = forms.CharField(required=False, max_length=12, label="Point (e.g. ST2)")
    side = forms.ChoiceField(
        required=False, choices=[("", "—"), *Needle.Side.choices], label="Side"
    )
    note = forms.CharField(
        required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class IncidentForm(SessionForm):
    searched_where = forms.CharField(
        max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}), label="Where you searched"
    )
    outcome = forms.CharField(
        max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}), label="Outcome"
    )


class ReasonForm(SessionForm):
    reason = forms.CharField(
        max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}), label="Reason"
    )


class NeedleProductForm(forms.ModelForm[NeedleProduct]):
    class Meta:
        model = NeedleProduct
        fields = ("brand", "needle_type", "gauge_mm", "length_mm", "material", "is_active")


class NeedleLotForm(forms.ModelForm[NeedleLot]):
    class Meta:
        model = NeedleLot
        fields = ("lot_number", "expires_on", "quantity_received", "low_stock_at")
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
