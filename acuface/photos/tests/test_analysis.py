"""The analysis task on real shared photos: results stored and shown; gate failures in words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User
from acuface.photos import services
from acuface.photos.models import AnalysisStatus, Photo
from acuface.photos.tests.factories import faces_dir, give_photo_consent
from tests.shared_data import require_file

# A frontal portrait the vision package analyses fully (points and skin measures).
FULL_FACE = "pd_obama_official_portrait_2012.jpg"


def shared(name: str) -> Path:
    return require_file(faces_dir() / name)


def upload(client: Client, actor: User, name: str, capture: Callable[..., Any]) -> Photo:
    """Upload a shared photo through the service; the task runs on commit (ImmediateBackend)."""
    path = shared(name)
    give_photo_consent(client)
    with capture(execute=True), path.open("rb") as handle:
        photo = services.photo_upload(actor=actor, client=client, upload=handle, filename=name)
    photo.refresh_from_db()
    return photo


def test_the_task_stores_points_and_metrics(
    client_a: Client,
    practitioner_a: User,
    as_practitioner_a: HttpClient,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    photo = upload(client_a, practitioner_a, FULL_FACE, django_capture_on_commit_callbacks)
    assert photo.status == AnalysisStatus.DONE, photo.status_message
    assert photo.analysis["image"] == {"width": photo.width, "height": photo.height}
    assert photo.analysis_version.startswith("acuface-vision/")
    assert photo.analysed_at is not None
    located = [p for p in photo.analysis["points"]["points"] if p["xy"]]
    assert len(located) >= 30  # 21 recipes, most of them on both sides
    for point in located:  # every suggestion lies on the photo
        x, y = point["xy"]
        assert 0 <= x <= photo.width and 0 <= y <= photo.height
    assert any(r["is_measurable"] for r in photo.analysis["metrics"]["regions"])
    stored = AuditEvent.objects.get(object_type="photos.photo", actor_label=services.SYSTEM)
    assert stored.changes == {"status": ["running", "done"]}

    page = as_practitioner_a.get(reverse("photos:photo-detail", args=[photo.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'viewBox="0 0 1000 1250"' in html
    assert 'data-code="EX-HN3"' in html and 'data-code="ST2" data-side="right"' in html
    assert "Wrinkle index" in html and "forehead" in html


def test_the_eileen_collins_photo_is_stored_with_its_answer(
    client_a: Client,
    practitioner_a: User,
    as_practitioner_a: HttpClient,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # A 512 px NASA portrait: today's gates may place points or find the face too small; either
    # way the answer is stored and the page shows it without an error.
    photo = upload(
        client_a, practitioner_a, "pd_eileen_collins_nasa.png", django_capture_on_commit_callbacks
    )
    assert photo.status in (AnalysisStatus.DONE, AnalysisStatus.REJECTED)
    assert photo.analysis["quality"]["face_count"] == 1
    page = as_practitioner_a.get(reverse("photos:photo-detail", args=[photo.pk])).content.decode()
    if photo.status == AnalysisStatus.REJECTED:
        assert photo.status_message and photo.status_message in page
    else:
        assert 'class="photo-overlay"' in page


@pytest.mark.parametrize("name", ["nonface_coffee_cc0.png", "cc0_cameraman_profile_gray.png"])
def test_a_gate_failure_is_stored_and_shown_in_plain_words(
    name: str,
    client_a: Client,
    practitioner_a: User,
    as_practitioner_a: HttpClient,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    photo = upload(client_a, practitioner_a, name, django_capture_on_commit_callbacks)
    assert photo.status == AnalysisStatus.REJECTED
    assert photo.status_message == "No face was found in this photo."
    assert not photo.has_points
    page = as_practitioner_a.get(reverse("photos:photo-detail", args=[photo.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "could not be analysed" in html and "No face was found in this photo." in html
    assert "photo-overlay" not in html


def test_an_unexpected_error_is_kept_as_a_failed_photo(
    client_a: Client,
    practitioner_a: User,
    as_practitioner_a: HttpClient,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    def broken(content: bytes) -> dict[str, Any]:
        raise RuntimeError("model file missing")

    monkeypatch.setattr("acuface.photos.vision_glue.analyse_content", broken)
    photo = upload(client_a, practitioner_a, FULL_FACE, django_capture_on_commit_callbacks)
    assert photo.status == AnalysisStatus.FAILED
    page = as_practitioner_a.get(reverse("photos:photo-detail", args=[photo.pk]))
    assert page.status_code == 200
    assert "did not finish" in page.content.decode()
    assert "model file missing" not in page.content.decode()  # no internals shown


def test_the_status_partial_polls_then_asks_for_a_refresh(
    client_a: Client,
    practitioner_a: User,
    as_practitioner_a: HttpClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    monkeypatch.setattr("acuface.photos.tasks.analyse_photo_task", SimpleNamespace(enqueue=print))
    give_photo_consent(client_a)
    with shared(FULL_FACE).open("rb") as handle:
        photo = services.photo_upload(actor=practitioner_a, client=client_a, upload=handle)
    url = reverse("photos:photo-status", args=[photo.pk])
    waiting = as_practitioner_a.get(url)
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    assert "HX-Refresh" not in waiting
    services.photo_store_analysis(photo=photo, analysis=None)
    finished = as_practitioner_a.get(url + "?was=pending")
    assert finished["HX-Refresh"] == "true"
    assert "every 2s" not in finished.content.decode()


def test_analyse_again_queues_and_runs(
    client_a: Client,
    practitioner_a: User,
    as_practitioner_a: HttpClient,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    photo = upload(
        client_a, practitioner_a, "nonface_coffee_cc0.png", django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = as_practitioner_a.post(reverse("photos:photo-reanalyse", args=[photo.pk]))
    assert response.status_code == 302 and len(callbacks) == 1
    photo.refresh_from_db()
    assert photo.status == AnalysisStatus.REJECTED


def test_an_upload_from_the_skin_assessment_step_returns_there(
    client_a: Client, as_practitioner_a: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    monkeypatch.setattr("acuface.photos.tasks.analyse_photo_task", SimpleNamespace(enqueue=print))
    give_photo_consent(client_a)
    data = shared(FULL_FACE).read_bytes()
    response = as_practitioner_a.post(
        reverse("photos:photo-upload", args=[client_a.pk]),
        {
            "image": SimpleUploadedFile("face.jpg", data),
            "source": "skin_assessment",
            "next": "/sessions/12/skin/",
        },
    )
    assert response["Location"] == "/sessions/12/skin/"
    assert Photo.objects.get().source == "skin_assessment"
