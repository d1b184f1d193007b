"""Outcomes over a course: what the charts, the summary and the owner's overview show."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from acuface.aftercare.models import AdverseEvent
from acuface.clients.models import Client
from acuface.clients.selectors import client_has_consent
from acuface.core.models import Clinic
from acuface.courses import charts, rules, selectors
from acuface.courses.models import Booking, Course, OutcomeResponse
from acuface.photos.models import AnalysisStatus, Photo
from acuface.treatments.models import ASSESSMENT_REGIONS

SEVERE_GRADES = {"moderate", "severe"}


@dataclasses.dataclass(frozen=True)
class SessionPoint:
    """One done session of the course, with what was measured at it."""

    index: int
    label: str
    booking: Booking
    on: dt.date
    grades: dict[str, int]
    photo: Photo | None
    metrics: dict[str, dict[str, Any]]
    adverse_events: list[AdverseEvent]


def _photo_metrics(photo: Photo | None) -> dict[str, dict[str, Any]]:
    if photo is None:
        return {}
    rows = (photo.analysis.get("metrics") or {}).get("regions", [])
    return {r["region_id"]: r for r in rows if r.get("is_measurable")}


def analysed_photos(*, client: Client) -> QuerySet[Photo]:
    return Photo.objects.filter(client=client, status=AnalysisStatus.DONE).order_by(
        "taken_on", "uploaded_at", "id"
    )


def adverse_events_of(*, client: Client) -> QuerySet[AdverseEvent]:
    return AdverseEvent.objects.filter(session__client=client).order_by("onset_at", "id")


def session_points(*, course: Course, bookings: list[Booking] | None = None) -> list[SessionPoint]:
    """The course's done sessions in order, with grades, the day's photo and adverse events."""
    bookings = selectors.course_bookings(course=course) if bookings is None else bookings
    done = [b for b in bookings if selectors.is_done(b)]
    clinic = course.client.clinic
    photos_by_day: dict[dt.date, Photo] = {}
    for analysed in analysed_photos(client=course.client):
        photos_by_day[analysed.taken_on] = analysed  # the day's latest wins
    events: dict[int, list[AdverseEvent]] = defaultdict(list)
    for event in adverse_events_of(client=course.client):
        events[event.session_id].append(event)
    found: list[SessionPoint] = []
    for i, booking in enumerate(done):
        on = selectors.local(booking.starts_at, clinic).date()
        photo = photos_by_day.get(on)
        session = booking.session
        assert session is not None
        label = "M" if booking.is_maintenance else str(booking.number or i + 1)
        found.append(
            SessionPoint(
                index=i,
                label=label,
                booking=booking,
                on=on,
                grades={k: int(v) for k, v in (session.region_grades or {}).items()},
                photo=photo,
                metrics=_photo_metrics(photo),
                adverse_events=events.get(session.pk, []),
            )
        )
    return found


def _markers(points: list[SessionPoint]) -> list[charts.Marker]:
    return [
        charts.Marker(
            x=p.index,
            label=f"Session {p.label}: {e.get_kind_display()} ({e.grade})",
            severe=e.grade in SEVERE_GRADES,
        )
        for p in points
        for e in p.adverse_events
    ]


def _metric_series(points: list[SessionPoint], key: str) -> list[charts.Series]:
    labels: dict[str, str] = {}
    values: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for p in points:
        for region, row in p.metrics.items():
            if row.get(key) is not None:
                labels[region] = row.get("label") or region
                values[region].append((p.index, float(row[key])))
    return [charts.Series(labels[r], tuple(v)) for r, v in values.items()]


def _milestone_index(points: list[SessionPoint], milestone: str) -> int | None:
    for p in points:
        if (
            rules.milestone_for(p.booking.number, is_maintenance=p.booking.is_maintenance)
            == milestone
        ):
            return p.index
    return None


def course_charts(*, course: Course, points: list[SessionPoint]) -> list[dict[str, Any]]:
    """Each chart's title, SVG and a plain table for people who prefer numbers."""
    x_labels = [f"S{p.label}" for p in points]
    markers = _markers(points)
    grade_series = [
        charts.Series(
            label, tuple((p.index, float(p.grades[key])) for p in points if key in p.grades)
        )
        for key, label in ASSESSMENT_REGIONS.items()
    ]
    grade_series = [s for s in grade_series if s.points]
    outcomes = list(course.outcomes.all())
    reported: dict[str, list[tuple[int, float]]] = {
        "Satisfaction (0 to 10)": [],
        "Jaw tension (0 to 10)": [],
    }
    for o in outcomes:
        index = _milestone_index(points, o.milestone)
        if index is not None:
            reported["Satisfaction (0 to 10)"].append((index, float(o.satisfaction)))
            reported["Jaw tension (0 to 10)"].append((index, float(o.jaw_tension)))
    found: list[dict[str, Any]] = []
    specs: list[tuple[str, str, list[charts.Series], float | None, float | None, str, bool]] = [
        (
            "grades",
            "Practitioner's grades per region (0 none to 4 severe)",
            grade_series,
            0,
            4,
            "grade",
            True,
        ),
        (
            "wrinkles",
            "Wrinkle index per region, from the photos",
            _metric_series(points, "wrinkle_index"),
            0,
            None,
            "wrinkle index",
            True,
        ),
        (
            "tone",
            "Skin tone per region: brightness L*, from the photos",
            _metric_series(points, "lightness"),
            None,
            None,
            "L*",
            False,
        ),
        (
            "reported",
            "Client-reported outcomes",
            [charts.Series(k, tuple(v)) for k, v in reported.items() if v],
            0,
            10,
            "score",
            False,
        ),
    ]
    for key, title, series, low, high, y_label, lower_better in specs:
        values = [v for s in series for _, v in s.points]
        if not values:
            found.append({"key": key, "title": title, "svg": None, "series": []})
            continue
        y_min = low if low is not None else float(int(min(values)) - 1)
        y_max = high if high is not None else float(int(max(values)) + 1)
        svg = charts.line_chart(
            title=title,
            x_labels=x_labels,
            series=series,
            y_min=y_min,
            y_max=y_max,
            y_label=y_label,
            markers=markers,
            lower_is_better=lower_better,
        )
        rows = [(s.label, [dict(s.points).get(i) for i in range(len(x_labels))]) for s in series]
        found.append(
            {
                "key": key,
                "title": title,
                "svg": svg,
                "series": series,
                "x_labels": x_labels,
                "rows": rows,
            }
        )
    return found


