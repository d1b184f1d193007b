from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django import forms
from django.utils import timezone

from acuface.clients.models import EARLIEST_BIRTH, Client, ConsentKind

_PHONE = re.compile(r"^[0-9+()\-.\s]{5,40}$")


class ClientForm(forms.ModelForm[Client]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    confirm_not_duplicate = forms.BooleanField(
        required=False, label="This is a different person with the same name and date of birth"
    )

    class Meta:
        model = Client
        fields = (
            "first_name",
            "last_name",
            "date_of_birth",
            "pronouns",
            "phone",
            "email",
            "address",
            "emergency_contact_name",
            "emergency_contact_phone",
            "preferred_language",
            "notes",
        )
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args: Any, show_notes: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_notes:
            del self.fields["notes"]
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4())
            if self.instance.pk:
                self.initial["version"] = self.instance.version
        for name in ("first_name", "last_name"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def clean_first_name(self) -> str:
        return " ".join(self.cleaned_data["first_name"].split())

    def clean_last_name(self) -> str:
        return " ".join(self.cleaned_data["last_name"].split())

    def clean_date_of_birth(self) -> dt.date:
        born: dt.date = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("The date of birth is in the future.")
        if born < EARLIEST_BIRTH:
            raise forms.ValidationError("The date of birth is before 1900: please check the year.")
        return born

    def _clean_phone(self, name: str) -> str:
        value: str = self.cleaned_data.get(name, "").strip()
        if value and not _PHONE.match(value):
            raise forms.ValidationError(
                "Use digits, spaces and + ( ) - only, for example +44 20 7946 0000."
            )
        return value

    def clean_phone(self) -> str:
        return self._clean_phone("phone")

    def clean_emergency_contact_phone(self) -> str:
        return self._clean_phone("emergency_contact_phone")

    def client_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields or ()
            if name in self.cleaned_data
        }


class ClientSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    archived = forms.BooleanField(required=False, label="Archived clients")


class ConsentSignForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices, widget=forms.HiddenInput)
    signature = forms.CharField(
        max_length=200, label="Client's full name, typed as signature", min_length=2
    )
    confirmed = forms.BooleanField(
        label="The client has read this text and agrees to it", required=True
    )
