from __future__ import annotations

from django import forms


class EraseForm(forms.Form):
    confirm_name = forms.CharField(max_length=220, label="Type the client's full name to confirm")
