"""Head pose: synthetic rotations of the canonical face with known angles, and real photos."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from acuface.vision.canonical import load_canonical
from acuface.vision.landmarks import FaceLandmarks, LandmarkResult, detect_landmarks
from acuface.vision.pose import estimate_pose
from acuface.vision.tests.augment import ImageArray, rotate


def _turned_canonical(yaw: float, pitch: float) -> FaceLandmarks:
    """The canonical face rotated in 3-D and projected orthographically (known answer)."""
    layout = load_canonical()
    xyz = np.column_stack([layout.points, layout.depth])
    centre = xyz.mean(axis=0)
    y, p = math.radians(yaw), math.radians(pitch)
    # Yaw about the vertical (y) axis: positive sends the nose (-z) towards +x.
    about_y = np.array([[math.cos(y), 0, -math.sin(y)], [0, 1, 0], [math.sin(y), 0, math.cos(y)]])
    # Pitch about x: positive sends the nose towards -y (up).
    about_x = np.array([[1, 0, 0], [0, math.cos(p), math.sin(p)], [0, -math.sin(p), math.cos(p)]])
    moved = (xyz - centre) @ (about_x @ about_y).T + centre
    return FaceLandmarks(moved[:, :2].copy(), moved[:, 2].copy(), 1000, 1250)


@pytest.mark.parametrize(
    ("yaw", "pitch"), [(0, 0), (20, 0), (-20, 0), (0, 15), (0, -15), (10, -10)]
)
def test_known_rotations_are_recovered(yaw: float, pitch: float) -> None:
    pose = estimate_pose(_turned_canonical(yaw, pitch))
    assert pose.yaw == pytest.approx(yaw, abs=0.5)
    assert pose.pitch == pytest.approx(pitch, abs=0.5)
    if yaw == 0 or pitch == 0:
        # Combined yaw and pitch genuinely tilt the projected eye line, so only pure turns
        # must read zero roll.
        assert pose.roll == pytest.approx(0.0, abs=0.5)


def test_roll_sign_and_size(photo: Callable[[str], ImageArray]) -> None:
    image = photo("pd_obama_official_portrait_2012.jpg")
    level = detect_landmarks(image).largest
    # cv2 positive angle = counter-clockwise on screen, so roll (clockwise positive) drops by 10.
    turned = detect_landmarks(rotate(image, 10.0)[0]).largest
    assert level is not None and turned is not None
    change = estimate_pose(turned).roll - estimate_pose(level).roll
    assert change == pytest.approx(-10.0, abs=1.0)


def test_mirrored_photo_flips_yaw(photo: Callable[[str], ImageArray]) -> None:
    # Chris Pratt is turned slightly (yaw ~ +11); the mirror image must read about -11.
    image = photo("ccby_chris_pratt_2018.jpeg")
    face = detect_landmarks(image).largest
    mirrored = detect_landmarks(np.ascontiguousarray(image[:, ::-1])).largest
    assert face is not None and mirrored is not None
    yaw, yaw_mirrored = estimate_pose(face).yaw, estimate_pose(mirrored).yaw
    assert yaw > 5
    assert yaw_mirrored == pytest.approx(-yaw, abs=3.0)


@pytest.mark.parametrize(
    "name",
    [
        "pd_obama_official_portrait_2012.jpg",
        "pd_grace_hopper_1984.jpg",
        "cc0_codait_man_outdoor.png",
    ],
)
def test_frontal_photos_read_near_zero_yaw(
    landmarks_of: Callable[[str], LandmarkResult], name: str
) -> None:
    face = landmarks_of(name).largest
    assert face is not None
    assert abs(estimate_pose(face).yaw) < 5
