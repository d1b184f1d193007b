"""Benchmark of acuface.vision: speed, point stability and wrinkle-index repeatability.

Run from the repository root (needs ../shared/data/faces)::

    .venv/bin/python bench/bench_vision.py            # everything
    .venv/bin/python bench/bench_vision.py --runs 3   # fewer timing runs

Photos are the shared face photos resized to a 1024 px long side. Figures printed:

- time per photo for the landmark step alone (two MediaPipe passes, see
  ``acuface.vision.landmarks.detect_landmarks``) and for the whole ``analyse_photo``
  (landmarks, quality gates, points, skin metrics), one process: median and p95, and their ratio;
- stability: displacement of the placed points after each augmentation, mapped back through
  the known transform, as % of the pupil distance (mean over points, then mean / worst over
  photos), next to the raw landmarks' displacement;
- repeatability: coefficient of variation of each region's wrinkle index across the original
  and the augmentations that pass the quality gates (mean and worst over photos);
- throughput of ``analyse_photo`` over the photos with 1 and 2 worker processes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from acuface.vision.analysis import analyse_photo
from acuface.vision.geometry import apply_transform, invert_transform
from acuface.vision.landmarks import detect_landmarks
from acuface.vision.points import place_points
from acuface.vision.regions import REGIONS
from acuface.vision.tests.augment import (
    AUGMENTATIONS,
    FACES_DIR,
    FRONTAL_FACE_PHOTOS,
    TWO_FACE_PHOTO,
    ImageArray,
    augment,
    load_photo,
    resize_long_side,
)

PHOTOS = [*FRONTAL_FACE_PHOTOS, TWO_FACE_PHOTO]
MIN_PUPIL_PX = 25.0


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def bench_speed(images: dict[str, ImageArray], runs: int) -> None:
    landmark_times: list[float] = []
    whole_times: list[float] = []
    single_times: list[float] = []
    for image in images.values():
        analyse_photo(image)  # warm-up (model load, caches)
        for _ in range(runs):
            start = time.perf_counter()
            detect_landmarks(image, refine=False)
            single_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            detect_landmarks(image)
            landmark_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            analyse_photo(image)
            whole_times.append(time.perf_counter() - start)
    print(f"## Speed ({len(images)} photos x {runs} runs, ~1024 px long side, one process)")
    print(f"{'step':38s} {'median ms':>10s} {'p95 ms':>8s}")
    for label, values in (
        ("landmarks, one MediaPipe pass", single_times),
        ("landmarks (two passes, as used)", landmark_times),
        ("whole analyse_photo", whole_times),
    ):
        median = statistics.median(values) * 1000
        print(f"{label:38s} {median:10.1f} {_percentile(values, 95) * 1000:8.1f}")
    ratio = statistics.median(whole_times) / statistics.median(landmark_times)
    print(f"ratio whole / landmarks (medians): {ratio:.2f} (target <= 2)")
    print()


def bench_stability(images: dict[str, ImageArray]) -> None:
    print("## Stability of points (% of pupil distance; mean over points)")
    print(f"{'augmentation':16s} {'points mean':>12s} {'points worst':>13s} {'max point':>10s}"
          f" {'landmarks mean':>15s}  photos")  # fmt: skip
    for name in AUGMENTATIONS:
        means: list[float] = []
        maxima: list[float] = []
        raw: list[float] = []
        for image in images.values():
            reference = detect_landmarks(image).largest
            if reference is None:
                continue
            changed, matrix = augment(image, name)
            scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
            if reference.pupil_distance * scale < MIN_PUPIL_PX:
                continue
            found = detect_landmarks(changed)
            if not found.faces:
                continue
            back = invert_transform(matrix)
            mapped = [apply_transform(back, f.points) for f in found.faces]
            moved = min(mapped, key=lambda p: float(np.linalg.norm(p[468] - reference.points[468])))
            before = place_points(reference).positions()
            after = place_points(moved).positions()
            shift = np.linalg.norm(after - before, axis=1) / reference.pupil_distance * 100
            lm = np.linalg.norm(moved - reference.points, axis=1) / reference.pupil_distance * 100
            means.append(float(shift.mean()))
            maxima.append(float(shift.max()))
            raw.append(float(lm.mean()))
        print(f"{name:16s} {np.mean(means):11.2f}% {np.max(means):12.2f}% {np.max(maxima):9.2f}%"
              f" {np.mean(raw):14.2f}%  {len(means)}")  # fmt: skip
    print()


def bench_repeatability(images: dict[str, ImageArray]) -> None:
    print("## Repeatability of the wrinkle index (CV % across original + augmentations)")
    per_region: dict[str, list[float]] = {rid: [] for rid in REGIONS}
    worst_photo: dict[str, str] = {}
    used = []
    for photo, image in images.items():
        runs = [analyse_photo(image)] + [analyse_photo(augment(image, a)[0]) for a in AUGMENTATIONS]
        metrics = [r.metrics for r in runs if r.metrics is not None]
        if runs[0].metrics is None or len(metrics) < 6:
            continue
        used.append(f"{photo} ({len(metrics)} of {len(runs)} measured)")
        for rid in REGIONS:
            values = [m.get(rid).wrinkle_index for m in metrics]
            clean = np.array([v for v in values if v is not None])
            if len(clean) >= 6:
                cv = float(clean.std() / clean.mean() * 100)
                if not per_region[rid] or cv > max(per_region[rid]):
                    worst_photo[rid] = photo
                per_region[rid].append(cv)
    print("photos: " + "; ".join(used))
    print(f"{'region':20s} {'mean CV':>8s} {'worst CV':>9s}  worst photo")
    for rid, cvs in per_region.items():
        if cvs:
            print(f"{rid:20s} {np.mean(cvs):7.1f}% {np.max(cvs):8.1f}%  {worst_photo[rid]}")
    every = [v for cvs in per_region.values() for v in cvs]
    print(f"{'all regions':20s} {np.mean(every):7.1f}% {np.max(every):8.1f}%"
          f"   (median {np.median(every):.1f}%)")  # fmt: skip
    print()


def _analyse(image: ImageArray) -> int:
    return len(analyse_photo(image).to_dict())


def _single_threaded_opencv() -> None:
    # Worker processes already fill the cores; OpenCV's own threads would only compete.
    import cv2

    cv2.setNumThreads(1)


def bench_throughput(images: dict[str, ImageArray], repeat: int) -> None:
    print("## Throughput of analyse_photo over the photos")
    work = list(images.values()) * repeat
    for processes in (1, 2):
        with get_context("spawn").Pool(processes, initializer=_single_threaded_opencv) as pool:
            pool.map(_analyse, list(images.values())[:processes])  # load models
            start = time.perf_counter()
            pool.map(_analyse, work, chunksize=1)
            elapsed = time.perf_counter() - start
        print(
            f"{processes} process(es), OpenCV single-threaded: {len(work) / elapsed:6.1f} photos/s"
            f" ({len(work)} photos)"
        )
    print(f"(machine: {os.cpu_count()} cores, shared with other work: figures vary with load)")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timing runs per photo")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--only", choices=["speed", "stability", "repeatability"], default=None)
    args = parser.parse_args()
    if not FACES_DIR.is_dir():
        print(f"shared photos not found at {FACES_DIR}", file=sys.stderr)
        return 1
    images = {name: resize_long_side(load_photo(name), 1024) for name in PHOTOS}
    if args.only in (None, "speed"):
        bench_speed(images, args.runs)
    if args.only in (None, "stability"):
        bench_stability(images)
    if args.only in (None, "repeatability"):
        bench_repeatability(images)
    if args.only is None and not args.no_throughput:
        bench_throughput(images, repeat=4)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
