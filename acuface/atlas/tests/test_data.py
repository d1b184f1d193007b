"""The atlas data files: complete, consistent with the vision recipes, loadable again."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from acuface.atlas.loading import load_atlas_data, read_data_file
from acuface.atlas.models import Point, Protocol
from acuface.atlas.rules import SIDED_REGIONS, plan_rules, region_key
from acuface.vision.points import POINT_RECIPES, RECIPES

# CLINICAL.md section 5 (facial) and the body points the issue names.
FACIAL_CODES = {
    "EX-HN3", "BL2", "EX-HN4", "TE23", "GB14", "GB1", "EX-HN5", "ST1", "ST2", "EX-HN7", "ST3",
    "SI18", "LI20", "LI19", "GV25", "GV26", "ST4", "CV24", "ST5", "ST6", "ST7", "SI19", "TE21",
    "GB2", "GV24", "ST8",
}  # fmt: skip
BODY_CODES = {
    "LI4", "LI11", "ST36", "ST40", "SP6", "SP9", "SP10", "LR3", "KI3", "KI7", "CV4", "CV6", "GV20",
}  # fmt: skip
CONCERNS = {
    "forehead_lines", "frown_lines", "crows_feet", "under_eye", "nasolabial_folds",
    "jowls_marionette", "jaw_tension", "dull_complexion",
}  # fmt: skip
CONSTITUTION_ADD_ONS = {  # CLINICAL.md section 4
    "qi_deficiency": {"ST36", "CV6"},
    "yin_deficiency": {"KI3", "SP6"},
    "qi_stagnation": {"LR3", "LI4"},
    "blood_stasis": {"SP10"},
    "phlegm_dampness": {"ST40", "SP9"},
    "damp_heat": {"LI11"},
    "yang_deficiency": {"CV4", "KI7"},
}
POINTS = read_data_file("points.json")["points"]
PROTOCOLS = read_data_file("protocols.json")["protocols"]


def test_every_required_point_is_in_the_atlas_once() -> None:
    codes = [p["code"] for p in POINTS]
    assert len(codes) == len(set(codes))
    assert {p["code"] for p in POINTS if p["is_facial"]} == FACIAL_CODES
    assert {p["code"] for p in POINTS if not p["is_facial"]} >= BODY_CODES


@pytest.mark.parametrize("row", POINTS, ids=[p["code"] for p in POINTS])
def test_each_point_is_complete_and_coherent(row: dict[str, object]) -> None:
    for name in ("pinyin", "english", "channel", "location", "angle", "photo_note"):
        assert str(row[name]).strip(), name
    mm = {k: Decimal(str(v)) for k, v in row.items() if str(k).endswith("_mm")}
    assert 0 < mm["depth_min_mm"] <= mm["depth_max_mm"]
    assert mm["gauge_min_mm"] <= mm["gauge_default_mm"] <= mm["gauge_max_mm"]
    assert mm["length_min_mm"] <= mm["length_default_mm"] <= mm["length_max_mm"]
    if row["is_facial"]:
        assert mm["gauge_max_mm"] <= plan_rules().facial_max_gauge_mm
        sides = ("right", "left") if row["is_bilateral"] else ("midline",)
        assert row["region"] in plan_rules().regions or row["region"] in SIDED_REGIONS
        for side in sides:
            assert region_key(str(row["region"]), side) in plan_rules().regions
    else:
        assert row["region"] == "body"


@pytest.mark.parametrize("code", sorted(FACIAL_CODES), ids=sorted(FACIAL_CODES))
def test_recipe_ids_match_the_vision_recipes(code: str) -> None:
    row = next(p for p in POINTS if p["code"] == code)
    assert (row["recipe_id"] or None) == POINT_RECIPES[code]
    if row["recipe_id"]:
        assert RECIPES[row["recipe_id"]].code == code
        assert row["chart_x"] is None, (
            "a photo-locatable point takes its chart position from vision"
        )
    else:
        assert "not locatable from a frontal photo" in row["photo_note"]
        assert row["chart_x"] is not None and row["chart_y"] is not None


@pytest.mark.parametrize(("code", "flag"), [("LI4", "Pregnancy"), ("SP6", "Pregnancy")])
def test_pregnancy_contraindications_are_written(code: str, flag: str) -> None:
    row = next(p for p in POINTS if p["code"] == code)
    assert flag in row["contraindications"]


@pytest.mark.parametrize(("code", "word"), [("ST1", "haematoma"), ("ST5", "artery")])
def test_cautions_are_written(code: str, word: str) -> None:
    row = next(p for p in POINTS if p["code"] == code)
    assert word in row["cautions"]


def test_protocols_cover_every_concern_and_constitution_type() -> None:
    concerns = {p["key"] for p in PROTOCOLS if p["kind"] == "concern"}
    assert concerns == CONCERNS == set(plan_rules().concerns)
    add_ons = {
        p["key"]: {i["code"] for i in p["points"]} for p in PROTOCOLS if p["kind"] == "constitution"
    }
    assert add_ons == CONSTITUTION_ADD_ONS
    for protocol in PROTOCOLS:
        for item in protocol["points"]:
            assert item["needle_type"] in plan_rules().needle_types


@pytest.mark.django_db
def test_the_data_migration_loaded_everything() -> None:
    assert Point.objects.count() == len(POINTS)
    assert Protocol.objects.filter(clinic__isnull=True, is_current=True).count() == len(PROTOCOLS)


@pytest.mark.django_db
def test_loading_again_changes_nothing_and_a_changed_protocol_gets_a_new_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = load_atlas_data(point_model=Point, protocol_model=Protocol)
    assert (again.points_created, again.protocols_created) == (0, 0)
    assert again.protocols_unchanged == len(PROTOCOLS)

    edited = json.loads(json.dumps({"protocols": PROTOCOLS}))
    edited["protocols"][0]["points"] = edited["protocols"][0]["points"][:1]
    (tmp_path / "protocols.json").write_text(json.dumps(edited))
    (tmp_path / "points.json").write_text(json.dumps({"points": POINTS}))
    monkeypatch.setattr("acuface.atlas.loading.DATA_DIR", tmp_path)
    result = load_atlas_data(point_model=Point, protocol_model=Protocol)
    assert result.protocols_created == 1
    key = edited["protocols"][0]["key"]
    versions = Protocol.objects.filter(clinic__isnull=True, key=key).order_by("version")
    assert [(p.version, p.is_current) for p in versions] == [(1, False), (2, True)]


@pytest.mark.django_db
def test_a_protocol_naming_an_unknown_point_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = [
        {
            "key": "x",
            "kind": "concern",
            "name": "X",
            "points": [{"code": "ZZ9", "needle_type": "filiform"}],
        }
    ]
    (tmp_path / "protocols.json").write_text(json.dumps({"protocols": broken}))
    (tmp_path / "points.json").write_text(json.dumps({"points": POINTS}))
    monkeypatch.setattr("acuface.atlas.loading.DATA_DIR", tmp_path)
    with pytest.raises(ValueError, match="ZZ9"):
        load_atlas_data(point_model=Point, protocol_model=Protocol)
