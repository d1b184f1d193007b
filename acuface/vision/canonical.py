"""The canonical face: one average frontal layout of the 478 landmarks in a fixed chart frame.

The chart frame is a ``1000 x 1250`` unit box with the package's convention (origin top-left,
``x`` right, ``y`` down). The client's right pupil sits at ``(330, 480)`` and the left pupil at
``(670, 480)``, so one pupil distance is 340 units.

How the layout was made (see :func:`build_canonical_layout`): the landmarks of the frontal shared
photos (:data:`FRONTAL_PHOTOS`) were each moved by the similarity transform that puts their pupils
on those two positions, averaged, then made symmetric about ``x = 500`` using the mirror pairing
of the landmarks (found by optimal assignment on the reflected average). Depth (MediaPipe's ``z``,
scaled like ``x``) is averaged the same way and serves as the 3-D reference for
:mod:`acuface.vision.pose`. The triangulation used by mesh anchors is the Delaunay triangulation of
the 468 mesh points of this layout (iris points excluded: they move with the gaze). Outline
polylines are MediaPipe's connection lists chained into paths.

Regenerate the data file (needs the shared photos and MediaPipe)::

    python -m acuface.vision.canonical ../shared/data/faces
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from acuface.vision.geometry import apply_transform, similarity_from_pupils, transform_scale
from acuface.vision.landmarks import LANDMARK_COUNT, FaceLandmarks

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

__all__ = [
    "CHART_HEIGHT",
    "CHART_WIDTH",
    "DATA_FILE",
    "FRONTAL_PHOTOS",
    "CanonicalLayout",
    "build_canonical_layout",
    "load_canonical",
]

CHART_WIDTH = 1000.0
CHART_HEIGHT = 1250.0
CHART_RIGHT_PUPIL = np.array([330.0, 480.0])
CHART_LEFT_PUPIL = np.array([670.0, 480.0])
#: Landmarks 0-467 are the face mesh; 468-477 the irises.
MESH_POINT_COUNT = 468
DATA_FILE = Path(__file__).resolve().parent / "data" / "canonical_face.json"

#: Shared photos (``../shared/data/faces``) used to build the layout: frontal, one face each
#: except the two-face photo, whose two faces are both used.
FRONTAL_PHOTOS = (
    "pd_obama_official_portrait_2012.jpg",
    "pd_grace_hopper_1984.jpg",
    "pd_eileen_collins_nasa.png",
    "cc0_codait_man_outdoor.png",
    "ccby_chris_pratt_2018.jpeg",
    "pd_two_faces_obama_biden.jpg",
    "pd_lowres_house_clyburn_b1940.jpg",
)


@dataclass(frozen=True, eq=False)
class CanonicalLayout:
    """The canonical face in the chart frame.

    Attributes
    ----------
    points : ndarray, shape (478, 2), dtype float64
        Landmark positions in chart units (``x`` right, ``y`` down).
    depth : ndarray, shape (478,), dtype float64
        Relative depth in chart units (smaller is nearer the viewer).
    mirror : ndarray, shape (478,), dtype int64
        ``mirror[i]`` is the landmark on the other side of the face matching ``i`` (itself on the
        midline).
    triangles : ndarray, shape (T, 3), dtype int64
        Landmark-index triangles covering the mesh (used by mesh anchors).
    outlines : dict of str to tuple of tuple of int
        Polylines (landmark indices) per feature: ``face_oval``, ``lips``, ``right_eye``,
        ``left_eye``, ``right_eyebrow``, ``left_eyebrow``, ``right_iris``, ``left_iris``,
        ``nose``.
    """

    points: FloatArray
    depth: FloatArray
    mirror: IntArray
    triangles: IntArray
    outlines: dict[str, tuple[tuple[int, ...], ...]]
    width: float = CHART_WIDTH
    height: float = CHART_HEIGHT

    def as_landmarks(self) -> FaceLandmarks:
        """The layout as :class:`FaceLandmarks`, so every recipe can run on it."""
        return FaceLandmarks(
            self.points.copy(), self.depth.copy(), int(self.width), int(self.height)
        )

    def outline_points(self) -> dict[str, list[FloatArray]]:
        """Outline polylines as coordinate arrays, each of shape ``(K, 2)`` in chart units."""
        return {
            name: [self.points[list(path)] for path in paths]
            for name, paths in self.outlines.items()
        }


def _chain_edges(edges: Sequence[tuple[int, int]]) -> tuple[tuple[int, ...], ...]:
    """Join undirected edges into polylines (closed loops repeat their first index)."""
    remaining = {tuple(sorted(e)) for e in edges}
    paths: list[tuple[int, ...]] = []
    while remaining:
        degree: dict[int, int] = {}
        for a, b in remaining:
            degree[a] = degree.get(a, 0) + 1
            degree[b] = degree.get(b, 0) + 1
        ends = sorted(i for i, d in degree.items() if d == 1)
        start = ends[0] if ends else min(degree)
        path = [start]
        while True:
            step = next((e for e in sorted(remaining) if path[-1] in e), None)
            if step is None:
                break
            remaining.discard(step)
            path.append(step[1] if step[0] == path[-1] else step[0])
        paths.append(tuple(path))
    return tuple(paths)


def _mirror_pairs(points: FloatArray, depth: FloatArray) -> IntArray:
    """Pair each landmark with its mirror image about ``x = CHART_WIDTH / 2`` (3-D distance)."""
    from scipy.optimize import linear_sum_assignment

    xyz = np.column_stack([points, depth])
    reflected = xyz.copy()
    reflected[:, 0] = CHART_WIDTH - reflected[:, 0]
    cost = ((xyz[:, None, :] - reflected[None, :, :]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    mirror = np.empty(len(points), dtype=np.int64)
    mirror[rows] = cols
    return mirror


def build_canonical_layout(
    faces: Sequence[FaceLandmarks], connections: dict[str, list[tuple[int, int]]]
) -> CanonicalLayout:
    """Average and symmetrise frontal faces into the chart frame.

    Parameters
    ----------
    faces : sequence of FaceLandmarks
        Frontal faces, any image size.
    connections : dict
        MediaPipe connection lists (:func:`acuface.vision.landmarks.mesh_connections`).
    """
    from scipy.spatial import Delaunay

    aligned = []
    depths = []
    for face in faces:
        matrix = similarity_from_pupils(face.points, CHART_RIGHT_PUPIL, CHART_LEFT_PUPIL)
        aligned.append(apply_transform(matrix, face.points))
        depths.append(face.depth * transform_scale(matrix))
    mean = np.mean(aligned, axis=0)
    depth = np.mean(depths, axis=0)
    # Mesh points and iris points are paired separately so an iris never pairs with the skin.
    mirror = np.concatenate(
        [
            _mirror_pairs(mean[:MESH_POINT_COUNT], depth[:MESH_POINT_COUNT]),
            _mirror_pairs(mean[MESH_POINT_COUNT:], depth[MESH_POINT_COUNT:]) + MESH_POINT_COUNT,
        ]
    )
    reflected = mean[mirror].copy()
    reflected[:, 0] = CHART_WIDTH - reflected[:, 0]
    points = (mean + reflected) / 2.0
    depth = (depth + depth[mirror]) / 2.0
    depth -= depth[:MESH_POINT_COUNT].mean()
    triangles = np.asarray(Delaunay(points[:MESH_POINT_COUNT]).simplices, dtype=np.int64)
    outlines = {name: _chain_edges(edges) for name, edges in connections.items()}
    return CanonicalLayout(points, depth, mirror, np.sort(triangles, axis=1), outlines)


def _write(layout: CanonicalLayout, path: Path) -> None:
    payload = {
        "description": "Acuface canonical face; regenerate with "
        "`python -m acuface.vision.canonical ../shared/data/faces`",
        "frame": {"width": layout.width, "height": layout.height, "x": "right", "y": "down"},
        "sources": list(FRONTAL_PHOTOS),
        "points": np.round(layout.points, 3).tolist(),
        "depth": np.round(layout.depth, 3).tolist(),
        "mirror": layout.mirror.tolist(),
        "triangles": layout.triangles.tolist(),
        "outlines": {k: [list(p) for p in v] for k, v in layout.outlines.items()},
    }
    path.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")


@functools.lru_cache(maxsize=1)
def load_canonical() -> CanonicalLayout:
    """The canonical layout read from the package's data file (read once per process)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    points = np.asarray(data["points"], dtype=np.float64)
    if points.shape != (LANDMARK_COUNT, 2):
        raise ValueError(f"corrupt canonical data file {DATA_FILE}")
    points.setflags(write=False)
    return CanonicalLayout(
        points=points,
        depth=np.asarray(data["depth"], dtype=np.float64),
        mirror=np.asarray(data["mirror"], dtype=np.int64),
        triangles=np.asarray(data["triangles"], dtype=np.int64),
        outlines={k: tuple(tuple(p) for p in v) for k, v in data["outlines"].items()},
        width=float(data["frame"]["width"]),
        height=float(data["frame"]["height"]),
    )


def main(argv: Sequence[str]) -> int:
    """Rebuild :data:`DATA_FILE` from the shared photos in ``argv[0]``."""
    from PIL import Image

    from acuface.vision.landmarks import detect_landmarks, mesh_connections

    faces_dir = Path(argv[0]) if argv else Path("../shared/data/faces")
    faces: list[FaceLandmarks] = []
    for name in FRONTAL_PHOTOS:
        with Image.open(faces_dir / name) as img:
            rgb = np.asarray(img.convert("RGB"))
        found = detect_landmarks(rgb).faces
        if not found:
            print(f"no face in {name}", file=sys.stderr)
            return 1
        faces.extend(found)
    layout = build_canonical_layout(faces, mesh_connections())
    _write(layout, DATA_FILE)
    print(f"wrote {DATA_FILE} from {len(faces)} faces")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
