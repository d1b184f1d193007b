"""The clinic's contact settings: the owner sets them, bad input is refused beside its field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from acuface.core import services
from acuface.core.forms import ClinicContactForm
from acuface.core.models import AuditEvent, Clinic, User, validate_phone

URL = "/clinic/"
GOOD = {
    "phone": "+44 (0)20 7946-0000",
    "emergency_number": "999",
    "email": "Hello@Lotus.example",
    "address": "12 Long Lane\r\nLondon  EC1A 9HP",
}


def test_the_page_is_named():
    assert reverse("core:clinic-settings") == URL


def test_the_owner_sets_the_contact_details_and_it_is_audited(
    as_owner_a: HttpClient, clinic_a: Clinic
) -> None:
    response = as_owner_a.post(URL, GOOD)
    assert response.status_code == 302
    clinic_a.refresh_from_db()
    assert clinic_a.phone == "+44 (0)20 7946-0000"
    assert clinic_a.emergency_number == "999"
    assert clinic_a.email == "hello@lotus.example"
    assert clinic_a.address == "12 Long Lane\nLondon EC1A 9HP"
    event = AuditEvent.objects.get(object_type="core.clinic", action="updated")
    assert event.changes["phone"] == ["+44 20 7946 0000", "+44 (0)20 7946-0000"]
    assert "emergency_number" not in event.changes  # unchanged: 999 before and after
    assert event.changes["address"] == ["", "12 Long Lane\nLondon EC1A 9HP"]
    page = as_owner_a.get(URL).content.decode()
    assert 'value="+44 (0)20 7946-0000"' in page


def test_only_the_owner_opens_the_settings(
    as_practitioner_a: HttpClient, as_front_desk_a: HttpClient, practitioner_b: User
) -> None:
    assert HttpClient().get(URL).status_code == 302
    assert as_practitioner_a.get(URL).status_code == 404
    assert as_front_desk_a.post(URL, GOOD).status_code == 404


def test_each_clinic_edits_only_its_own(
    as_owner_a: HttpClient, clinic_a: Clinic, clinic_b: Clinic
) -> None:
    before = clinic_b.phone
    as_owner_a.post(URL, {**GOOD, "phone": "+1 212 555 0100"})
    clinic_b.refresh_from_db()
    assert clinic_b.phone == before


def test_the_service_refuses_anyone_but_this_clinics_owner(
    practitioner_a: User, owner_a: User, clinic_b: Clinic
) -> None:
    with pytest.raises(ValidationError):
        services.clinic_contact_update(actor=practitioner_a, clinic=practitioner_a.clinic, **GOOD)
    with pytest.raises(ValidationError):
        services.clinic_contact_update(actor=owner_a, clinic=clinic_b, **GOOD)


HOSTILE = [
    ("phone", "", "This field is required"),
    ("phone", "+44 20 7946 0000\nBcc: all@example.com", "as clients dial it"),
    ("phone", "<script>alert(1)</script>", "as clients dial it"),
    ("phone", "call us", "as clients dial it"),
    ("phone", "12345", "as clients dial it"),  # too short to be a clinic's number
    ("phone", "١٢٣٤٥٦٧٨٩٠", "as clients dial it"),  # Arabic-Indic digits are not dialled
    ("phone", "+" + "1" * 39, "as clients dial it"),
    ("phone", "1" * 41, "at most 40 characters"),
    ("emergency_number", "", "This field is required"),
    ("emergency_number", "9", "2 to 6 digits"),
    ("emergency_number", "99a", "2 to 6 digits"),
    ("emergency_number", "+999", "2 to 6 digits"),
    ("emergency_number", "<b>", "2 to 6 digits"),
    ("emergency_number", "\uff11\uff11\uff12", "2 to 6 digits"),  # full-width 112
    ("emergency_number", "1234567", "2 to 6 digits"),
    ("emergency_number", "1" * 13, "at most 12 characters"),
    ("email", "not an address", "valid email"),
    ("email", "a@b.example\r\nBcc: x@y.example", "valid email"),
    ("address", "x" * 401, "at most 400 characters"),
    ("address", "12 Long Lane\x00", "Null characters are not allowed"),
    ("address", "12 Long Lane\x1b[31m", "control characters"),
]


@pytest.mark.parametrize(("field", "value", "message"), HOSTILE)
def test_bad_input_is_refused_beside_its_field_and_kept(
    as_owner_a: HttpClient, clinic_a: Clinic, field: str, value: str, message: str
) -> None:
    before = Clinic.objects.values().get(pk=clinic_a.pk)
    response = as_owner_a.post(URL, {**GOOD, field: value})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    # What was typed elsewhere stays on the form.
    assert 'value="999"' in response.content.decode() or field == "emergency_number"
    assert Clinic.objects.values().get(pk=clinic_a.pk) == before


def test_html_in_the_address_is_stored_as_typed_and_shown_escaped(
    as_owner_a: HttpClient, clinic_a: Clinic
) -> None:
    typed = "<img src=x onerror=alert(1)> Lane"
    as_owner_a.post(URL, {**GOOD, "address": typed})
    clinic_a.refresh_from_db()
    assert clinic_a.address == typed
    page = as_owner_a.get(URL).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; Lane" in page


def test_spaces_in_the_emergency_number_are_dropped(owner_a: User, clinic_a: Clinic) -> None:
    form = ClinicContactForm({**GOOD, "emergency_number": " 1 1 2 "})
    assert form.is_valid(), form.errors
    services.clinic_contact_update(actor=owner_a, clinic=clinic_a, **form.cleaned_data)
    clinic_a.refresh_from_db()
    assert clinic_a.emergency_number == "112"


def test_the_service_checks_what_a_command_or_the_admin_would_send(
    owner_a: User, clinic_a: Clinic
) -> None:
    with pytest.raises(ValidationError) as problem:
        services.clinic_contact_update(actor=owner_a, clinic=clinic_a, **{**GOOD, "phone": "x"})
    assert "phone" in problem.value.message_dict


@given(st.text(max_size=60))
def test_an_accepted_phone_number_is_only_what_a_phone_dials(text: str) -> None:
    try:
        validate_phone(text)
    except ValidationError:
        return
    assert set(text) <= set("+0123456789 ().-")
    assert "+" not in text[1:]
    assert 6 <= sum(c.isdigit() for c in text) <= 17
