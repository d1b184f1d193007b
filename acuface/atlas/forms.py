from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from acuface.atlas.models import NeedleType, Protocol, Side
from acuface.atlas.protocol_text import (
    ProtocolTextError,
    format_protocol_points,
    parse_protocol_points,
)
from acuface.atlas.rules import plan_rules, retention_problem


class ProposeForm(forms.Form):
    concerns = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, required=False, label="Concerns"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concerns"].choices = list(plan_rules().concerns.items())  # type: ignore[attr-defined]


class PlanSettingsForm(forms.Form):
    # face_chart.js keeps inputs of class plan-version in step with taps on the chart.
    version = forms.IntegerField(
        widget=forms.HiddenInput(attrs={"class": "plan-version"}), min_value=0, max_value=2**31
    )
    retention_minutes = forms.IntegerField(
        label="Retention (minutes)",
        min_value=5,
        max_value=90,
        help_text="Usually 25 to 40 minutes; outside that, give the reason.",
    )
    retention_reason = forms.CharField(
        label="Reason for this retention time", max_length=500, required=False
    )
    notes = forms.CharField(
        label="Notes for the session",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        minutes = data.get("retention_minutes")
        if minutes is not None:
            problem = retention_problem(minutes, data.get("retention_reason", ""))
            if problem:
                self.add_error("retention_reason", problem)
        return data


class PlannedPointForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)
    needle_type = forms.ChoiceField(choices=NeedleType.choices)
    gauge_mm = forms.DecimalField(
        label="Gauge (mm)",
        min_value=Decimal("0.08"),
        max_value=Decimal("0.40"),
        max_digits=5,
        decimal_places=2,
    )
    length_mm = forms.DecimalField(
        label="Length (mm)",
        min_value=Decimal("0.3"),
        max_value=Decimal("75"),
        max_digits=5,
        decimal_places=2,
    )
    override_reason = forms.CharField(
        label="Reason for a thicker needle", max_length=500, required=False
    )


class ToggleForm(forms.Form):
    code = forms.CharField(max_length=12)
    side = forms.ChoiceField(choices=Side.choices)
    version = forms.IntegerField(min_value=0, max_value=2**31)


class ProtocolCopyForm(forms.Form):
    kind = forms.CharField(max_length=20)
    key = forms.SlugField(max_length=40)


class ProtocolForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    points = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One point per line: the code, then filiform or intradermal (e.g. ST2 filiform).",
    )

    def __init__(self, *args: Any, known_codes: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_codes = known_codes

    @classmethod
    def initial_for(cls, protocol: Protocol) -> dict[str, Any]:
        return {
            "version": protocol.version,
            "name": protocol.name,
            "description": protocol.description,
            "points": format_protocol_points(protocol.points),
        }

    def clean_points(self) -> list[dict[str, str]]:
        try:
            return parse_protocol_points(
                self.cleaned_data["points"],
                known_codes=self.known_codes,
                needle_types=set(NeedleType.values),
            )
        except ProtocolTextError as error:
            raise forms.ValidationError(error.problems) from error
