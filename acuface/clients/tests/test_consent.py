import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from acuface.clients import selectors, services
from acuface.clients.models import Client, Consent, ConsentText
from acuface.core.models import AuditEvent


def test_consent_states(client_a: Client, practitioner_a) -> None:
    status = selectors.consent_status(client=client_a)
    assert {s.state for s in status.values()} == {"missing"}
    texts = selectors.consent_texts_current()
    consent = services.consent_sign(
        client=client_a, text=texts["photos"], signature="Zoë O'Brien", actor=practitioner_a
    )
    assert selectors.client_has_consent(client=client_a, kind="photos")
    services.consent_withdraw(actor=practitioner_a, consent=consent)
    assert selectors.consent_status(client=client_a)["photos"].state == "withdrawn"
    assert not selectors.client_has_consent(client=client_a, kind="photos")


def test_a_new_text_version_asks_for_new_consent(client_a: Client) -> None:
    old = selectors.consent_texts_current()["treatment"]
    services.consent_sign(client=client_a, text=old, signature="Zoë O'Brien")
    assert selectors.consent_status(client=client_a)["treatment"].state == "given"
    ConsentText.objects.create(
        kind="treatment",
        version=2,
        title="Treatment v2",
        body="New wording",
        published_on=dt.date(2026, 12, 1),
    )
    assert selectors.consent_status(client=client_a)["treatment"].state == "outdated"


@pytest.mark.parametrize("signature", ["", " ", "x"])
def test_a_signature_needs_a_typed_name(client_a: Client, signature: str) -> None:
    text = selectors.consent_texts_current()["treatment"]
    with pytest.raises(ValidationError):
        services.consent_sign(client=client_a, text=text, signature=signature)


def test_sign_and_withdraw_through_the_pages(as_front_desk_a: HttpClient, client_a: Client) -> None:
    page = as_front_desk_a.get(f"/clients/{client_a.pk}/consents/photos/sign/")
    assert "Consent to clinical photographs" in page.content.decode()
    refused = as_front_desk_a.post(
        f"/clients/{client_a.pk}/consents/photos/sign/",
        {"kind": "photos", "signature": "Zoë O'Brien"},
    )
    assert refused.status_code == 200 and 'value="Zoë O&#x27;Brien"' in refused.content.decode()
    signed = as_front_desk_a.post(
        f"/clients/{client_a.pk}/consents/photos/sign/",
        {"kind": "photos", "signature": "Zoë O'Brien", "confirmed": "on"},
    )
    assert signed.status_code == 302
    consent = Consent.objects.get()
    as_front_desk_a.post(f"/clients/{client_a.pk}/consents/{consent.pk}/withdraw/")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"signed", "withdrawn"}


def test_unknown_consent_kind_is_a_message_not_an_error(as_front_desk_a, client_a) -> None:
    response = as_front_desk_a.get(f"/clients/{client_a.pk}/consents/nonsense/sign/", follow=True)
    assert (
        response.status_code == 200 and "no consent text of that kind" in response.content.decode()
    )


def test_withdrawing_another_clients_consent_is_404(as_front_desk_a, client_a, clinic_a) -> None:
    from tests.factories import ClientFactory, ConsentFactory

    other = ConsentFactory(client=ClientFactory(clinic=clinic_a))
    response = as_front_desk_a.post(f"/clients/{client_a.pk}/consents/{other.pk}/withdraw/")
    assert response.status_code == 404
