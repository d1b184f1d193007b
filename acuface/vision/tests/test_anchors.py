"""Mesh anchors: exact round trips and carrying points to a changed copy of a photo."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuface.vision.anchors import MeshAnchor, anchor_point, place_anchor
from acuface.vision.canonical import load_canonical
from acuface.vision.geometry import apply_transform, invert_transform
from acuface.vision.landmarks import LandmarkResult, detect_landmarks
from acuface.vision.points import place_points
from acuface.vision.tests.augment import ImageArray, augment

Finder = Callable[[str], LandmarkResult]
OBAMA = "pd_obama_official_portrait_2012.jpg"


def test_placed_points_round_trip(landmarks_of: Finder) -> None:
    face = landmarks_of(OBAMA).largest
    assert face is not None
    for point in place_points(face).located():
        assert point.anchor is not None and point.xy is not None
        again = place_anchor(face, point.anchor)
        assert np.abs(again - np.array(point.xy)).max() < 1e-6


@settings(max_examples=200, deadline=None)
@given(
    x=st.floats(min_value=-100, max_value=1100, allow_nan=False),
    y=st.floats(min_value=-100, max_value=1350, allow_nan=False),
)
def test_any_point_round_trips_on_the_canonical_face(x: float, y: float) -> None:
    # Also outside the mesh (extrapolated weights): the round trip must still be exact.
    points = load_canonical().points
    anchor = anchor_point(points, np.array([x, y]))
    assert sum(anchor.weights) == pytest.approx(1.0, abs=1e-9)
    assert np.abs(place_anchor(points, anchor) - [x, y]).max() < 1e-6


@settings(max_examples=100, deadline=None)
@given(
    angle=st.floats(min_value=-3.0, max_value=3.0),
    scale=st.floats(min_value=0.2, max_value=5.0),
    shift=st.tuples(st.floats(-500, 500), st.floats(-500, 500)),
    u=st.floats(0.15, 0.85),
    v=st.floats(0.2, 0.85),
)
def test_anchors_follow_a_similarity_exactly(
    angle: float, scale: float, shift: tuple[float, float], u: float, v: float
) -> None:
    # Barycentric weights are invariant under any affine map of the landmarks.
    points = load_canonical().points
    xy = np.array([u * 1000.0, v * 1250.0])
    c, s = np.cos(angle) * scale, np.sin(angle) * scale
    matrix = np.array([[c, -s, shift[0]], [s, c, shift[1]]])
    anchor = anchor_point(points, xy)
    moved = place_anchor(apply_transform(matrix, points), anchor)
    assert np.abs(moved - apply_transform(matrix, xy)).max() < 1e-6 * max(1.0, scale * 1000)


def test_inside_points_have_non_negative_weights() -> None:
    points = load_canonical().points
    anchor = anchor_point(points, points[[1, 33, 61]].mean(axis=0))
    assert min(anchor.weights) >= -1e-12


def test_anchor_serialises() -> None:
    anchor = anchor_point(load_canonical().points, np.array([400.0, 600.0]))
    assert MeshAnchor.from_dict(anchor.to_dict()) == anchor


@pytest.mark.parametrize("augmentation", ["rotate+15", "scale0.5", "scale2"])
def test_moved_point_is_carried_to_a_changed_photo(
    photo: Callable[[str], ImageArray], landmarks_of: Finder, augmentation: str
) -> None:
    # A practitioner moves ST2 by 0.1 pupil distance; the anchor must carry the moved point onto
    # a rotated/scaled copy within 2% of the pupil distance (landmarks move ~1% under these).
    face = landmarks_of(OBAMA).largest
    assert face is not None
    st2 = place_points(face).get("ST2", "right").xy
    assert st2 is not None
    moved_by_hand = np.array(st2) + np.array([0.1, 0.05]) * face.pupil_distance
    anchor = anchor_point(face, moved_by_hand)
    changed, matrix = augment(photo(OBAMA), augmentation)
    other = detect_landmarks(changed).largest
    assert other is not None
    carried = apply_transform(invert_transform(matrix), place_anchor(other, anchor))
    assert np.linalg.norm(carried - moved_by_hand) / face.pupil_distance < 0.02
