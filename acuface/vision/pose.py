"""Head pose (yaw, pitch, roll in degrees) from the landmarks of one face.

Yaw and pitch come from a rigid 3-D fit (rotation, scale, translation; Umeyama) of the
canonical face's landmarks and depth (:mod:`acuface.vision.canonical`, the average of frontal
photos, so a frontal face scores about 0) onto the face's landmarks and MediaPipe depth. MediaPipe's
depth is a weak-perspective estimate scaled like ``x``, which is what such a fit expects. Roll is
read directly from the line between the pupils, which is the most precise of the three.

Sign conventions (image axes: ``x`` right, ``y`` down, depth away from the camera):

yaw
    Positive when the nose points towards the image's right, i.e. the client turns towards
    their own left on a non-mirrored photo.
pitch
    Positive when the nose points up (chin raised).
roll
    Positive when the eye line turns clockwise on screen: the client's left eye (image right)
    is lower than the right eye.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from acuface.vision.canonical import MESH_POINT_COUNT, load_canonical
from acuface.vision.landmarks import FaceLandmarks

FloatArray = npt.NDArray[np.float64]

__all__ = ["HeadPose", "estimate_pose"]


@dataclass(frozen=True)
class HeadPose:
    """Head orientation in degrees; see the module docstring for signs."""

    yaw: float
    pitch: float
    roll: float

    def to_dict(self) -> dict[str, float]:
        return {"yaw": self.yaw, "pitch": self.pitch, "roll": self.roll}


def _rotation_3d(source: FloatArray, target: FloatArray) -> FloatArray:
    """Rotation part of the least-squares similarity taking ``source`` to ``target`` (N x 3)."""
    src = source - source.mean(axis=0)
    dst = target - target.mean(axis=0)
    u, _, vt = np.linalg.svd(dst.T @ src)
    d = np.eye(3)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[2, 2] = -1.0
    return np.asarray(u @ d @ vt, dtype=np.float64)


def estimate_pose(face: FaceLandmarks) -> HeadPose:
    """Estimate yaw, pitch and roll of one face.

    Parameters
    ----------
    face : FaceLandmarks
        478 landmarks in pixels (``x`` right, ``y`` down) with MediaPipe depth.

    Returns
    -------
    HeadPose
        Angles in degrees.
    """
    reference = load_canonical()
    ref = np.column_stack([reference.points, reference.depth])[:MESH_POINT_COUNT]
    obs = np.column_stack([face.points, face.depth])[:MESH_POINT_COUNT]
    rotation = _rotation_3d(ref, obs)
    forward = rotation @ np.array([0.0, 0.0, -1.0])
    yaw = math.degrees(math.atan2(forward[0], -forward[2]))
    pitch = math.degrees(math.atan2(-forward[1], math.hypot(forward[0], forward[2])))
    eye_line = face.left_pupil - face.right_pupil
    roll = math.degrees(math.atan2(eye_line[1], eye_line[0]))
    return HeadPose(yaw=yaw, pitch=pitch, roll=roll)
