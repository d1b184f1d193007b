"""Aligning two photos of one client, and metric differences between analyses."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from acuface.vision.align import align_photos, compare_metrics
from acuface.vision.analysis import analyse_photo
from acuface.vision.geometry import apply_transform, invert_transform
from acuface.vision.landmarks import detect_landmarks
from acuface.vision.tests.augment import ImageArray, augment, resize_long_side

Loader = Callable[[str], ImageArray]
HOPPER = "pd_grace_hopper_1984.jpg"


@pytest.mark.parametrize("augmentation", ["rotate+15", "scale0.5", "scale2"])
def test_alignment_recovers_a_known_transform(photo: Loader, augmentation: str) -> None:
    first = photo(HOPPER)
    second, matrix = augment(first, augmentation)
    face_a = detect_landmarks(first).largest
    face_b = detect_landmarks(second).largest
    assert face_a is not None and face_b is not None
    aligned = align_photos(first, face_a, second, face_b)
    # The alignment must undo the augmentation: augmenting then aligning sends points of the
    # face back where they were. Landmarks move ~1% of the pupil distance (84 px) under these
    # changes: allow 3 px.
    corners = np.array([[150.0, 150.0], [350.0, 150.0], [250.0, 400.0]])
    there = apply_transform(matrix, corners)
    assert np.abs(there - corners).max() > 5.0 or augmentation == "scale2"  # a real change
    assert np.abs(apply_transform(aligned.matrix, there) - corners).max() < 3.0
    undo = invert_transform(matrix)[:, :2]
    assert np.abs(aligned.matrix[:, :2] - undo).max() < 0.01 * np.abs(undo).max()
    assert aligned.residual_pupil_fraction < 0.03
    assert aligned.image.shape == first.shape
    # Inside the face the warped photo looks like the original.
    y0, y1, x0, x1 = 200, 400, 180, 330
    assert aligned.valid[y0:y1, x0:x1].all()
    diff = np.abs(aligned.image[y0:y1, x0:x1].astype(int) - first[y0:y1, x0:x1].astype(int))
    assert diff.mean() < 12


def test_metric_changes(photo: Loader) -> None:
    image = resize_long_side(photo(HOPPER))
    before = analyse_photo(image).metrics
    darker = analyse_photo((image * 0.8).astype(np.uint8)).metrics
    assert before is not None and darker is not None
    same = compare_metrics(before, before)
    assert all(c.is_comparable and c.wrinkle_index == 0 and c.lightness == 0 for c in same)
    changes = {c.region_id: c for c in compare_metrics(before, darker)}
    assert all(c.lightness is not None and c.lightness < 0 for c in changes.values())


def test_unmeasurable_regions_are_not_compared(photo: Loader) -> None:
    full = analyse_photo(photo("pd_obama_official_portrait_2012.jpg")).metrics
    cut = analyse_photo(photo("pd_obama_partial_face_crop.jpg")).metrics
    assert full is not None and cut is not None
    changes = {c.region_id: c for c in compare_metrics(full, cut)}
    assert not changes["cheek_right"].is_comparable
    assert changes["cheek_right"].wrinkle_index is None
    assert changes["cheek_left"].is_comparable