@dataclasses.dataclass(frozen=True)
class BeforeAfter:
    first: Photo
    latest: Photo


def before_after(*, client: Client) -> BeforeAfter | None:
    """The first and latest analysed photos with a face transform (only with photo consent)."""
    if not client_has_consent(client=client, kind="photos"):
        return None
    photos = [p for p in analysed_photos(client=client) if p.analysis.get("chart_transform")]
    if len(photos) < 2:
        return None
    return BeforeAfter(first=photos[0], latest=photos[-1])


def region_changes(points: list[SessionPoint]) -> list[dict[str, Any]]:
    """Per graded region: the first and latest grade of the course, in plain words."""
    graded = [p for p in points if p.grades]
    if len(graded) < 2:
        return []
    first, last = graded[0], graded[-1]
    rows = []
    for key, label in ASSESSMENT_REGIONS.items():
        if key in first.grades and key in last.grades:
            change = last.grades[key] - first.grades[key]
            words = "softer" if change < 0 else ("unchanged" if change == 0 else "more marked")
            rows.append(
                {
                    "label": label,
                    "first": first.grades[key],
                    "latest": last.grades[key],
                    "change": change,
                    "words": words,
                }
            )
    return rows


# --- the owner's overview across clients --------------------------------------------------------


def overview(*, clinic: Clinic, after_sessions: int) -> list[dict[str, Any]]:
    """Average change per region from session 1 to session N, with spread, across courses."""
    grade_changes: dict[str, list[float]] = defaultdict(list)
    wrinkle_changes: dict[str, list[float]] = defaultdict(list)
    wrinkle_labels: dict[str, str] = {}
    for course in Course.objects.filter(client__clinic=clinic).select_related("client__clinic"):
        points = session_points(course=course)
        if len(points) < after_sessions:
            continue
        first, nth = points[0], points[after_sessions - 1]
        for key in ASSESSMENT_REGIONS:
            if key in first.grades and key in nth.grades:
                grade_changes[key].append(nth.grades[key] - first.grades[key])
        for region, row in nth.metrics.items():
            base = first.metrics.get(region)
            if (
                base
                and base.get("wrinkle_index") is not None
                and row.get("wrinkle_index") is not None
            ):
                wrinkle_changes[region].append(
                    float(row["wrinkle_index"]) - float(base["wrinkle_index"])
                )
                wrinkle_labels[region] = row.get("label") or region
    rows = []
    for key, label in ASSESSMENT_REGIONS.items():
        stats = rules.mean_and_spread(grade_changes.get(key, []))
        if stats:
            rows.append(
                {
                    "measure": "Grade (0 to 4)",
                    "region": label,
                    "mean": stats[0],
                    "spread": stats[1],
                    "clients": len(grade_changes[key]),
                }
            )
    for region, values in wrinkle_changes.items():
        stats = rules.mean_and_spread(values)
        if stats:
            rows.append(
                {
                    "measure": "Wrinkle index",
                    "region": wrinkle_labels[region],
                    "mean": stats[0],
                    "spread": stats[1],
                    "clients": len(values),
                }
            )
    return rows


def outcome_rows(course: Course) -> list[OutcomeResponse]:
    return list(course.outcomes.all())
