"""The entry point and its stored form."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pytest

from acuface.vision.analysis import ANALYSIS_VERSION, analyse_photo, face_from_dict
from acuface.vision.anchors import MeshAnchor, place_anchor
from acuface.vision.quality import QualityThresholds
from acuface.vision.regions import REGIONS
from acuface.vision.tests.augment import ImageArray

Loader = Callable[[str], ImageArray]


def test_full_analysis_round_trips_through_json(photo: Loader) -> None:
    result = analyse_photo(photo("pd_grace_hopper_1984.jpg"))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["version"] == ANALYSIS_VERSION
    assert data["image"] == {"width": 512, "height": 600}
    assert data["quality"]["is_analysable"] and data["quality"]["are_metrics_measurable"]
    assert len(data["face"]["landmarks"]) == 478
    assert {p["code"] for p in data["points"]["points"]} >= {"EX-HN3", "ST2", "GV24"}
    assert [r["region_id"] for r in data["metrics"]["regions"]] == list(REGIONS)
    assert len(data["chart_transform"]) == 2
    # A stored anchor placed on stored landmarks gives the stored point back.
    face = face_from_dict(data["face"], 512, 600)
    st2 = next(p for p in data["points"]["points"] if p["code"] == "ST2" and p["side"] == "left")
    again = place_anchor(face, MeshAnchor.from_dict(st2["anchor"]))
    assert np.abs(again - st2["xy"]).max() < 0.05  # landmarks are stored to 0.01 px


def test_no_face(photo: Loader) -> None:
    result = analyse_photo(photo("nonface_cat_chelsea_cc0.png"))
    assert result.face is None and result.points is None and result.metrics is None
    data = result.to_dict()
    assert data["quality"]["failures"][0]["code"] == "no_face"
    json.dumps(data)


def test_two_faces_analyse_the_largest(photo: Loader) -> None:
    result = analyse_photo(photo("pd_two_faces_obama_biden.jpg"))
    assert result.quality.face_count == 2
    assert result.points is not None
    assert "several_faces" in result.quality.codes


def test_blocking_gate_withholds_points(photo: Loader) -> None:
    result = analyse_photo(photo("pd_grace_hopper_128px.png"))
    assert "face_too_small" in result.quality.codes
    assert result.face is not None and result.points is None and result.metrics is None


def test_thresholds_and_variant_are_passed_on(photo: Loader) -> None:
    image = photo("pd_grace_hopper_1984.jpg")
    strict = analyse_photo(image, thresholds=QualityThresholds(min_pupil_distance_px=500))
    assert "face_too_small" in strict.quality.codes
    classical = analyse_photo(image, gv26_variant="classical_upper_third")
    assert classical.points is not None and classical.points.gv26_variant == "classical_upper_third"


def test_rejects_non_rgb_arrays() -> None:
    with pytest.raises(ValueError):
        analyse_photo(np.zeros((100, 100), dtype=np.uint8))
