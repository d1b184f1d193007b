"""Plan proposal (pure): each protocol builds a valid plan; every screening restriction applies."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuface.atlas.loading import read_data_file
from acuface.atlas.planning import (
    PointSpec,
    ProtocolLine,
    ProtocolSpec,
    Restrictions,
    propose_plan,
)
from acuface.atlas.rules import needle_problem, plan_rules, region_key

ATLAS = {
    row["code"]: PointSpec(
        code=row["code"],
        name=row["pinyin"],
        region=row["region"],
        is_facial=row["is_facial"],
        is_bilateral=row["is_bilateral"],
        gauge_default_mm=Decimal(row["gauge_default_mm"]),
        length_default_mm=Decimal(row["length_default_mm"]),
    )
    for row in read_data_file("points.json")["points"]
}
PROTOCOLS = {
    (row["kind"], row["key"]): ProtocolSpec(
        key=row["key"],
        kind=row["kind"],
        name=row["name"],
        lines=tuple(ProtocolLine(i["code"], i["needle_type"]) for i in row["points"]),
    )
    for row in read_data_file("protocols.json")["protocols"]
}
NONE = Restrictions()


def propose(
    concerns: list[str],
    constitution: tuple[str, ...] = (),
    restrictions: Restrictions = NONE,
):  # type: ignore[no-untyped-def]
    return propose_plan(
        concerns=concerns,
        constitution_types=constitution,
        restrictions=restrictions,
        protocols=PROTOCOLS,
        atlas=ATLAS,
    )


@pytest.mark.parametrize("key", sorted(PROTOCOLS), ids=[f"{k}:{v}" for k, v in sorted(PROTOCOLS)])
def test_each_protocol_builds_a_valid_plan(key: tuple[str, str]) -> None:
    kind, name = key
    plan = propose([name] if kind == "concern" else [], (name,) if kind == "constitution" else ())
    protocol = PROTOCOLS[key]
    expected = {(c.code, side) for c in protocol.lines for side in ATLAS[c.code].sides}
    assert {(ln.code, ln.side) for ln in plan.lines} == expected
    assert plan.expected_needle_count == len(expected)
    for line in plan.lines:
        assert not line.is_excluded
        assert line.source == protocol.name
        point = ATLAS[line.code]
        assert (
            needle_problem(is_facial=point.is_facial, gauge_mm=line.gauge_mm, override_reason="")
            is None
        )
        assert line.gauge_mm > 0 and line.length_mm > 0


def test_a_point_named_twice_appears_once_with_the_first_needle_type() -> None:
    first = propose(["forehead_lines", "frown_lines"])
    yintang = [ln for ln in first.lines if ln.code == "EX-HN3"]
    assert [(ln.side, ln.needle_type) for ln in yintang] == [("midline", "filiform")]
    other = propose(["frown_lines", "forehead_lines"])
    line = next(ln for ln in other.lines if ln.code == "EX-HN3")
    intradermal = plan_rules().needle_types["intradermal"]
    assert (line.needle_type, line.gauge_mm, line.length_mm) == (
        "intradermal",
        intradermal.gauge_mm,
        intradermal.length_mm,
    )


def test_unknown_concerns_are_reported_not_planned() -> None:
    plan = propose(["crows_feet", "<script>alert(1)</script>"])
    assert plan.unknown == ("<script>alert(1)</script>",)
    assert {ln.code for ln in plan.lines} == {"GB1", "TE23", "EX-HN5"}


# One row per screening rule that restricts points (rule ids of acuface/intake's rules file).
# Rules that defer "the treated area" get their regions from the answers: a typical one is used.
EXCLUSION_TABLE = [
    # rule, forbidden, deferred regions, concerns, constitution, must be excluded, must be kept
    ("skin-active-face", (), ("whole_face",), ["crows_feet", "dull_complexion"], (),
     {("GB1", "right"), ("GB1", "left"), ("TE23", "left"), ("EX-HN5", "right")},
     {("LI4", "right"), ("ST36", "left")}),
    ("acute-illness-today", (), ("whole_face",), ["nasolabial_folds"], (),
     {("LI20", "right"), ("ST3", "left"), ("SI18", "right"), ("ST4", "left")}, set()),
    ("pregnancy-points", ("LI4", "SP6", "BL60", "BL67", "GB21", "CV4", "CV6"), (),
     ["dull_complexion", "jaw_tension"], ("yin_deficiency", "yang_deficiency"),
     {("LI4", "right"), ("LI4", "left"), ("SP6", "right"), ("SP6", "left"), ("CV4", "midline")},
     {("ST36", "right"), ("KI3", "left"), ("KI7", "right"), ("ST6", "left")}),
    ("pregnancy-first-trimester", (), ("whole_face",), ["forehead_lines"], (),
     {("GB14", "right"), ("EX-HN3", "midline"), ("ST8", "left")}, set()),
    ("bleeding-disorder", ("ST1", "BL1", "EX-HN7"), (), ["under_eye"], (),
     {("EX-HN7", "right"), ("EX-HN7", "left")}, {("ST2", "right"), ("ST2", "left")}),
    ("anticoagulant", ("ST1", "BL1", "EX-HN7"), (), ["under_eye"], (),
     {("EX-HN7", "right"), ("EX-HN7", "left")}, {("ST2", "right"), ("ST2", "left")}),
    ("botox-recent", (), ("forehead", "glabella"), ["forehead_lines", "frown_lines", "crows_feet"],
     (), {("GB14", "left"), ("EX-HN4", "right"), ("ST8", "right"), ("EX-HN3", "midline"),
          ("BL2", "left")}, {("GB1", "right"), ("TE23", "left")}),
    ("filler-recent", (), ("nasolabial_left",), ["nasolabial_folds"], (),
     {("LI20", "left")}, {("LI20", "right"), ("ST3", "left"), ("ST4", "left")}),
    ("peel-recent", (), ("perioral",), ["jowls_marionette"], (),
     {("ST4", "right"), ("ST4", "left")}, {("CV24", "midline"), ("ST5", "right")}),
    ("laser-recent", (), ("cheek_right",), ["nasolabial_folds"], (),
     {("ST3", "right"), ("SI18", "right")}, {("ST3", "left"), ("SI18", "left"), ("LI20", "right")}),
    ("microneedling-recent", (), ("under_eye_left",), ["under_eye"], (),
     {("ST2", "left"), ("EX-HN7", "left")}, {("ST2", "right"), ("EX-HN7", "right")}),
    ("threads-recent", (), ("jowl_left", "jowl_right"), ["jowls_marionette"], (),
     {("ST5", "left"), ("ST5", "right"), ("ST6", "left"), ("ST6", "right")},
     {("ST4", "left"), ("CV24", "midline")}),
    ("today-procedure-recent", (), ("chin", "crow_feet_right"), ["jowls_marionette", "crows_feet"],
     (), {("CV24", "midline"), ("GB1", "right"), ("EX-HN5", "right")},
     {("GB1", "left"), ("EX-HN5", "left"), ("ST5", "left")}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "forbidden", "deferred", "concerns", "constitution", "excluded", "kept"),
    EXCLUSION_TABLE,
    ids=[row[0] for row in EXCLUSION_TABLE],
)
def test_screening_exclusions(
    rule: str,
    forbidden: tuple[str, ...],
    deferred: tuple[str, ...],
    concerns: list[str],
    constitution: tuple[str, ...],
    excluded: set[tuple[str, str]],
    kept: set[tuple[str, str]],
) -> None:
    message = f"message of {rule}"
    restrictions = Restrictions(
        forbidden_points=dict.fromkeys(forbidden, message),
        deferred_regions=dict.fromkeys(deferred, message),
    )
    plan = propose(concerns, constitution, restrictions)
    by_key = {(ln.code, ln.side): ln for ln in plan.lines}
    for key in excluded:
        assert by_key[key].is_excluded, key
        assert message in by_key[key].exclusion_reason
    for key in kept:
        assert not by_key[key].is_excluded, key
    unrestricted = propose(concerns, constitution)
    assert {(ln.code, ln.side) for ln in unrestricted.lines} == set(by_key), "excluded lines stay"
    assert plan.expected_needle_count == unrestricted.expected_needle_count - sum(
        ln.is_excluded for ln in plan.lines
    )


def test_the_table_has_a_row_for_every_intake_rule_that_restricts_points() -> None:
    rules_file = Path(__file__).resolve().parents[2] / "intake" / "data" / "screening_rules.json"
    rules = json.loads(rules_file.read_text(encoding="utf-8"))["rules"]
    restricting = {
        r["id"]
        for r in rules
        if r.get("forbidden_points") or r.get("deferred_regions") or "{until}" in str(r)
    }
    assert restricting <= {row[0] for row in EXCLUSION_TABLE}
    for rule in rules:
        row = next((r for r in EXCLUSION_TABLE if r[0] == rule["id"]), None)
        if row is not None and rule.get("forbidden_points"):
            in_atlas = [c for c in rule["forbidden_points"] if c in ATLAS]
            assert set(in_atlas) <= set(row[1]), rule["id"]


@settings(max_examples=60, deadline=None)
@given(
    concerns=st.lists(st.sampled_from(sorted(plan_rules().concerns)), unique=True),
    forbidden=st.sets(st.sampled_from(sorted(ATLAS))),
    deferred=st.sets(st.sampled_from(sorted(plan_rules().regions))),
)
def test_no_restricted_point_is_ever_planned(
    concerns: list[str], forbidden: set[str], deferred: set[str]
) -> None:
    restrictions = Restrictions(
        forbidden_points=dict.fromkeys(forbidden, "flag"),
        deferred_regions=dict.fromkeys(deferred, "flag"),
    )
    plan = propose(concerns, (), restrictions)
    keys = [(ln.code, ln.side) for ln in plan.lines]
    assert len(keys) == len(set(keys))
    for line in plan.lines:
        if line.is_excluded:
            continue
        assert line.code not in forbidden
        point = ATLAS[line.code]
        if point.is_facial:
            assert "whole_face" not in deferred
            assert region_key(point.region, line.side) not in deferred
