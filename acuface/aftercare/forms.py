"""The client's check-in form (phone-first), and the staff forms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.files.base import ContentFile

from acuface.aftercare import rules
from acuface.atlas.models import Point
from acuface.photos.uploads import read_photo

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]
YES_NO_NOT_SURE = [*YES_NO, (rules.NOT_SURE, "Not sure")]
NONE_OF_THESE = "none"
MAKEUP = [
    ("yes", "Yes, I waited"),
    ("no", "No, I put it on sooner"),
    ("none", "I did not wear makeup"),
]
BRUISE_SIZES = [
    ("small", "Smaller than a fingernail"),
    ("coin", "About the size of a coin"),
    ("large", "Bigger than a coin"),
]
BRUISE_COLOURS = [
    ("red", "Red or purple"),
    ("dark", "Blue or black"),
    ("fading", "Green or yellow (fading)"),
]
SIDES = ("right", "left", "midline")
POINT_CODE = re.compile(r"[A-Za-z0-9-]{1,12}")
MAX_BRUISE_POINTS = 20


class OneChoiceRadioSelect(forms.RadioSelect):
    """Radio buttons with none ticked until the client taps one; a value posted twice is no choice.

    A browser sends one value for a radio group; several (a forged or replayed request) are
    passed on as a list, which is not one of the choices, so the field refuses it.
    """

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if len(values) > 1:
            return values
        return super().value_from_datadict(data, files, name)


def _symptom_value(value: str) -> bool | str:
    return {YES: True, NO: False}.get(value, rules.NOT_SURE)


def _symptom(name: str, label: str) -> forms.TypedChoiceField:
    not_sure = name in rules.NOT_SURE_ALLOWED
    ask = rules.ASK_AGAIN["symptom_not_sure" if not_sure else "symptom"]
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_NOT_SURE if not_sure else YES_NO,
        coerce=_symptom_value,
        widget=OneChoiceRadioSelect,
        error_messages={"required": ask, "invalid_choice": ask},
    )


def _signs(question: str, label: str) -> forms.MultipleChoiceField:
    ask = rules.ASK_AGAIN["signs"]
    return forms.MultipleChoiceField(
        label=label,
        choices=[*rules.catalogue()[question].items(), (NONE_OF_THESE, "None of these")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": ask, "invalid_choice": ask, "invalid_list": ask},
    )


class CheckInForm(forms.Form):
    """The client's check-in: every clinical question answered by the client, none pre-answered."""

    pain = forms.TypedChoiceField(
        label="Pain or tenderness where the needles were: 0 is none, 10 the worst you can imagine",
        choices=[(str(n), str(n)) for n in rules.PAIN_SCALE],
        coerce=int,
        widget=OneChoiceRadioSelect,
        error_messages={
            "required": rules.ASK_AGAIN["pain"],
            "invalid_choice": rules.ASK_AGAIN["pain"],
        },
    )
    bruising = _symptom("bruising", "Do you have a bruise?")
    bruise_points = forms.CharField(required=False, widget=forms.HiddenInput, max_length=400)
    bruise_size = forms.ChoiceField(
        label="How big is it?", choices=[("", "—"), *BRUISE_SIZES], required=False
    )
    bruise_colour = forms.ChoiceField(
        label="What colour is it?", choices=[("", "—"), *BRUISE_COLOURS], required=False
    )
    bleeding = _symptom("bleeding", "Any bleeding from a needle site since the session?")
    rash = _symptom("rash", "A rash on your face?")
    nausea = _symptom("nausea", "Feeling sick (nausea)?")
    dizziness = _symptom("dizziness", "Feeling dizzy?")
    allergy_signs = _signs("allergy_signs", "Any of these?")
    infection_signs = _signs("infection_signs", "At a needle site, any of these?")
    makeup_waited = forms.ChoiceField(
        label="Did you wait 4 hours before putting on makeup?",
        choices=MAKEUP,
        widget=OneChoiceRadioSelect,
        error_messages={
            "required": rules.ASK_AGAIN["makeup"],
            "invalid_choice": rules.ASK_AGAIN["makeup"],
        },
    )
    comments = forms.CharField(
        label="Anything else you want to tell us?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
    )
    photo = forms.FileField(
        label="A photo (optional)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def _clean_signs(self, question: str) -> list[str]:
        ticked: list[str] = self.cleaned_data.get(question) or []
        if NONE_OF_THESE in ticked and len(ticked) > 1:
            raise forms.ValidationError(rules.ASK_AGAIN["signs_and_none"])
        return [sign for sign in ticked if sign != NONE_OF_THESE]

    def clean_allergy_signs(self) -> list[str]:
        return self._clean_signs("allergy_signs")

    def clean_infection_signs(self) -> list[str]:
        return self._clean_signs("infection_signs")

    def clean_bruise_points(self) -> list[list[str]]:
        text = self.cleaned_data.get("bruise_points", "") or ""
        found: list[list[str]] = []
        for part in [p for p in text.split(",") if p.strip()]:
            code, _, side = part.strip().partition(":")
            if side not in SIDES or not POINT_CODE.fullmatch(code):
                raise forms.ValidationError("Tap the face chart again to mark where the bruise is.")
            if [code, side] not in found:
                found.append([code, side])
        if len(found) > MAX_BRUISE_POINTS:
            raise forms.ValidationError("Please mark at most 20 places.")
        known = set(
            Point.objects.filter(code__in=[c for c, _ in found], is_facial=True).values_list(
                "code", flat=True
            )
        )
        if any(code not in known for code, _ in found):
            raise forms.ValidationError("Tap the face chart again to mark where the bruise is.")
        return found

    def clean_photo(self) -> ContentFile[bytes] | None:
        """The same checks as every photo: real JPEG or PNG, size limits, all metadata removed."""
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        clean = read_photo(photo, size=photo.size)
        extension = "jpg" if clean.image_format == "jpeg" else "png"
        return ContentFile(clean.content, name=f"checkin.{extension}")

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        answers = {k: data[k] for k in ANSWER_FIELDS if k in self.fields}
        if data["bruising"] is True:
            answers.update(
                bruise_points=data["bruise_points"],
                bruise_size=data.get("bruise_size", ""),
                bruise_colour=data.get("bruise_colour", ""),
            )
        return answers


class ProblemReportForm(CheckInForm):
    """A problem reported from the sheet's link: the check-in's questions but the makeup one
    (it may come before the 4 hours are up)."""

    makeup_waited = None  # type: ignore[assignment]


ANSWER_FIELDS = (
    "pain",
    *rules.SYMPTOM_QUESTIONS,
    *rules.SIGN_QUESTIONS,
    "makeup_waited",
    "comments",
)
LABELS = {name: field.label for name, field in CheckInForm.base_fields.items()}
LABELS["bruise_points"] = "Where"


def answers_lines(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """(question, answer) lines for staff pages."""
    allergy = rules.catalogue()["allergy_signs"]
    infection = rules.catalogue()["infection_signs"]
    names = {
        "bruise_size": dict(BRUISE_SIZES),
        "bruise_colour": dict(BRUISE_COLOURS),
        "makeup_waited": dict(MAKEUP),
    }
    lines = []
    for key, value in answers.items():
        if key == "allergy_signs":
            shown = ", ".join(allergy.get(v, v) for v in value) or "none"
        elif key == "infection_signs":
            shown = ", ".join(infection.get(v, v) for v in value) or "none"
        elif key == "bruise_points":
            shown = ", ".join(f"{c} ({s})" for c, s in value) or "not marked"
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        elif value == rules.NOT_SURE:
            shown = "not sure"
        elif key in names:
            shown = names[key].get(value, value or "—")
        else:
            shown = str(value) if value not in ("", None) else "—"
        lines.append((str(LABELS.get(key, key)), shown))
    return lines


class AdverseEventForm(forms.Form):
    """An adverse event a client reports after the session (by phone, at the next visit)."""

    kind = forms.ChoiceField(label="What happened")
    grade = forms.ChoiceField(
        label="How bad", choices=[(grade, grade.capitalize()) for grade in rules.GRADES]
    )
    onset_at = forms.DateTimeField(
        label="When it began (clinic time)",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="What the client said",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )

    def __init__(self, *args: Any, began_at: dt.datetime, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *rules.kind_choices()]  # type: ignore[attr-defined]
        self.began_at, self.now = began_at, now

    def clean_onset_at(self) -> dt.datetime:
        onset: dt.datetime = self.cleaned_data["onset_at"]
        # Whole minutes on both sides: the field has no seconds, the session's times do.
        if onset < self.began_at.replace(second=0, microsecond=0):
            raise forms.ValidationError("That is before the session began.")
        if onset > self.now + dt.timedelta(minutes=5):
            raise forms.ValidationError("That is in the future.")
        return onset


class NoteForm(forms.Form):
    note = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000})
    )


class ReportPeriodForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end comes before the start.")
            elif end - start > dt.timedelta(days=3660):
                self.add_error("end", "Choose a period of at most ten years.")
        return data
