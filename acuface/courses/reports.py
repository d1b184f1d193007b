"""What the course pages show: the course view, the calendar, the client's summary and its PDF."""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging
from collections.abc import Mapping
from typing import Any

from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from acuface.clients.selectors import client_has_consent
from acuface.core.audit import audit_record
from acuface.core.models import AuditEvent, Clinic, User
from acuface.courses import outcomes, rules, selectors
from acuface.courses.models import Course
from acuface.photos.models import Photo
from acuface.photos.selectors import svg_matrix

log = logging.getLogger(__name__)


def _before_after_context(course: Course) -> dict[str, Any] | None:
    pair = outcomes.before_after(client=course.client)
    if pair is None:
        return None
    first, latest = pair.first, pair.latest
    return {
        "first": first,
        "latest": latest,
        "svg_matrix": svg_matrix(first),
        "before_url": reverse("photos:photo-image", args=[first.pk]),
        "aligned_url": reverse("photos:photo-aligned-image", args=[first.pk, latest.pk]),
        "compare_url": reverse("photos:photo-compare", args=[first.pk, latest.pk]),
    }


def course_context(*, course: Course) -> dict[str, Any]:
    bookings = selectors.course_bookings(course=course)
    points = outcomes.session_points(course=course, bookings=bookings)
    clinic = course.client.clinic
    live = [b for b in bookings if b.is_live or selectors.is_done(b)]
    maintenance_from = None
    if live and selectors.next_unbooked_number(course=course) is None:
        last = selectors.local(live[-1].starts_at, clinic).date()
        maintenance_from = rules.maintenance_dates(
            last, every_weeks=course.maintenance_every_weeks, count=1
        )[0]
    return {
        "maintenance_from": maintenance_from,
        "course": course,
        "client": course.client,
        "bookings": [
            (b, selectors.local(b.starts_at, clinic), selectors.is_done(b)) for b in bookings
        ],
        "progress": selectors.course_progress(course=course, bookings=bookings),
        "charts": outcomes.course_charts(course=course, points=points),
        "points": points,
        "outcomes": outcomes.outcome_rows(course),
        "outcomes_due": selectors.outcome_due(course=course, bookings=bookings),
        "milestones": rules.milestone_choices(),
        "adverse_events": list(outcomes.adverse_events_of(client=course.client)),
        "before_after": _before_after_context(course),
        "changes": outcomes.region_changes(points),
        "next_number": selectors.next_unbooked_number(course=course),
    }


def calendar_context(*, clinic: Clinic, params: Mapping[str, str], user: User) -> dict[str, Any]:
    """The day or week view asked for; anything unreadable falls back to today and everyone."""
    today = timezone.now().astimezone(clinic.zone).date()
    problem = ""
    try:
        day = dt.date.fromisoformat(params.get("date", "") or today.isoformat())
    except ValueError:
        day, problem = today, "That date could not be read; showing today."
    week = params.get("view") == "week"
    first = day - dt.timedelta(days=day.weekday()) if week else day
    staff = list(selectors.practitioners(clinic=clinic))
    wanted = params.get("practitioner", "")
    practitioner = next((p for p in staff if str(p.pk) == wanted), None)
    days = selectors.calendar_days(
        clinic=clinic, first=first, days=7 if week else 1, practitioner=practitioner
    )
    step = dt.timedelta(days=7 if week else 1)
    return {
        "days": days,
        "day": day,
        "week": week,
        "previous": first - step,
        "next": first + step,
        "today": today,
        "practitioners": staff,
        "practitioner": practitioner,
        "problem": problem,
        "zone": clinic.zone,
        "to_book": selectors.courses_to_book(clinic=clinic),
    }


def _photo_data_uri(photo: Photo) -> str:
    with default_storage.open(photo.storage_name, "rb") as stored:
        content = stored.read()
    kind = "png" if photo.image_format == "png" else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(content).decode()}"


def _aligned_data_uri(first: Photo, latest: Photo) -> str:
    """The latest photo aligned onto the first; the latest as taken if alignment fails."""
    try:
        from PIL import Image

        from acuface.photos import vision_glue

        with (
            default_storage.open(first.storage_name, "rb") as a,
            default_storage.open(latest.storage_name, "rb") as b,
        ):
            pixels, _ = vision_glue.align_contents(
                a.read(), first.analysis, b.read(), latest.analysis
            )
        out = io.BytesIO()
        Image.fromarray(pixels, mode="RGB").save(out, format="JPEG", quality=85)
        return f"data:image/jpeg;base64,{base64.b64encode(out.getvalue()).decode()}"
    except Exception:  # a photo the aligner cannot use still belongs in the summary
        log.warning("Could not align photos %s and %s for a summary", first.pk, latest.pk)
        return _photo_data_uri(latest)


def summary_context(
    *, course: Course, request: HttpRequest | None = None, inline_photos: bool = False
) -> dict[str, Any]:
    """The client's course summary in plain words; photos only with photo consent."""
    bookings = selectors.course_bookings(course=course)
    points = outcomes.session_points(course=course, bookings=bookings)
    progress = selectors.course_progress(course=course, bookings=bookings)
    client = course.client
    photos_allowed = client_has_consent(client=client, kind="photos")
    pair = outcomes.before_after(client=client) if photos_allowed else None
    photos: dict[str, str] | None = None
    if pair is not None:
        if inline_photos:
            photos = {
                "before": _photo_data_uri(pair.first),
                "after": _aligned_data_uri(pair.first, pair.latest),
            }
        else:
            photos = {
                "before": reverse("photos:photo-image", args=[pair.first.pk]),
                "after": reverse(
                    "photos:photo-aligned-image", args=[pair.first.pk, pair.latest.pk]
                ),
            }
    events = list(outcomes.adverse_events_of(client=client))
    return {
        "course": course,
        "client": client,
        "clinic": client.clinic,
        "progress": progress,
        "changes": outcomes.region_changes(points),
        "outcomes": outcomes.outcome_rows(course),
        "adverse_events": events,
        "photos": photos,
        "pair": pair,
        "photos_allowed": photos_allowed,
        "charts": outcomes.course_charts(course=course, points=points),
        "generated_on": timezone.now().astimezone(client.clinic.zone).date(),
    }


def summary_html(*, course: Course) -> str:
    return render_to_string(
        "courses/summary_pdf.html", summary_context(course=course, inline_photos=True)
    )


def summary_pdf(*, course: Course, actor: User | None) -> bytes:
    """The course summary as a PDF (WeasyPrint); the export is audited."""
    import weasyprint

    pdf: bytes = weasyprint.HTML(string=summary_html(course=course)).write_pdf()
    if actor is not None:
        audit_record(
            clinic=course.client.clinic,
            action=AuditEvent.Action.EXPORTED,
            obj=course,
            actor=actor,
            client=course.client,
            changes={"format": [None, "course summary PDF"]},
        )
    return pdf
