"""Every screening and risk rule of data/screening_rules.json, table-driven (answers → flags).

Expected levels and intervals come from CLINICAL.md §3 (e.g. Botox within 2 weeks, fillers
within 2 to 4 weeks: we use the longer 4 weeks, peels/laser/microneedling 2 weeks).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from acuface.intake.examples import constitution_answers, healthy_answers, today_answers
from acuface.intake.questionnaire import parse_schema
from acuface.intake.screening import (
    EFFECTS,
    RulesError,
    classify,
    evaluate,
    parse_rules,
    screen,
    transformed_score,
)

DATA = Path(__file__).resolve().parent.parent / "data"
RULES_RAW = json.loads((DATA / "screening_rules.json").read_text(encoding="utf-8"))
BOOK = parse_rules(RULES_RAW)
SCHEMA = parse_schema(json.loads((DATA / "questionnaire_v1.json").read_text(encoding="utf-8")))
ON = dt.date(2026, 11, 25)
PERIORBITAL = {"ST1", "BL1", "EX-HN7"}


def days_ago(n: int) -> str:
    return (ON - dt.timedelta(days=n)).isoformat()


def run(overrides: dict[str, Any], today: dict[str, Any] | None = None, on: dt.date = ON) -> Any:
    return screen(
        schema=SCHEMA,
        book=BOOK,
        answers=healthy_answers(**overrides),
        on=on,
        today_answers=today_answers(**today) if today is not None else None,
    )


# (case, intake answers changed from a healthy client, today's check changes or None,
#  expected {rule_id: level}) — the flags must be exactly these.
FLAG_CASES: list[tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, str]]] = [
    ("healthy", {}, None, {}),
    ("healthy with a plain today check", {}, {}, {}),
    ("cold sore", {"skin_today": ["cold_sore"]}, None, {"skin-active-face": "defer"}),
    ("infected spot", {"skin_today": ["infection"]}, None, {"skin-active-face": "defer"}),
    ("open wound", {"skin_today": ["open_wound"]}, None, {"skin-active-face": "defer"}),
    ("inflamed acne", {"skin_today": ["inflamed_acne"]}, None, {"skin-active-face": "defer"}),
    ("dermatitis flare", {"skin_today": ["dermatitis_flare"]}, None, {"skin-active-face": "defer"}),
    ("sunburn", {"skin_today": ["sunburn"]}, None, {"skin-sunburn": "caution"}),
    ("fever today", {}, {"today_unwell": True}, {"acute-illness-today": "defer"}),
    ("ill when filling in", {"unwell_now": True}, None, {"unwell-at-intake": "caution"}),
    (
        "pregnant, second trimester",
        {"pregnant": "yes", "pregnancy_trimester": "second"},
        None,
        {"pregnancy-points": "caution"},
    ),
    (
        "pregnant, first trimester",
        {"pregnant": "yes", "pregnancy_trimester": "first"},
        None,
        {"pregnancy-points": "caution", "pregnancy-first-trimester": "defer"},
    ),
    (
        "not sure if pregnant",
        {"pregnant": "not_sure"},
        None,
        {"pregnancy-points": "caution", "pregnancy-first-trimester": "defer"},
    ),
    (
        "pregnant since the intake (today's check)",
        {},
        {"today_pregnant": "yes", "today_pregnancy_trimester": "first"},
        {"pregnancy-points": "caution", "pregnancy-first-trimester": "defer"},
    ),
    (
        "haemophilia",
        {"bleeding_disorder": True, "bleeding_disorder_kind": "haemophilia"},
        None,
        {"bleeding-disorder": "caution"},
    ),
    (
        "warfarin",
        {"anticoagulant": True, "anticoagulant_kind": "warfarin"},
        None,
        {"anticoagulant": "caution"},
    ),
    (
        "apixaban only in the medication list",
        {"medications": [{"name": "Eliquis (apixaban)", "dose": "5 mg"}]},
        None,
        {"anticoagulant": "caution"},
    ),
    (
        "new anticoagulant since the intake",
        {},
        {
            "today_new_medicines": True,
            "today_new_medicines_list": [{"name": "Rivaroxaban", "dose": ""}],
        },
        {"anticoagulant": "caution", "new-medicines-today": "note"},
    ),
    (
        "aspirin",
        {"antiplatelet": True, "antiplatelet_kind": ["aspirin"]},
        None,
        {"antiplatelet": "caution"},
    ),
    (
        "clopidogrel in the list",
        {"medications": [{"name": "clopidogrel", "dose": "75mg"}]},
        None,
        {"antiplatelet": "caution"},
    ),
    ("fish oil", {"supplements": ["fish_oil"]}, None, {"bleeding-supplements": "caution"}),
    ("ginkgo", {"supplements": ["ginkgo"]}, None, {"bleeding-supplements": "caution"}),
    ("vitamin E", {"supplements": ["vitamin_e"]}, None, {"bleeding-supplements": "caution"}),
    ("turmeric", {"supplements": ["turmeric"]}, None, {"bleeding-supplements": "caution"}),
    (
        "chemotherapy",
        {"immunosuppressed": True, "immunosuppression_kind": ["chemotherapy"]},
        None,
        {"immunosuppression": "caution"},
    ),
    ("high-dose steroids", {"steroids": "tablets_high"}, None, {"immunosuppression": "caution"}),
    ("low-dose steroids", {"steroids": "tablets_low"}, None, {}),
    (
        "uncontrolled diabetes",
        {"diabetes": True, "diabetes_control": "not_well"},
        None,
        {"diabetes-uncontrolled": "caution"},
    ),
    ("controlled diabetes", {"diabetes": True, "diabetes_control": "well"}, None, {}),
    ("nickel allergy", {"metal_allergy": True}, None, {"metal-allergy": "caution"}),
    ("needle fear 7", {"needle_fear": 7}, None, {"needle-fear": "caution"}),
    ("needle fear 6", {"needle_fear": 6}, None, {}),
    ("fainted before", {"fainted": True}, None, {"fainting-history": "caution"}),
    ("first acupuncture", {"acupuncture_before": "never"}, None, {"first-acupuncture": "note"}),
    ("has not eaten", {}, {"today_eaten": False}, {"not-eaten": "caution"}),
    (
        "botox 13 days ago",
        {"botox_had": True, "botox_date": days_ago(13), "botox_regions": ["forehead"]},
        None,
        {"botox-recent": "defer"},
    ),
    (
        "botox 14 days ago (interval passed)",
        {"botox_had": True, "botox_date": days_ago(14), "botox_regions": ["forehead"]},
        None,
        {},
    ),
    (
        "filler 27 days ago",
        {"filler_had": True, "filler_date": days_ago(27), "filler_regions": ["nasolabial_left"]},
        None,
        {"filler-recent": "defer"},
    ),
    (
        "filler 28 days ago",
        {"filler_had": True, "filler_date": days_ago(28), "filler_regions": ["nasolabial_left"]},
        None,
        {},
    ),
    (
        "peel 10 days ago",
        {"peel_had": True, "peel_date": days_ago(10), "peel_regions": ["whole_face"]},
        None,
        {"peel-recent": "defer"},
    ),
    (
        "laser 3 days ago",
        {"laser_had": True, "laser_date": days_ago(3), "laser_regions": ["cheek_left"]},
        None,
        {"laser-recent": "defer"},
    ),
    (
        "microneedling yesterday",
        {
            "microneedling_had": True,
            "microneedling_date": days_ago(1),
            "microneedling_regions": ["chin"],
        },
        None,
        {"microneedling-recent": "defer"},
    ),
    (
        "threads 20 days ago",
        {"threads_had": True, "threads_date": days_ago(20), "threads_regions": ["jowl_left"]},
        None,
        {"threads-recent": "defer"},
    ),
    (
        "filler since the intake (today's check)",
        {},
        {
            "today_new_procedure": True,
            "today_procedure_kind": "filler",
            "today_procedure_date": days_ago(5),
            "today_procedure_regions": ["perioral"],
        },
        {"today-procedure-recent": "defer"},
    ),
    ("keloids", {"keloid": True}, None, {"keloid": "caution"}),
    (
        "blood pressure not controlled",
        {"blood_pressure": "high_uncontrolled"},
        None,
        {"blood-pressure-uncontrolled": "caution"},
    ),
    ("controlled blood pressure", {"blood_pressure": "high_controlled"}, None, {}),
    ("severe migraines", {"migraines": "severe"}, None, {"migraine-severe": "caution"}),
    ("occasional migraines", {"migraines": "occasional"}, None, {}),
    (
        "epilepsy with a recent seizure",
        {"epilepsy": True, "epilepsy_control": "seizures"},
        None,
        {"epilepsy-uncontrolled": "caution"},
    ),
    ("epilepsy controlled", {"epilepsy": True, "epilepsy_control": "no_seizures"}, None, {}),
    ("eczema", {"skin_conditions": ["eczema"]}, None, {"sensitive-skin": "caution"}),
    ("sensitive skin", {"skin_conditions": ["sensitive"]}, None, {"sensitive-skin": "caution"}),
    ("pacemaker", {"pacemaker": True}, None, {"pacemaker": "caution"}),
    ("isotretinoin now", {"isotretinoin": "now"}, None, {"isotretinoin": "caution"}),
    ("isotretinoin long ago", {"isotretinoin": "past"}, None, {}),
    (
        "other allergies",
        {"other_allergies": True, "allergies_details": "penicillin"},
        None,
        {"other-allergies": "note"},
    ),
]


@pytest.mark.parametrize(
    ("overrides", "today", "expected"),
    [c[1:] for c in FLAG_CASES],
    ids=[c[0] for c in FLAG_CASES],
)
def test_flags(
    overrides: dict[str, Any], today: dict[str, Any] | None, expected: dict[str, str]
) -> None:
    result = run(overrides, today)
    assert {f.rule_id: f.level for f in result.flags} == expected
    assert result.has_defer == ("defer" in expected.values())


def test_every_screening_rule_has_a_case() -> None:
    covered = {rule for case in FLAG_CASES for rule in case[3]}
    assert {r.id for r in BOOK.rules} == covered


def test_flags_come_defer_first() -> None:
    result = run(
        {"acupuncture_before": "never", "metal_allergy": True, "skin_today": ["cold_sore"]}
    )
    assert [f.level for f in result.flags] == ["defer", "caution", "note"]


def test_pregnancy_forbids_the_points_clinical_md_names() -> None:
    result = run({"pregnant": "yes", "pregnancy_trimester": "third"})
    assert {"LI4", "SP6", "BL60", "BL67", "GB21"} <= result.forbidden_points
    assert {"CV3", "CV4", "CV6"} <= result.forbidden_points  # lower-abdominal points


@pytest.mark.parametrize(
    "overrides",
    [
        {"anticoagulant": True, "anticoagulant_kind": "apixaban"},
        {"bleeding_disorder": True, "bleeding_disorder_kind": "von_willebrand"},
    ],
)
def test_blood_thinning_forbids_periorbital_points(overrides: dict[str, Any]) -> None:
    result = run(overrides)
    assert result.forbidden_points == PERIORBITAL
    flag = result.flags[0]
    assert "no periorbital points" in flag.restrictions
    assert "firm pressure after removal" in flag.restrictions


def test_filler_defers_only_the_treated_area_until_the_interval_passes() -> None:
    result = run(
        {
            "filler_had": True,
            "filler_date": "2026-11-10",
            "filler_regions": ["nasolabial_left", "nasolabial_right"],
        }
    )
    (flag,) = result.flags
    assert flag.deferred_regions == {"nasolabial_left", "nasolabial_right"}
    assert flag.until == dt.date(2026, 12, 8)  # 10 Nov + 28 days
    assert flag.restrictions == ("area treated with filler on 10 Nov 2026: defer until 8 Dec 2026",)
    assert "8 Dec 2026" in flag.client_message
    assert flag.triggered_by == ("filler_had", "filler_date", "filler_regions")
    # Evaluated against the planned session date, not today.
    later = run(
        {"filler_had": True, "filler_date": "2026-11-10", "filler_regions": ["chin"]},
        on=dt.date(2026, 12, 8),
    )
    assert later.flags == ()


def test_today_procedure_interval_follows_its_kind() -> None:
    today = {
        "today_new_procedure": True,
        "today_procedure_kind": "botox",
        "today_procedure_date": days_ago(1),
        "today_procedure_regions": ["glabella"],
    }
    (flag,) = run({}, today).flags
    assert flag.until == ON + dt.timedelta(days=13)
    assert flag.deferred_regions == {"glabella"}


def test_active_skin_defers_the_whole_face() -> None:
    assert run({"skin_today": ["cold_sore"]}).deferred_regions == {"whole_face"}


# --- risks ------------------------------------------------------------------------------------

# (case, intake changes, today changes, expected non-usual levels, risk rule ids that must fire)
RISK_CASES: list[tuple[str, dict[str, Any], dict[str, Any] | None, dict[str, str], set[str]]] = [
    ("healthy", {}, None, {}, set()),
    (
        "warfarin",
        {"anticoagulant": True, "anticoagulant_kind": "warfarin"},
        None,
        {"bruising": "high", "minor_bleeding": "high"},
        {"bruise-anticoagulant", "bleed-anticoagulant"},
    ),
    (
        "bleeding disorder",
        {"bleeding_disorder": True, "bleeding_disorder_kind": "haemophilia"},
        None,
        {"bruising": "high", "minor_bleeding": "high"},
        {"bruise-bleeding-disorder", "bleed-bleeding-disorder"},
    ),
    (
        "daily aspirin",
        {"antiplatelet": True, "antiplatelet_kind": ["aspirin"]},
        None,
        {"bruising": "raised", "minor_bleeding": "raised"},
        {"bruise-antiplatelet", "bleed-antiplatelet"},
    ),
    (
        "ginkgo",
        {"supplements": ["ginkgo"]},
        None,
        {"bruising": "raised", "minor_bleeding": "raised"},
        {"bruise-supplements", "bleed-supplements"},
    ),
    ("bruises easily", {"bruise_easily": True}, None, {"bruising": "raised"}, {"bruise-easily"}),
    *[
        (
            f"{kind} recently",
            {f"{kind}_had": True, f"{kind}_date": days_ago(2), f"{kind}_regions": ["forehead"]},
            None,
            {"bruising": "raised"},
            {f"bruise-{kind}-recent"},
        )
        for kind in ("botox", "filler", "peel", "laser", "microneedling", "threads")
    ],
    (
        "needle fear 9",
        {"needle_fear": 9},
        None,
        {"pain": "raised", "dizziness_nausea": "raised"},
        {"pain-needle-fear", "dizzy-needle-fear"},
    ),
    (
        "sunburn",
        {"skin_today": ["sunburn"]},
        None,
        {"pain": "raised", "rash": "raised"},
        {"pain-active-skin", "rash-active-skin"},
    ),
    (
        "severe migraines",
        {"migraines": "severe"},
        None,
        {"pain": "raised", "dizziness_nausea": "raised"},
        {"pain-migraine", "dizzy-migraine"},
    ),
    ("fainted", {"fainted": True}, None, {"dizziness_nausea": "high"}, {"dizzy-fainting"}),
    ("not eaten", {}, {"today_eaten": False}, {"dizziness_nausea": "raised"}, {"dizzy-not-eaten"}),
    (
        "first acupuncture",
        {"acupuncture_before": "never"},
        None,
        {"dizziness_nausea": "raised"},
        {"dizzy-first-time"},
    ),
    (
        "unwell today",
        {},
        {"today_unwell": True},
        {"dizziness_nausea": "raised", "skin_infection": "raised"},
        {"dizzy-unwell", "infection-unwell"},
    ),
    (
        "low blood pressure",
        {"blood_pressure": "low"},
        None,
        {"dizziness_nausea": "raised"},
        {"dizzy-blood-pressure"},
    ),
    (
        "epilepsy with seizures",
        {"epilepsy": True, "epilepsy_control": "seizures"},
        None,
        {"dizziness_nausea": "raised"},
        {"dizzy-epilepsy"},
    ),
    (
        "pregnant",
        {"pregnant": "yes", "pregnancy_trimester": "second"},
        None,
        {"dizziness_nausea": "raised"},
        {"dizzy-pregnancy"},
    ),
    (
        "nickel allergy",
        {"metal_allergy": True},
        None,
        {"rash": "raised", "allergic_reaction": "raised"},
        {"rash-metal", "allergy-metal"},
    ),
    ("rosacea", {"skin_conditions": ["rosacea"]}, None, {"rash": "raised"}, {"rash-sensitive"}),
    (
        "other allergies",
        {"other_allergies": True, "allergies_details": "latex"},
        None,
        {"allergic_reaction": "raised"},
        {"allergy-other"},
    ),
    (
        "transplant",
        {"immunosuppressed": True, "immunosuppression_kind": ["transplant"]},
        None,
        {"skin_infection": "high"},
        {"infection-immuno"},
    ),
    (
        "cold sore",
        {"skin_today": ["cold_sore"]},
        None,
        {"skin_infection": "high", "pain": "raised"},
        {"infection-active-skin", "pain-active-skin"},
    ),
    (
        "diabetes not controlled",
        {"diabetes": True, "diabetes_control": "not_well"},
        None,
        {"skin_infection": "raised"},
        {"infection-diabetes"},
    ),
    (
        "isotretinoin recently",
        {"isotretinoin": "recent"},
        None,
        {"skin_infection": "raised"},
        {"infection-isotretinoin"},
    ),
    (
        "warfarin and ginkgo: the highest level wins, both reasons given",
        {"anticoagulant": True, "anticoagulant_kind": "warfarin", "supplements": ["ginkgo"]},
        None,
        {"bruising": "high", "minor_bleeding": "high"},
        {"bruise-anticoagulant", "bruise-supplements"},
    ),
]


@pytest.mark.parametrize(
    ("overrides", "today", "expected", "rule_ids"),
    [c[1:] for c in RISK_CASES],
    ids=[c[0] for c in RISK_CASES],
)
def test_risks(
    overrides: dict[str, Any],
    today: dict[str, Any] | None,
    expected: dict[str, str],
    rule_ids: set[str],
) -> None:
    result = run(overrides, today)
    assert [r.effect for r in result.risks] == list(EFFECTS)
    assert {r.effect: r.level for r in result.risks if r.level != "usual"} == expected
    by_id = {r.id: r for r in BOOK.risks}
    for rule_id in rule_ids:
        rule = by_id[rule_id]
        risk = result.risk(rule.effect)
        assert rule.reason_practitioner in risk.reasons_practitioner
        assert rule.reason_client in risk.reasons_client
    for risk in result.risks:
        assert len(risk.reasons_practitioner) == len(risk.reasons_client)
        assert bool(risk.reasons_practitioner) == (risk.level != "usual")


def test_every_risk_rule_has_a_case() -> None:
    covered = {rule for case in RISK_CASES for rule in case[4]}
    assert {r.id for r in BOOK.risks} == covered


def test_recent_procedure_stops_raising_bruising_after_its_interval() -> None:
    old = run({"botox_had": True, "botox_date": days_ago(30), "botox_regions": ["forehead"]})
    assert old.risk("bruising").level == "usual"


# --- constitution -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ([1, 1, 1, 1], 0.0),
        ([5, 5, 5, 5], 100.0),
        ([3, 3, 3, 3], 50.0),
        ([2, 3, 3, 3], 43.8),  # (11 - 4) / 16 * 100 = 43.75
        ([2, 2, 2, 3], 31.2),  # (9 - 4) / 16 * 100 = 31.25, banker's rounding
        ([1, 2, 3], 25.0),  # (6 - 3) / 12 * 100
    ],
)
def test_transformed_score(ratings: list[int], expected: float) -> None:
    assert transformed_score(ratings) == pytest.approx(expected, abs=0.05)


def _scores(balanced: float, others: float, **special: float) -> dict[str, float]:
    found = {t: others for t in BOOK.constitution.labels if t != "balanced"}
    found["balanced"] = balanced
    found.update(special)
    return found


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        (_scores(60, 29.9), {"balanced": "yes", "qi_deficiency": "no"}),
        (_scores(60, 30), {"balanced": "tendency", "qi_deficiency": "tendency"}),
        (_scores(60, 39.9), {"balanced": "tendency", "damp_heat": "tendency"}),
        (_scores(60, 40), {"balanced": "no", "damp_heat": "yes"}),
        (_scores(59.9, 0), {"balanced": "no", "damp_heat": "no"}),
        (_scores(80, 0, blood_stasis=45), {"balanced": "no", "blood_stasis": "yes"}),
    ],
)
def test_classification(scores: dict[str, float], expected: dict[str, str]) -> None:
    found = classify(scores, BOOK.constitution)
    for ctype, cls in expected.items():
        assert found[ctype] == cls


def test_constitution_points_from_the_leading_types() -> None:
    answers = constitution_answers({"balanced": 2, "qi_deficiency": 4, "qi_stagnation": 3})
    result = run(answers)
    const = result.constitution
    assert const is not None
    assert const.scores["qi_deficiency"] == 75.0
    assert const.scores["qi_stagnation"] == 50.0
    assert const.classification["qi_deficiency"] == "yes"
    assert const.classification["balanced"] == "no"
    assert const.suggested_points == ("ST36", "CV6", "LR3", "LI4")


def test_constitution_withholds_points_a_flag_forbids() -> None:
    answers = constitution_answers({"balanced": 2, "yin_deficiency": 4, "qi_stagnation": 4})
    result = run({**answers, "pregnant": "yes", "pregnancy_trimester": "second"})
    const = result.constitution
    assert const is not None
    assert "SP6" not in const.suggested_points and "LI4" not in const.suggested_points
    assert set(const.withheld_points) == {"SP6", "LI4"}
    assert "KI3" in const.suggested_points


def test_constitution_needs_every_item() -> None:
    answers = healthy_answers()
    del answers["ccmq_special_3"]
    assert screen(schema=SCHEMA, book=BOOK, answers=answers, on=ON).constitution is None


def test_reverse_scored_balanced_items() -> None:
    const = run({}).constitution
    assert const is not None and const.scores["balanced"] == 100.0
    assert const.classification["balanced"] == "yes"


# --- the rules file itself -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda r: r["rules"][0].update(level="maybe"), "level"),
        (lambda r: r["rules"][0].update(when={"answer": "x"}), "condition"),
        (lambda r: r["rules"][0].update(deferred_regions=["nose"]), "regions"),
        (lambda r: r["risks"][0].update(effect="hair_loss"), "effect"),
        (lambda r: r["rules"][1].update(id=r["rules"][0]["id"]), "unique"),
        (lambda r: r["constitution"]["types"].pop("special"), "types"),
        (lambda r: r.pop("risks"), "not usable"),
    ],
)
def test_broken_rules_files_are_refused(change: Any, complaint: str) -> None:
    raw = json.loads(json.dumps(RULES_RAW))
    change(raw)
    with pytest.raises(RulesError, match=complaint):
        parse_rules(raw)


def test_conditions_say_which_answers_triggered() -> None:
    cond = {"any": [{"answer": "a", "equals": True}, {"answer": "b", "gte": 5}]}
    assert evaluate(cond, {"a": True, "b": 7}) == (True, ("a", "b"))
    assert evaluate(cond, {"a": False, "b": 2}) == (False, ())
    assert evaluate({"not": cond}, {"a": False}) == (True, ())
    # a yes/no True is not the number 1, and a string is not a number
    assert evaluate({"answer": "b", "gte": 1}, {"b": True})[0] is False
    assert evaluate({"answer": "b", "equals": 1}, {"b": True})[0] is False
    assert evaluate({"answer": "b", "lte": 3}, {"b": "2"})[0] is False


def test_a_clinic_can_change_a_rule_as_data() -> None:
    raw = json.loads(json.dumps(RULES_RAW))
    for rule in raw["rules"]:
        if rule["id"] == "needle-fear":
            rule["when"] = {"answer": "needle_fear", "gte": 5}
            rule["level"] = "note"
    book = parse_rules(raw)
    result = screen(schema=SCHEMA, book=book, answers=healthy_answers(needle_fear=5), on=ON)
    assert [(f.rule_id, f.level) for f in result.flags] == [("needle-fear", "note")]
