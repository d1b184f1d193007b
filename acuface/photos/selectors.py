"""Reads over photos, their analysis and point positions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError
from django.db.models import QuerySet

from acuface.clients.models import Client
from acuface.photos import vision_glue
from acuface.photos.models import AnalysisStatus, Photo, PointPosition, PositionSource
from acuface.treatments.models import TreatmentSession

SIDE_SHORT = {"right": "R", "left": "L", "midline": ""}


def photos_of_client(*, client: Client) -> QuerySet[Photo]:
    return Photo.objects.filter(client=client).order_by("-taken_on", "-uploaded_at", "-id")


def suggested_points(photo: Photo) -> list[dict[str, Any]]:
    """The analysis's located points (those with a position), as stored."""
    points = (photo.analysis.get("points") or {}).get("points", [])
    return [p for p in points if p.get("xy") is not None]


def not_locatable_points(photo: Photo) -> list[dict[str, Any]]:
    points = (photo.analysis.get("points") or {}).get("points", [])
    return [p for p in points if p.get("xy") is None]


def suggestion_of(photo: Photo, code: str, side: str) -> list[float] | None:
    for point in suggested_points(photo):
        if point["code"] == code and point["side"] == side:
            return [round(float(point["xy"][0]), 2), round(float(point["xy"][1]), 2)]
    return None


def latest_practitioner_positions(*, photo: Photo) -> list[PointPosition]:
    """Per point, the newest position a practitioner set on the client's earlier photos."""
    earlier = (
        PointPosition.objects.filter(
            photo__client_id=photo.client_id,
            photo__taken_on__lte=photo.taken_on,
            source=PositionSource.MOVED,
        )
        .exclude(photo=photo)
        .order_by("-photo__taken_on", "-set_at", "-id")
    )
    newest: dict[tuple[str, str], PointPosition] = {}
    for position in earlier:
        newest.setdefault((position.code, position.side), position)
    return list(newest.values())


def _atlas_names(codes: set[str]) -> dict[str, str]:
    """English names from the atlas when it is installed and loaded (optional)."""
    try:
        from acuface.atlas.models import Point
    except ImportError:  # pragma: no cover - the atlas app is optional for this one
        return {}
    try:
        return dict(Point.objects.filter(code__in=codes).values_list("code", "english"))
    except DatabaseError:  # the atlas tables are not migrated yet: codes alone will do
        return {}


@dataclass(frozen=True)
class OverlayPoint:
    code: str
    side: str
    name: str
    english: str
    x: float  # photo pixels
    y: float
    chart_x: float  # face-chart units
    chart_y: float
    state: str  # suggested | confirmed | moved | carried
    status: str  # located | estimated (from the vision recipe)
    note: str

    @property
    def label(self) -> str:
        short = SIDE_SHORT.get(self.side, "")
        return f"{self.code} {short}".strip()

    @property
    def key(self) -> str:
        return f"{self.code}:{self.side}"


def overlay_points(photo: Photo) -> list[OverlayPoint]:
    """Every located point with its current position (the practitioner's, else the suggestion)."""
    matrix = photo.analysis.get("chart_transform")
    if not matrix:
        return []
    positions = {(p.code, p.side): p for p in photo.point_positions.all()}
    suggested = suggested_points(photo)
    english = _atlas_names({p["code"] for p in suggested})
    found = []
    for point in suggested:
        position = positions.get((point["code"], point["side"]))
        if position is not None:
            x, y = position.x, position.y
            state = position.source if position.source != PositionSource.CONFIRMED else "confirmed"
            if position.source == PositionSource.CARRIED and position.is_confirmed:
                state = "confirmed"
        else:
            x, y = float(point["xy"][0]), float(point["xy"][1])
            state = "suggested"
        cx, cy = vision_glue.apply_matrix(matrix, x, y)
        found.append(
            OverlayPoint(
                code=point["code"],
                side=point["side"],
                name=point.get("name", ""),
                english=english.get(point["code"], ""),
                x=round(x, 2),
                y=round(y, 2),
                chart_x=round(cx, 2),
                chart_y=round(cy, 2),
                state=state,
                status=point.get("status", "located"),
                note=point.get("note", ""),
            )
        )
    return found


def svg_matrix(photo: Photo) -> str:
    """The photo -> chart similarity as an SVG `matrix(a b c d e f)` argument ("" if none)."""
    matrix = photo.analysis.get("chart_transform")
    if not matrix:
        return ""
    (a, c, e), (b, d, f) = matrix
    return f"{a:.6f} {b:.6f} {c:.6f} {d:.6f} {e:.4f} {f:.4f}"


def overlay_context(photo: Photo) -> dict[str, Any]:
    """What `photos/overlay.html` needs to draw one photo with its points."""
    matrix = photo.analysis.get("chart_transform")
    points = overlay_points(photo)
    return {
        "photo": photo,
        "points": points,
        "unconfirmed": sum(p.state in ("suggested", "carried") for p in points),
        "not_locatable": not_locatable_points(photo),
        "matrix": ",".join(f"{v:.6f}" for row in matrix for v in row) if matrix else "",
        "svg_matrix": svg_matrix(photo),
    }


def metric_rows(photo: Photo) -> list[dict[str, Any]]:
    regions: list[dict[str, Any]] = (photo.analysis.get("metrics") or {}).get("regions", [])
    return regions


def comparable_photos(*, photo: Photo) -> QuerySet[Photo]:
    """The client's other analysed photos that could be compared with this one."""
    return (
        photos_of_client(client=photo.client)
        .filter(status=AnalysisStatus.DONE)
        .exclude(pk=photo.pk)
    )


def before_and_after(first: Photo, second: Photo) -> tuple[Photo, Photo]:
    """The two photos in time order (earlier first)."""
    key_first = (first.taken_on, first.uploaded_at, first.pk)
    key_second = (second.taken_on, second.uploaded_at, second.pk)
    return (first, second) if key_first <= key_second else (second, first)


def latest_photo_with_points(*, client: Client) -> Photo | None:
    """The client's newest analysed photo that has points (for the session's needling step)."""
    for photo in photos_of_client(client=client).filter(status=AnalysisStatus.DONE)[:10]:
        if photo.has_points:
            return photo
    return None


def session_photos(*, session: TreatmentSession) -> list[Photo]:
    """The photos taken for a session's skin assessment, newest first."""
    return list(Photo.objects.filter(session=session).order_by("-uploaded_at", "-id"))
