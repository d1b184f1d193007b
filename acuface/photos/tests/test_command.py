"""`manage.py analyze_photos`: bulk re-analysis, in this process or in a process pool."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from acuface.clients.models import Client
from acuface.photos.models import AnalysisStatus, Photo
from acuface.photos.tests.factories import faces_dir, make_photo
from acuface.photos.uploads import read_photo
from tests.shared_data import require_file


def shared_content(name: str) -> bytes:
    path = require_file(faces_dir() / name)
    return read_photo(io.BytesIO(path.read_bytes())).content


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("analyze_photos", *args, stdout=out)
    return out.getvalue()


def test_the_command_re_analyses_every_photo(client_a: Client) -> None:
    face = make_photo(
        client_a,
        analysis={},
        status=AnalysisStatus.PENDING,
        content=shared_content("pd_obama_official_portrait_2012.jpg"),
    )
    face.width, face.height = 910, 1137
    face.save()
    coffee = make_photo(
        client_a,
        analysis={},
        status=AnalysisStatus.DONE,
        content=shared_content("nonface_coffee_cc0.png"),
    )
    output = run("--all")
    face.refresh_from_db()
    coffee.refresh_from_db()
    assert face.status == AnalysisStatus.DONE and face.has_points
    assert coffee.status == AnalysisStatus.REJECTED and coffee.status_message
    assert "2/2" in output and "Analysed 2 photos" in output
    assert "1 done, 1 rejected" in output


def test_by_default_only_photos_needing_it_are_analysed(client_a: Client) -> None:
    from acuface.photos import vision_glue

    current = make_photo(client_a)
    current.analysis_version = vision_glue.analysis_version()
    current.save()
    waiting = make_photo(
        client_a,
        status=AnalysisStatus.PENDING,
        analysis={},
        content=shared_content("nonface_coffee_cc0.png"),
    )
    assert "Analysed 1 photo " in run()
    waiting.refresh_from_db()
    current.refresh_from_db()
    assert waiting.status == AnalysisStatus.REJECTED
    assert current.status == AnalysisStatus.DONE  # untouched
    assert run() == "No photos to analyse.\n"


def test_a_process_pool_gives_the_same_answers(
    client_a: Client, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Worker processes read settings afresh: point them at this test's media folder.
    monkeypatch.setenv("ACUFACE_MEDIA_ROOT", str(media_root))
    photos = [
        make_photo(
            client_a, status=AnalysisStatus.PENDING, analysis={}, content=shared_content(name)
        )
        for name in ("nonface_coffee_cc0.png", "pd_obama_official_portrait_2012.jpg")
    ]
    output = run("--all", "--workers", "2")
    statuses = [Photo.objects.get(pk=p.pk).status for p in photos]
    assert statuses == [AnalysisStatus.REJECTED, AnalysisStatus.DONE]
    assert "2 workers" in output


@pytest.mark.parametrize("workers", ["0", "-3", "1000"])
def test_a_bad_worker_count_is_refused(workers: str) -> None:
    with pytest.raises(CommandError):
        run("--workers", workers)
