"""The canonical layout, its data file and the chart API."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pytest

from acuface.vision.canonical import (
    CHART_LEFT_PUPIL,
    CHART_RIGHT_PUPIL,
    DATA_FILE,
    FRONTAL_PHOTOS,
    build_canonical_layout,
    load_canonical,
)
from acuface.vision.chart import chart_outline_paths, chart_outlines, chart_points, photo_to_chart
from acuface.vision.geometry import apply_transform
from acuface.vision.landmarks import (
    LEFT_PUPIL,
    RIGHT_PUPIL,
    FaceLandmarks,
    detect_landmarks,
    mesh_connections,
)
from acuface.vision.tests.augment import ImageArray


def test_layout_shape_and_pupils() -> None:
    layout = load_canonical()
    assert layout.points.shape == (478, 2)
    assert np.allclose(layout.points[RIGHT_PUPIL], CHART_RIGHT_PUPIL, atol=1e-3)
    assert np.allclose(layout.points[LEFT_PUPIL], CHART_LEFT_PUPIL, atol=1e-3)
    assert (layout.points[:, 0] > 0).all() and (layout.points[:, 0] < 1000).all()
    assert (layout.points[:, 1] > 0).all() and (layout.points[:, 1] < 1250).all()


def test_layout_is_symmetric_and_mirror_is_an_involution() -> None:
    layout = load_canonical()
    mirror = layout.mirror
    assert (mirror[mirror] == np.arange(478)).all()
    reflected = layout.points[mirror].copy()
    reflected[:, 0] = 1000.0 - reflected[:, 0]
    assert np.abs(reflected - layout.points).max() < 0.01
    # Known pairs (MediaPipe's own left/right sets).
    for right, left in ((33, 263), (133, 362), (61, 291), (468, 473), (234, 454), (172, 397)):
        assert mirror[right] == left


def test_triangulation_covers_the_mesh() -> None:
    triangles = load_canonical().triangles
    assert triangles.shape[1] == 3
    assert set(np.unique(triangles)) == set(range(468))


def test_outlines_for_the_chart() -> None:
    outlines = chart_outlines()
    assert set(outlines) >= {"face_oval", "lips", "right_eye", "left_eye", "right_eyebrow",
                             "left_eyebrow", "nose"}  # fmt: skip
    oval = outlines["face_oval"][0]
    assert oval[0] == oval[-1]  # closed
    assert len(oval) == 37
    paths = chart_outline_paths()
    assert paths["face_oval"].startswith("M")
    json.dumps(outlines)


def test_chart_points_lie_inside_the_frame() -> None:
    for p in chart_points().located():
        assert p.xy is not None
        assert 0 < p.xy[0] < 1000 and 0 < p.xy[1] < 1250


def test_photo_to_chart_maps_pupils(photo: Callable[[str], ImageArray]) -> None:
    face = detect_landmarks(photo("pd_grace_hopper_1984.jpg")).largest
    assert face is not None
    matrix = photo_to_chart(face)
    assert np.allclose(apply_transform(matrix, face.right_pupil), CHART_RIGHT_PUPIL)
    assert np.allclose(apply_transform(matrix, face.left_pupil), CHART_LEFT_PUPIL)


def test_data_file_can_be_regenerated(photo: Callable[[str], ImageArray]) -> None:
    # Rebuilding from the shared photos must give the stored layout (rounded to 0.001 in the
    # file); a difference means the file and the recipe in canonical.py disagree.
    faces: list[FaceLandmarks] = []
    for name in FRONTAL_PHOTOS:
        faces.extend(detect_landmarks(photo(name)).faces)
    rebuilt = build_canonical_layout(faces, mesh_connections())
    stored = json.loads(DATA_FILE.read_text())
    assert np.abs(rebuilt.points - np.array(stored["points"])).max() < 0.01
    assert rebuilt.mirror.tolist() == stored["mirror"]
    assert rebuilt.triangles.tolist() == stored["triangles"]


@pytest.mark.parametrize("name", ["face_oval", "lips"])
def test_outline_indices_are_landmarks(name: str) -> None:
    for path in load_canonical().outlines[name]:
        assert all(0 <= i < 478 for i in path)
