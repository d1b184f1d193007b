"""Uploading through the page: consent, safety checks with clear messages, access, serving."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from PIL import Image

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, Clinic
from acuface.photos.models import Photo
from acuface.photos.tests.factories import give_photo_consent, jpeg_bytes, make_photo
from acuface.photos.tests.test_uploads import jpeg_with_gps, png_claiming
from tests.factories import ClientFactory


@pytest.fixture(autouse=True)
def no_analysis(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Uploads here test the upload; the queued analysis is recorded, not run."""
    queued: list[int] = []
    monkeypatch.setattr(
        "acuface.photos.tasks.analyse_photo_task", SimpleNamespace(enqueue=queued.append)
    )
    return queued


def upload_url(client: Client) -> str:
    return reverse("photos:photo-upload", kwargs={"client_id": client.pk})


def post_file(
    http: HttpClient, client: Client, data: bytes, name: str = "face.jpg", **extra: Any
) -> Any:
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    return http.post(upload_url(client), {"image": upload, "source": "client_record", **extra})


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_a_practitioner_uploads_a_photo(
    as_practitioner_a: HttpClient,
    client_a: Client,
    media_root: Path,
    no_analysis: list[int],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    give_photo_consent(client_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(as_practitioner_a, client_a, jpeg_bytes(), taken_on="2026-01-10")
    photo = Photo.objects.get(client=client_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("photos:photo-detail", kwargs={"photo_id": photo.pk})
    assert (photo.width, photo.height, photo.image_format) == (400, 500, "jpeg")
    assert str(photo.taken_on) == "2026-01-10"
    assert no_analysis == [photo.pk]  # the analysis was queued once the row was committed
    files = stored_files(media_root)
    assert [f.name for f in files] == [Path(photo.storage_name).name]
    assert photo.storage_name.startswith(f"photos/{client_a.clinic_id}/{client_a.pk}/")
    created = AuditEvent.objects.get(object_type="photos.photo", action="created")
    assert created.client_id == client_a.pk and created.actor is not None


def test_gps_exif_is_gone_from_the_stored_and_served_photo(
    as_practitioner_a: HttpClient, client_a: Client, media_root: Path
) -> None:
    give_photo_consent(client_a)
    post_file(as_practitioner_a, client_a, jpeg_with_gps())
    photo = Photo.objects.get(client=client_a)
    on_disk = (media_root / photo.storage_name).read_bytes()
    served = as_practitioner_a.get(reverse("photos:photo-image", args=[photo.pk])).content
    for content in (on_disk, served):
        assert b"Exif" not in content
        with Image.open(io.BytesIO(content)) as image:
            assert dict(image.getexif()) == {}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"just some text, renamed", "holiday.jpg", "not a JPEG or PNG photo"),
        (jpeg_bytes()[:3000], "cut.jpg", "damaged or incomplete"),
        (png_claiming(40_000, 40_000), "bomb.png", "too many pixels"),
    ],
    ids=["renamed-text", "truncated-jpeg", "decompression-bomb"],
)
def test_bad_files_are_refused_with_a_message_beside_the_field(
    as_practitioner_a: HttpClient,
    client_a: Client,
    media_root: Path,
    content: bytes,
    name: str,
    message: str,
) -> None:
    give_photo_consent(client_a)
    response = post_file(as_practitioner_a, client_a, content, name, taken_on="2026-02-01")
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="field-error" id="id_image_error"' in page
    assert 'value="2026-02-01"' in page  # what was typed stays on the form
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_no_photo_consent_no_upload(
    as_practitioner_a: HttpClient, client_a: Client, media_root: Path
) -> None:
    page = as_practitioner_a.get(upload_url(client_a)).content.decode()
    assert "has not given consent to photographs" in page
    response = post_file(as_practitioner_a, client_a, jpeg_bytes())
    assert response.status_code == 400
    assert "has not given photo consent" in response.content.decode()
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_withdrawn_photo_consent_stops_uploads(
    as_practitioner_a: HttpClient, client_a: Client
) -> None:
    from acuface.clients import services as client_services

    give_photo_consent(client_a)
    consent = client_a.consents.get(text__kind="photos")
    client_services.consent_withdraw(actor=None, consent=consent)
    assert post_file(as_practitioner_a, client_a, jpeg_bytes()).status_code == 400
    assert not Photo.objects.exists()


def test_a_hostile_file_name_never_reaches_the_path_or_the_page(
    as_practitioner_a: HttpClient, client_a: Client, media_root: Path
) -> None:
    give_photo_consent(client_a)
    hostile = "../../../etc/<img src=x onerror=alert(1)>.jpg"
    post_file(as_practitioner_a, client_a, jpeg_bytes(), name=hostile)
    photo = Photo.objects.get()
    assert ".." not in photo.storage_name and "<" not in photo.storage_name
    assert "<" not in photo.original_name and "/" not in photo.original_name
    assert all(media_root in f.parents for f in stored_files(media_root))
    page = as_practitioner_a.get(reverse("photos:photo-detail", args=[photo.pk])).content.decode()
    assert "<img src=x" not in page


