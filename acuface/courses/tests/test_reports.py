from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User
from acuface.courses import outcomes, reports
from acuface.courses.tests.helpers import course_with_progress
from acuface.photos.tests.factories import give_photo_consent
from tests.factories import ClientFactory
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_summary_pdf_says_in_plain_words_what_changed(
    client_a: Client, practitioner_a: User
) -> None:
    course = course_with_progress(
        client=client_a, practitioner=practitioner_a, done=6, photos=False
    )
    pdf = reports.summary_pdf(course=course, actor=practitioner_a)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Your facial acupuncture course at Clinic A" in text
    assert "You have had 6 of 10 sessions, with 4 still to come." in text
    assert "Your prepaid package has 4 of 10 sessions left." in text
    assert "Forehead: softer (from 3 to 1" in text
    assert "Session 6: satisfaction 7 out of 10; complexion better" in text
    assert "bruising, not yet cleared" in text.lower() or "bruising, which cleared" in text.lower()
    assert "Photos are not included: you have not given consent to photographs." in text
    assert AuditEvent.objects.filter(action="exported", object_type="courses.course").count() == 1


def test_summary_shows_photos_only_with_consent(
    client_a: Client, practitioner_a: User, as_practitioner_a: HttpClient
) -> None:
    course = course_with_progress(client=client_a, practitioner=practitioner_a, done=2)
    url = reverse("courses:course-summary", args=[course.pk])
    page = as_practitioner_a.get(url).content.decode()
    assert "not given consent to photographs" in page and "photo-image" not in page
    give_photo_consent(client_a)
    page = as_practitioner_a.get(url).content.decode()
    first, latest = outcomes.analysed_photos(client=client_a)
    assert reverse("photos:photo-aligned-image", args=[first.pk, latest.pk]) in page
    detail = as_practitioner_a.get(
        reverse("courses:course-detail", args=[course.pk])
    ).content.decode()
    assert (
        'id="before-after"' in detail
        and reverse("photos:photo-compare", args=[first.pk, latest.pk]) in detail
    )
    pdf = as_practitioner_a.get(reverse("courses:course-summary-pdf", args=[course.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "First, 2 March 2026" in pdf_text(pdf.content)


def test_course_page_has_every_chart(
    client_a: Client, practitioner_a: User, as_practitioner_a: HttpClient
) -> None:
    course = course_with_progress(client=client_a, practitioner=practitioner_a, done=3)
    page = as_practitioner_a.get(
        reverse("courses:course-detail", args=[course.pk])
    ).content.decode()
    for key in ("grades", "wrinkles", "tone", "reported"):
        assert f'data-chart="{key}"' in page
    assert page.count('<svg class="outcome-chart"') == 4
    assert "Bruising" in page


def test_owner_overview_averages_change_with_spread(
    client_a: Client, practitioner_a: User, owner_a: User, as_owner_a: HttpClient
) -> None:
    course_with_progress(
        client=client_a, practitioner=practitioner_a, done=3, photos=False, adverse_at=None
    )
    other = ClientFactory(clinic=client_a.clinic)
    course_with_progress(client=other, practitioner=owner_a, done=1, photos=False, adverse_at=None)
    rows = outcomes.overview(clinic=client_a.clinic, after_sessions=3)
    forehead = next(r for r in rows if r["region"] == "Forehead")
    # forehead graded 3, 3, 2: change -1 for the one course with three done sessions.
    assert (forehead["mean"], forehead["spread"], forehead["clients"]) == (-1.0, 0.0, 1)
    page = as_owner_a.get(reverse("courses:overview") + "?after=3").content.decode()
    assert "-1.00" in page
    assert as_owner_a.get(reverse("courses:overview") + "?after=<x>").status_code == 200
