"""The Django side's one door into `acuface.vision`: stored bytes and stored dicts in and out.

Nothing here touches the database, so the bulk command can run it in worker processes.
Coordinates are photo pixels, origin top-left, x right, y down (as in `acuface.vision`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from acuface.photos.uploads import decode_stored


def analyse_content(content: bytes) -> dict[str, Any]:
    """Analyse one stored photo; the result is `PhotoAnalysis.to_dict()` (JSON-ready)."""
    from acuface.vision.analysis import analyse_photo

    return analyse_photo(decode_stored(content)).to_dict()


def analysis_version() -> str:
    from acuface.vision.analysis import ANALYSIS_VERSION

    return ANALYSIS_VERSION


def gate_reason(analysis: dict[str, Any]) -> str:
    """The blocking quality failures in plain words ("" when points could be placed)."""
    failures = (analysis.get("quality") or {}).get("failures", [])
    blocking = [f["message"] for f in failures if f.get("severity") == "blocking"]
    return " ".join(blocking)[:500]


def _landmarks(analysis: dict[str, Any]) -> Any:
    from acuface.vision.analysis import face_from_dict

    image = analysis["image"]
    return face_from_dict(analysis["face"], int(image["width"]), int(image["height"]))


def anchor_for(analysis: dict[str, Any], x: float, y: float) -> dict[str, list[Any]]:
    """The mesh anchor of a pixel position on the analysed face."""
    from acuface.vision.anchors import anchor_point

    anchor = anchor_point(_landmarks(analysis), np.array([x, y], dtype=np.float64))
    return anchor.to_dict()


def place_anchor_on(analysis: dict[str, Any], anchor: dict[str, Any]) -> tuple[float, float]:
    """Where an anchored position lands on another analysed face (pixels)."""
    from acuface.vision.anchors import MeshAnchor, place_anchor

    xy = place_anchor(_landmarks(analysis), MeshAnchor.from_dict(anchor))
    return float(xy[0]), float(xy[1])


def apply_matrix(matrix: Sequence[Sequence[float]], x: float, y: float) -> tuple[float, float]:
    """Apply a 2 x 3 affine matrix to one point."""
    (a, b, c), (d, e, f) = matrix
    return a * x + b * y + c, d * x + e * y + f


def matrix_scale(matrix: Sequence[Sequence[float]]) -> float:
    """The uniform scale of a similarity matrix."""
    return math.hypot(matrix[0][0], matrix[1][0])


def region_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-region change of skin metrics (after - before), as dicts with the region's label."""
    from acuface.vision.align import compare_metrics
    from acuface.vision.metrics import RegionMetrics, SkinMetrics

    def rebuild(analysis: dict[str, Any]) -> SkinMetrics:
        regions = (analysis.get("metrics") or {}).get("regions", [])
        return SkinMetrics(tuple(RegionMetrics(**r) for r in regions))

    first, second = rebuild(before), rebuild(after)
    labels = {r.region_id: r.label for r in first.regions}
    values = {r.region_id: (r, second.get(r.region_id)) for r in first.regions}
    rows = []
    for change in compare_metrics(first, second):
        row = change.to_dict()
        row["label"] = labels.get(change.region_id, change.region_id)
        row["before"], row["after"] = (m.to_dict() for m in values[change.region_id])
        rows.append(row)
    return rows


def align_contents(
    first_content: bytes,
    first_analysis: dict[str, Any],
    second_content: bytes,
    second_analysis: dict[str, Any],
) -> tuple[npt.NDArray[np.uint8], float]:
    """The second photo warped into the first one's frame, and the residual in pupil distances."""
    from acuface.vision.align import align_photos

    aligned = align_photos(
        decode_stored(first_content),
        _landmarks(first_analysis),
        decode_stored(second_content),
        _landmarks(second_analysis),
    )
    return aligned.image, aligned.residual_pupil_fraction
