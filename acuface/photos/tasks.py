"""Background work: photo analysis runs in `manage.py db_worker`, never in a web request."""

from __future__ import annotations

from django_tasks import task

from acuface.photos import services


@task()
def analyse_photo_task(photo_id: int) -> str:
    """Analyse one stored photo and store the result; returns the photo's new status."""
    photo = services.photo_analyse(photo_id=photo_id)
    return photo.status if photo is not None else "missing"
