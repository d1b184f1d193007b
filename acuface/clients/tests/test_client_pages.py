"""Registering and editing clients through the pages, including everything a person gets wrong."""

import uuid

import pytest
from django.test import Client as HttpClient

from acuface.clients.models import Client
from acuface.core.models import AuditEvent

VALID = {
    "first_name": "Amélie",
    "last_name": "Dubois",
    "date_of_birth": "1990-06-21",
    "phone": "+44 7700 900103",
    "email": "amelie@example.com",
    "preferred_language": "French",
}


def post_new(http: HttpClient, **changes: str):
    data = {**VALID, "form_token": str(uuid.uuid4()), **changes}
    return http.post("/clients/new/", data)


def test_register_a_client_writes_an_audit_event(as_front_desk_a: HttpClient) -> None:
    response = post_new(as_front_desk_a)
    client = Client.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/clients/{client.pk}/"
    event = AuditEvent.objects.get(action="created")
    assert event.client == client and event.changes["last_name"] == [None, "Dubois"]


def test_a_double_submitted_form_creates_one_client(as_front_desk_a: HttpClient) -> None:
    token = str(uuid.uuid4())
    first = post_new(as_front_desk_a, form_token=token)
    second = post_new(as_front_desk_a, form_token=token)
    assert Client.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_possible_duplicate_is_shown_before_saving(as_front_desk_a: HttpClient) -> None:
    post_new(as_front_desk_a)
    response = post_new(as_front_desk_a, first_name="AMELIE", phone="+44 7700 900999")
    body = response.content.decode()
    assert response.status_code == 200 and "Possible duplicate" in body
    assert 'value="+44 7700 900999"' in body  # what was typed is kept
    assert Client.objects.count() == 1
    confirmed = post_new(
        as_front_desk_a, first_name="AMELIE", phone="+44 7700 900999", confirm_not_duplicate="on"
    )
    assert confirmed.status_code == 302 and Client.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2023-02-30", "Enter a valid date"),
        ("date_of_birth", "1850-01-01", "before 1900"),
        ("date_of_birth", "2999-01-01", "in the future"),
        ("date_of_birth", "not a date", "Enter a valid date"),
        ("first_name", "x" * 101, "at most 100 characters"),
        ("first_name", "", "required"),
        ("email", "not-an-email", "valid email"),
        ("phone", "call me maybe", "digits"),
        ("notes", "n" * 5001, "at most 5000 characters"),
    ],
)
def test_bad_input_is_answered_beside_the_field_and_kept(
    as_practitioner_a: HttpClient, field: str, value: str, message: str
) -> None:
    response = post_new(as_practitioner_a, **{field: value})
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert Client.objects.count() == 0
    body = response.content.decode()
    assert 'value="Amélie"' in body or field == "first_name"


def test_html_in_fields_is_stored_and_shown_escaped(
    as_practitioner_a: HttpClient,
) -> None:
    post_new(as_practitioner_a, last_name="<script>alert('x')</script>", notes="<b>bold</b>")
    client = Client.objects.get()
    assert client.last_name == "<script>alert('x')</script>"
    page = as_practitioner_a.get(f"/clients/{client.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_stale_edit_is_refused_and_keeps_the_typing(
    as_practitioner_a: HttpClient, as_owner_a: HttpClient, client_a: Client
) -> None:
    form = {**VALID, "version": client_a.version, "first_name": "Zoë"}
    assert (
        as_owner_a.post(f"/clients/{client_a.pk}/edit/", {**form, "phone": "call me"}).status_code
        == 200
    )
    first = as_owner_a.post(f"/clients/{client_a.pk}/edit/", {**form, "phone": "+44 7700 111111"})
    assert first.status_code == 302
    stale = as_practitioner_a.post(
        f"/clients/{client_a.pk}/edit/", {**form, "email": "mine@example.com"}
    )
    assert stale.status_code == 200
    body = stale.content.decode()
    assert "Someone else saved this record" in body and 'value="mine@example.com"' in body
    client_a.refresh_from_db()
    assert client_a.phone == "+44 7700 111111" and client_a.email == "amelie@example.com"


def test_edit_audits_old_and_new_values(as_practitioner_a: HttpClient, client_a: Client) -> None:
    form = {
        "first_name": client_a.first_name,
        "last_name": client_a.last_name,
        "date_of_birth": client_a.date_of_birth.isoformat(),
        "email": "new@example.com",
        "phone": client_a.phone,
        "preferred_language": client_a.preferred_language,
        "version": client_a.version,
    }
    as_practitioner_a.post(f"/clients/{client_a.pk}/edit/", form)
    event = AuditEvent.objects.get(action="updated")
    assert event.changes == {"email": ["zoe@example.com", "new@example.com"]}
    client_a.refresh_from_db()
    assert client_a.version == 2
    assert client_a.search_tokens_set.filter(token="new").exists()


def test_front_desk_sees_contact_details_but_not_notes(
    as_front_desk_a: HttpClient, client_a: Client
) -> None:
    client_a.notes = "Prefers the left side; anxious about needles."
    client_a.save()
    page = as_front_desk_a.get(f"/clients/{client_a.pk}/").content.decode()
    assert client_a.phone in page and "anxious about needles" not in page
    edit = as_front_desk_a.get(f"/clients/{client_a.pk}/edit/").content.decode()
    assert 'name="notes"' not in edit


def test_every_view_of_a_record_is_logged(as_front_desk_a: HttpClient, client_a: Client) -> None:
    as_front_desk_a.get(f"/clients/{client_a.pk}/")
    as_front_desk_a.get(f"/clients/{client_a.pk}/")
    assert AuditEvent.objects.filter(action="viewed", client=client_a).count() == 2


def test_archive_and_restore_never_delete(as_practitioner_a: HttpClient, client_a: Client) -> None:
    as_practitioner_a.post(f"/clients/{client_a.pk}/archive/", {"archived": "1"})
    client_a.refresh_from_db()
    assert client_a.is_archived
    assert client_a not in as_practitioner_a.get("/clients/").context["clients"]
    as_practitioner_a.post(f"/clients/{client_a.pk}/archive/", {"archived": "0"})
    client_a.refresh_from_db()
    assert not client_a.is_archived
    actions = list(AuditEvent.objects.filter(client=client_a).values_list("action", flat=True))
    assert "archived" in actions and "restored" in actions
