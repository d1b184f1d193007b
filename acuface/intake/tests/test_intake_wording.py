"""What the intake pages say matches where the client and the link stand: a blank form is
not "all pages done", and a link just sent is waiting, not missing."""

from __future__ import annotations

from django.test import Client as HttpClient
from django.urls import reverse

from acuface.clients.models import Client
from acuface.intake import selectors
from acuface.intake.examples import healthy_answers
from acuface.intake.models import Intake
from acuface.intake.tests.factories import draft_intake


def review_of(intake: Intake) -> str:
    token = selectors.intake_link_token(intake)
    url = reverse("intake:intake-fill", kwargs={"token": token})
    total = len(selectors.schema_of(intake.questionnaire).sections)
    return HttpClient().get(f"{url}?section={total}").content.decode()


def test_a_blank_intake_is_not_all_pages_done(practitioner_a, client_a: Client) -> None:
    page = review_of(draft_intake(actor=practitioner_a, client=client_a))
    assert "All pages done" not in page
    assert "data-unfinished" in page and "?section=0" in page


def test_a_filled_intake_is_all_pages_done(practitioner_a, client_a: Client) -> None:
    intake = draft_intake(actor=practitioner_a, client=client_a, answers=healthy_answers())
    page = review_of(intake)
    assert "All pages done" in page and "data-unfinished" not in page


def test_a_link_just_sent_is_waiting_for_the_client(as_front_desk_a, client_a: Client) -> None:
    url = reverse("intake:intake-link-start", args=[client_a.pk])
    sent = as_front_desk_a.post(url, {"email": "zoe@example.com"}, follow=True)
    page = sent.content.decode()
    assert "Send the client a link" not in page
    assert "data-intake-waiting" in page and "zoe@example.com" in page
