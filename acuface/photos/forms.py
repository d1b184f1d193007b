from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from acuface.photos.models import PhotoSource
from acuface.photos.uploads import max_bytes


class PhotoUploadForm(forms.Form):
    image = forms.FileField(
        label="Photo",
        allow_empty_file=False,
        help_text="A JPEG or PNG photo, face to the camera, in even light.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    taken_on = forms.DateField(
        label="Taken on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for today.",
    )
    source = forms.ChoiceField(
        choices=PhotoSource.choices,
        initial=PhotoSource.CLIENT_RECORD,
        required=False,
        widget=forms.HiddenInput,
    )
    next = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit = max_bytes() / 1e6
        self.fields["image"].help_text += f" At most {limit:.0f} MB."

    def clean_source(self) -> str:
        return str(self.cleaned_data.get("source") or PhotoSource.CLIENT_RECORD)

    def clean_taken_on(self) -> dt.date | None:
        taken_on: dt.date | None = self.cleaned_data.get("taken_on")
        if taken_on is not None:
            if taken_on > timezone.localdate():
                raise forms.ValidationError("A photo cannot be taken in the future.")
            if taken_on < dt.date(1990, 1, 1):
                raise forms.ValidationError("Enter the date the photo was taken.")
        return taken_on


class SessionPhotoForm(forms.Form):
    """A photo taken for a session's skin assessment, uploaded in place on the session page."""

    image = PhotoUploadForm.base_fields["image"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit = max_bytes() / 1e6
        self.fields[
            "image"
        ].help_text = (
            f"A JPEG or PNG photo, face to the camera, in even light. At most {limit:.0f} MB."
        )


class PointMoveForm(forms.Form):
    """A dragged point: which one, and where it now lies (photo pixels, x right, y down)."""

    code = forms.CharField(max_length=12)
    side = forms.ChoiceField(choices=[("right", "right"), ("left", "left"), ("midline", "midline")])
    x = forms.FloatField()
    y = forms.FloatField()
