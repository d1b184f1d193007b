from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from acuface.core.models import Clinic, User
from acuface.courses import rules, selectors
from acuface.courses.models import Complexion, OutcomeResponse


def local_datetime(day: dt.date, time: dt.time, clinic: Clinic) -> dt.datetime | None:
    """The aware datetime of a clinic-local date and time; None if the clocks skip it."""
    value = dt.datetime.combine(day, time, tzinfo=clinic.zone)
    round_trip = value.astimezone(dt.UTC).astimezone(clinic.zone)
    if round_trip.replace(tzinfo=None) != value.replace(tzinfo=None):
        return None
    return value


class SlotForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
    )
    practitioner = forms.ModelChoiceField(queryset=User.objects.none())

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        field = self.fields["practitioner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.practitioners(clinic=clinic)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("time") is not None:
            at = local_datetime(data["date"], data["time"], self.clinic)
            if at is None:
                self.add_error("time", "That time does not exist on that day (the clocks change).")
            data["starts_at"] = at
        return data


class RescheduleForm(SlotForm):
    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, clinic=clinic, **kwargs)
        del self.fields["practitioner"]


class CourseForm(SlotForm):
    sessions_planned = forms.IntegerField(
        min_value=1, max_value=30, initial=rules.DEFAULT_SESSIONS, label="Sessions in the course"
    )
    per_week = forms.TypedChoiceField(
        choices=[(1, "Once a week"), (2, "Twice a week"), (3, "Three times a week")],
        coerce=int,
        initial=rules.DEFAULT_PER_WEEK,
        label="Cadence",
    )
    session_minutes = forms.IntegerField(
        min_value=15,
        max_value=180,
        initial=rules.DEFAULT_SESSION_MINUTES,
        label="Minutes per session",
    )
    maintenance_every_weeks = forms.IntegerField(
        min_value=1,
        max_value=26,
        initial=rules.DEFAULT_MAINTENANCE_WEEKS,
        label="Maintenance every (weeks)",
    )
    prepaid_sessions = forms.IntegerField(
        min_value=0, max_value=60, initial=0, label="Prepaid sessions (package)"
    )

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, clinic=clinic, **kwargs)
        self.fields["date"].label = "First session on"
        self.fields["time"].label = "At"


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        label="Why is the visit cancelled?",
        help_text="For example: the client called to cancel; the practitioner is ill.",
    )


class OutcomeForm(forms.ModelForm[OutcomeResponse]):
    satisfaction = forms.IntegerField(
        min_value=0, max_value=10, label="How satisfied are you with the treatment so far? (0-10)"
    )
    complexion = forms.ChoiceField(
        choices=Complexion.choices, widget=forms.RadioSelect, label="Your complexion is"
    )
    jaw_tension = forms.IntegerField(
        min_value=0, max_value=10, label="Jaw tension today (0 none to 10 worst)"
    )
    looks_rested = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Do you look more rested?",
    )
    would_recommend = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Would you recommend it to a friend?",
    )

    class Meta:
        model = OutcomeResponse
        fields = (
            "answered_on",
            "satisfaction",
            "complexion",
            "jaw_tension",
            "looks_rested",
            "would_recommend",
            "comment",
        )
        widgets = {"answered_on": forms.DateInput(attrs={"type": "date"})}


class OpeningHoursForm(forms.Form):
    """One opening per weekday; both times empty means closed that day."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in enumerate(rules.WEEKDAYS):
            widget = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
            self.fields[f"opens_{day}"] = forms.TimeField(
                required=False, label=f"{name} opens", widget=widget
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                required=False, label=f"{name} closes", widget=widget
            )

    @staticmethod
    def initial_from(hours: list[tuple[int, dt.time, dt.time]]) -> dict[str, dt.time]:
        initial: dict[str, dt.time] = {}
        for day, opens, closes in hours:
            initial.setdefault(f"opens_{day}", opens)
            initial.setdefault(f"closes_{day}", closes)
        return initial

    def hours(self) -> list[tuple[int, dt.time, dt.time]]:
        found = []
        for day in range(7):
            opens, closes = (
                self.cleaned_data.get(f"opens_{day}"),
                self.cleaned_data.get(f"closes_{day}"),
            )
            if opens is not None and closes is not None:
                found.append((day, opens, closes))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in range(7):
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if (
                (opens is None) != (closes is None)
                and not self.has_error(f"opens_{day}")
                and not self.has_error(f"closes_{day}")
            ):
                self.add_error(f"closes_{day}", "Give both times, or neither for a closed day.")
            elif opens is not None and closes is not None and closes <= opens:
                self.add_error(f"closes_{day}", "Closing must be after opening.")
        return data
