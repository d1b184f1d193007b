"""The skin assessment's photo is uploaded in place on the session page: the answer replaces
only the photo box (what was typed in the assessment stays), and the photo belongs to the
session."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from acuface.photos.models import Photo
from acuface.treatments import states
from acuface.treatments.tests.factories import consent, ready_client, session_in
from conftest import login


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 400), (200, 160, 140)).save(buffer, "JPEG")
    return SimpleUploadedFile("face.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def checked_in(clinic_a, practitioner_a):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    consent(client, "photos", practitioner_a)
    return session_in(states.CHECKED_IN, actor=practitioner_a, client=client)


def test_the_assessment_step_uploads_in_place(practitioner_a, checked_in):
    http = login(practitioner_a)
    page = http.get(reverse("treatments:session-detail", args=[checked_in.pk])).content.decode()
    box_url = reverse("photos:session-photo", args=[checked_in.pk])
    assert f'hx-post="{box_url}"' in page and 'hx-target="#session-photo"' in page
    assert reverse("photos:photo-upload", args=[checked_in.client.pk]) not in page
    answer = http.post(box_url, {"image": jpeg()}, HTTP_HX_REQUEST="true")
    body = answer.content.decode()
    assert answer.status_code == 200
    assert body.lstrip().startswith("<div") or 'id="session-photo"' in body
    assert "session-state" not in body  # only the box comes back: typed notes stay
    assert "data-photo-added" in body
    photo = Photo.objects.get()
    assert photo.session == checked_in and photo.client == checked_in.client
    assert photo.source == "skin_assessment"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg"),
        SimpleUploadedFile("x.svg", b"<svg onload=alert(1)>", content_type="image/svg+xml"),
        SimpleUploadedFile("empty.png", b"", content_type="image/png"),
    ],
)
def test_a_bad_file_is_refused_in_the_box(practitioner_a, checked_in, upload):
    box_url = reverse("photos:session-photo", args=[checked_in.pk])
    answer = login(practitioner_a).post(box_url, {"image": upload}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and b"field-error" in answer.content
    assert b"<svg onload" not in answer.content
    assert not Photo.objects.exists()


def test_without_photo_consent_the_box_says_so(clinic_a, practitioner_a):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.CHECKED_IN, actor=practitioner_a, client=client)
    box_url = reverse("photos:session-photo", args=[session.pk])
    answer = login(practitioner_a).post(box_url, {"image": jpeg()}, HTTP_HX_REQUEST="true")
    assert b"consent" in answer.content
    assert not Photo.objects.exists()
