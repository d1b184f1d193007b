from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from acuface.core.models import (
    Role,
    User,
    validate_emergency_number,
    validate_no_control_characters,
    validate_phone,
)


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autofocus": True})
    )


class StaffInviteForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=Role.choices)


class AuditFilterForm(forms.Form):
    client = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    actor = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Staff")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, clinic: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, forms.ModelChoiceField)
        actor_field.queryset = User.objects.filter(clinic=clinic)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return cleaned


class ClinicContactForm(forms.Form):
    """How clients reach the clinic; printed on the aftercare sheet, check-ins and e-mails."""

    phone = forms.CharField(
        max_length=40,
        validators=[validate_phone],
        help_text="Printed wherever a client is told to call the clinic. "
        "Aftercare sheets cannot be issued without it.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    emergency_number = forms.CharField(
        label="Local emergency number",
        max_length=12,
        help_text="The number clients dial for an ambulance where the clinic is: "
        "999 in the UK, 112 in the EU, 911 in the US, 000 in Australia. "
        "The advice for allergy signs gives it.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    email = forms.EmailField(label="Contact e-mail", max_length=254, required=False)
    address = forms.CharField(
        max_length=400,
        required=False,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_phone(self) -> str:
        return " ".join(str(self.cleaned_data["phone"]).split())

    def clean_emergency_number(self) -> str:
        number = "".join(str(self.cleaned_data["emergency_number"]).split())  # "1 1 2" is 112
        validate_emergency_number(number)
        return number
