"""The client's link: opens only that intake; expired, used and altered links get a plain page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User
from acuface.intake import selectors, services
from acuface.intake.examples import healthy_answers
from acuface.intake.models import Intake
from acuface.intake.tests.factories import draft_intake, submitted_intake

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def url_of(intake: Intake) -> str:
    return reverse("intake:intake-fill", kwargs={"token": selectors.intake_link_token(intake)})


def page_post(http: HttpClient, url: str, section: int, action: str = "next", **data: Any) -> Any:
    return http.post(url, {"section": section, "action": action, **data})


def test_the_view_is_marked_public() -> None:
    from acuface.intake.views import intake_fill

    assert intake_fill.public_link is True  # type: ignore[attr-defined]


def test_a_fresh_link_opens_the_first_page(practitioner_a: User, client_a: Client) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a)
    response = HttpClient().get(url_of(intake))
    assert response.status_code == 200
    assert b"Your health in general" in response.content
    assert b"Page 1 of" in response.content


def test_expired_link(practitioner_a: User, client_a: Client) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC), tick=False):
        intake = draft_intake(actor=practitioner_a, client=client_a)
    with time_machine.travel(dt.datetime(2026, 11, 8, 9, 0, 1, tzinfo=dt.UTC), tick=False):
        response = HttpClient().get(url_of(intake))
    assert response.status_code == 410
    assert b"This link has expired" in response.content
    assert b"ask" in response.content and b"Clinic A" in response.content
    with time_machine.travel(dt.datetime(2026, 11, 8, 8, 59, tzinfo=dt.UTC), tick=False):
        assert HttpClient().get(url_of(intake)).status_code == 200  # 7 days is 7 days


@override_settings(INTAKE_LINK_DAYS=2)
def test_link_days_come_from_settings(practitioner_a: User, client_a: Client) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC), tick=False):
        intake = draft_intake(actor=practitioner_a, client=client_a)
    assert intake.link_expires_at == dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC)


def test_used_link_says_thank_you_and_cannot_change_answers(
    practitioner_a: User, client_a: Client
) -> None:
    intake = submitted_intake(actor=practitioner_a, client=client_a)
    url = url_of(intake)
    http = HttpClient()
    response = http.get(url)
    assert response.status_code == 200 and b"Thank you" in response.content
    before = dict(Intake.objects.get(pk=intake.pk).answers)
    response = page_post(http, url, 0, general_health="poor", unwell_now="yes")
    assert b"Thank you" in response.content or response.status_code == 200
    assert Intake.objects.get(pk=intake.pk).answers == before


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature altered
        lambda t: "9" + t,  # id altered
        lambda t: t.split(":")[0],  # signature cut off
        lambda t: "garbage",
        lambda t: "<script>alert(1)</script>",
        lambda t: "x" * 3000,
    ],
)
def test_tampered_link(practitioner_a: User, client_a: Client, mangle: Any) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a)
    token = mangle(selectors.intake_link_token(intake))
    response = HttpClient().get(f"/intake/link/{token}/")
    assert response.status_code == 404
    assert b"This link does not work" in response.content
    assert b"<script>alert(1)" not in response.content


def test_a_link_opens_only_its_own_intake(
    practitioner_a: User, client_a: Client, clinic_a: Any
) -> None:
    from tests.factories import ClientFactory

    other = ClientFactory(clinic=clinic_a)
    mine = draft_intake(actor=practitioner_a, client=client_a)
    theirs = draft_intake(actor=practitioner_a, client=other)
    # Swap the nonce of another intake into my signed id: the signature no longer matches.
    signer_value = f"{mine.pk}.{theirs.link_nonce}"
    response = HttpClient().get(f"/intake/link/{signer_value}/")
    assert response.status_code == 404
    # A new link after a renewal keeps working for the same draft, not for anyone else's.
    assert selectors.intake_from_link(selectors.intake_link_token(mine)).intake == mine


def test_fill_in_page_by_page_resume_and_submit(practitioner_a: User, client_a: Client) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a)
    url = url_of(intake)
    http = HttpClient()
    response = page_post(http, url, 0, general_health="good", unwell_now="no")
    assert response.status_code == 302 and response["Location"].endswith("?section=1")
    # A new browser (closed tab, new phone) resumes where the client left off.
    response = HttpClient().get(url)
    assert b"Health conditions" in response.content
    # Going back shows what was saved.
    response = HttpClient().get(url + "?section=0")
    assert b'value="good" checked' in response.content
    # The rest of the answers (set directly), then the summary and submit.
    stored = Intake.objects.get(pk=intake.pk)
    stored.answers = {**healthy_answers(), **stored.answers}
    stored.save(update_fields=["answers"])
    total = len(selectors.schema_of(stored.questionnaire).sections)
    response = http.get(url + f"?section={total}")
    assert b"Check and send" in response.content
    response = http.post(url, {"action": "submit"})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.is_submitted and stored.valid_until is not None
    assert AuditEvent.objects.filter(action="submitted", object_id=str(stored.pk)).exists()
    assert b"Thank you" in http.get(url).content


def test_errors_are_shown_beside_the_field_and_nothing_typed_is_lost(
    practitioner_a: User, client_a: Client
) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a)
    url = url_of(intake)
    lifestyle = selectors.schema_of(intake.questionnaire).section_index("lifestyle")
    response = page_post(
        HttpClient(),
        url,
        lifestyle,
        sleep_hours="25",
        stress="4",
        sun="some",
        smoking="never",
        water_glasses="lots",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please enter a number from 0 to 16." in body
    assert "Please enter a number, for example" in body
    assert 'value="25"' in body and 'value="lots"' in body  # kept as typed
    stored = Intake.objects.get(pk=intake.pk)
    assert stored.answers["stress"] == 4 and stored.answers["sun"] == "some"  # valid ones saved
    assert stored.section_index == 0  # did not move on


def test_submit_with_missing_answers_goes_to_the_first_page_with_errors(
    practitioner_a: User, client_a: Client
) -> None:
    answers = healthy_answers()
    del answers["sleep_hours"]
    intake = draft_intake(actor=practitioner_a, client=client_a, answers=answers)
    response = HttpClient().post(url_of(intake), {"action": "submit"})
    assert response.status_code == 200
    assert b"Daily life" in response.content
    assert b"Please answer this question." in response.content
    assert not Intake.objects.get(pk=intake.pk).is_submitted


def test_autosave_keeps_a_half_filled_page(practitioner_a: User, client_a: Client) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a)
    response = page_post(HttpClient(), url_of(intake), 0, action="autosave", general_health="fair")
    assert response.status_code == 204
    stored = Intake.objects.get(pk=intake.pk)
    assert stored.answers == {"general_health": "fair"} and stored.section_index == 0


def test_hostile_free_text_is_stored_and_shown_escaped(
    practitioner_a: User, client_a: Client, as_practitioner_a: HttpClient
) -> None:
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    intake = draft_intake(actor=practitioner_a, client=client_a)
    url = url_of(intake)
    page_post(HttpClient(), url, 0, general_health="good", unwell_now="no", other_health_notes=evil)
    stored = Intake.objects.get(pk=intake.pk)
    assert stored.answers["other_health_notes"] == evil
    page = HttpClient().get(url + "?section=0").content.decode()
    assert evil not in page and "&lt;script&gt;" in page
    stored.answers = {**healthy_answers(), **stored.answers}
    stored.save(update_fields=["answers"])
    services.intake_submit(intake=stored)
    review = as_practitioner_a.get(reverse("intake:intake-review", args=[stored.pk]))
    text = review.content.decode()
    assert evil not in text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text


@pytest.mark.parametrize("section", ["-1", "99", "abc", ""])
def test_malformed_page_numbers_do_not_crash(
    practitioner_a: User, client_a: Client, section: str
) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a)
    url = url_of(intake)
    assert HttpClient().get(f"{url}?section={section}").status_code == 200
    assert HttpClient().post(url, {"section": section, "action": "next"}).status_code == 302


@override_settings(INTAKE_RATE_LIMIT=5)
def test_requests_are_rate_limited_in_the_shared_cache(
    practitioner_a: User, client_a: Client
) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a)
    http = HttpClient()
    statuses = [http.get(url_of(intake)).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    assert b"Please wait" in http.get(url_of(intake)).content
    cache.clear()
    assert http.get(url_of(intake)).status_code == 200


def test_staff_send_the_link_by_email(as_front_desk_a: HttpClient, client_a: Client) -> None:
    response = as_front_desk_a.post(
        reverse("intake:intake-link-start", args=[client_a.pk]), {"email": "zoe@example.com"}
    )
    assert response.status_code == 302
    intake = Intake.objects.get(client=client_a)
    (message,) = mail.outbox
    assert message.to == ["zoe@example.com"]
    assert url_of(intake) in message.body
    assert intake.link_sent_to == "zoe@example.com"
    # Sending again renews the same draft instead of starting another.
    as_front_desk_a.post(reverse("intake:intake-link-start", args=[client_a.pk]), {"email": ""})
    assert Intake.objects.filter(client=client_a).count() == 1
    page = as_front_desk_a.get(reverse("intake:client-intake", args=[client_a.pk]))
    assert page.status_code == 200 and b"QR code" in page.content
    qr = as_front_desk_a.get(reverse("intake:intake-qr", args=[intake.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_after_submitting_a_new_intake_is_started_not_the_old_one_changed(
    practitioner_a: User, client_a: Client
) -> None:
    first = submitted_intake(actor=practitioner_a, client=client_a)
    second = services.intake_start(actor=practitioner_a, client=client_a)
    assert second.pk != first.pk and second.status == "draft"


def test_overlong_text_is_refused_beside_the_field_and_kept(
    practitioner_a: User, client_a: Client
) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a)
    text = "a" * 5000
    response = page_post(
        HttpClient(),
        url_of(intake),
        0,
        general_health="good",
        unwell_now="no",
        other_health_notes=text,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please keep this under 2000 characters (it has 5000)." in body
    assert text in body
    stored = Intake.objects.get(pk=intake.pk)
    assert "other_health_notes" not in stored.answers and stored.answers["general_health"] == "good"


def test_answers_to_questions_of_another_page_are_ignored(
    practitioner_a: User, client_a: Client
) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a)
    page_post(
        HttpClient(),
        url_of(intake),
        0,
        general_health="good",
        unwell_now="no",
        anticoagulant="yes",
        needle_fear="10",
    )
    assert Intake.objects.get(pk=intake.pk).answers == {
        "general_health": "good",
        "unwell_now": False,
    }


def test_a_failing_mail_server_gives_a_message_not_an_error_page(
    as_front_desk_a: HttpClient, client_a: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smtplib

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPConnectError(421, "try later")

    monkeypatch.setattr("acuface.intake.services.send_mail", refuse)
    url = reverse("intake:intake-link-start", args=[client_a.pk])
    response = as_front_desk_a.post(url, {"email": "zoe@example.com"}, follow=True)
    assert response.status_code == 200
    assert b"could not be sent just now" in response.content
    assert Intake.objects.get(client=client_a).link_sent_at is None