def test_a_future_date_is_refused_and_kept(as_practitioner_a: HttpClient, client_a: Client) -> None:
    give_photo_consent(client_a)
    response = post_file(as_practitioner_a, client_a, jpeg_bytes(), taken_on="2999-01-01")
    assert response.status_code == 400
    assert "cannot be taken in the future" in response.content.decode()


def test_the_next_page_must_be_on_this_site(
    as_practitioner_a: HttpClient, client_a: Client
) -> None:
    give_photo_consent(client_a)
    away = post_file(as_practitioner_a, client_a, jpeg_bytes(), next="https://evil.example/")
    assert away["Location"].startswith("/photos/")
    back = post_file(as_practitioner_a, client_a, jpeg_bytes(), next="/sessions/7/")
    assert back["Location"] == "/sessions/7/"


def test_another_clinics_client_is_404(
    as_practitioner_a: HttpClient, clinic_b: Clinic, media_root: Path
) -> None:
    other = ClientFactory(clinic=clinic_b)
    give_photo_consent(other)
    assert as_practitioner_a.get(upload_url(other)).status_code == 404
    assert post_file(as_practitioner_a, other, jpeg_bytes()).status_code == 404
    assert not Photo.objects.exists() and stored_files(media_root) == []


@pytest.mark.parametrize("bad_id", ["0", "99999999", "9223372036854775808", "abc", "-1"])
def test_unknown_client_ids_are_404(as_practitioner_a: HttpClient, bad_id: str) -> None:
    assert as_practitioner_a.get(f"/photos/clients/{bad_id}/upload/").status_code == 404


def test_front_desk_cannot_upload_or_see_photos(
    as_front_desk_a: HttpClient, client_a: Client
) -> None:
    give_photo_consent(client_a)
    photo = make_photo(client_a)
    assert as_front_desk_a.get(upload_url(client_a)).status_code == 404
    assert post_file(as_front_desk_a, client_a, jpeg_bytes()).status_code == 404
    assert as_front_desk_a.get(reverse("photos:photo-image", args=[photo.pk])).status_code == 404
    assert Photo.objects.count() == 1


def test_photos_are_served_privately_and_only_by_the_view(
    as_practitioner_a: HttpClient, as_practitioner_b: HttpClient, client_a: Client
) -> None:
    photo = make_photo(client_a)
    url = reverse("photos:photo-image", args=[photo.pk])
    response = as_practitioner_a.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert as_practitioner_b.get(url).status_code == 404
    assert HttpClient().get(url).status_code == 302  # anonymous: to the login page
    # no URL maps the storage folder
    assert as_practitioner_a.get(f"/media/{photo.storage_name}").status_code == 404
    assert as_practitioner_a.get(f"/{photo.storage_name}").status_code == 404


def test_the_client_record_lists_photos_for_clinical_staff_only(
    as_practitioner_a: HttpClient, as_front_desk_a: HttpClient, client_a: Client
) -> None:
    photo = make_photo(client_a)
    record = reverse("clients:client-detail", args=[client_a.pk])
    image = reverse("photos:photo-image", args=[photo.pk])
    assert image in as_practitioner_a.get(record).content.decode()
    assert image not in as_front_desk_a.get(record).content.decode()


def test_deleting_a_photo_removes_its_file_and_is_audited(
    as_practitioner_a: HttpClient,
    as_practitioner_b: HttpClient,
    client_a: Client,
    media_root: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    photo = make_photo(client_a)
    url = reverse("photos:photo-delete", args=[photo.pk])
    assert as_practitioner_b.post(url).status_code == 404
    assert len(stored_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = as_practitioner_a.post(url)
    assert response["Location"] == reverse("clients:client-detail", args=[client_a.pk])
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []
    assert AuditEvent.objects.filter(action="erased", object_type="photos.photo").count() == 1


def test_erasing_a_clients_photos_keeps_a_shared_file_until_its_last_row(
    practitioner_a: Any,
    client_a: Client,
    media_root: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    from acuface.photos import services

    other = ClientFactory(clinic=client_a.clinic)
    first = make_photo(client_a, name="photos/demo/shared.png")
    make_photo(other, name="photos/demo/shared.png")
    make_photo(other)
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(actor=practitioner_a, photo=first)
    assert (media_root / "photos/demo/shared.png").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.photos_erase_for_client(actor=practitioner_a, client=other) == 2
    assert stored_files(media_root) == []
    assert not Photo.objects.exists()
