"""Server-side checking of every answer type, conditions, required answers and the schema."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuface.intake.examples import healthy_answers
from acuface.intake.questionnaire import (
    AnswerError,
    SchemaError,
    answer_display,
    check_answers,
    check_submission,
    clean_answer,
    parse_schema,
)
from acuface.intake.tests.test_screening import DATA, SCHEMA

TODAY = dt.date(2026, 11, 25)
Q = SCHEMA.questions


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("unwell_now", "yes", True),
        ("unwell_now", "no", False),
        ("general_health", "good", "good"),
        ("skin_today", ["cold_sore", "infection"], ["infection", "cold_sore"]),  # schema order
        ("skin_today", "cold_sore", ["cold_sore"]),
        ("sleep_hours", "7,5", 7.5),
        ("sleep_hours", " 8 ", 8),
        ("water_glasses", "0", 0),
        ("botox_date", "2026-11-20", "2026-11-20"),
        ("needle_fear", "0", 0),
        ("needle_fear", "10", 10),
        ("ccmq_balanced_1", "5", 5),
        ("other_health_notes", "  fine\r\nthanks ", "fine\nthanks"),
        (
            "medications",
            [{"name": " Warfarin ", "dose": "3 mg"}, {"name": "", "dose": ""}],
            [{"name": "Warfarin", "dose": "3 mg"}],
        ),
        ("unwell_now", "", None),
        ("medications", [{"name": "", "dose": ""}], None),
    ],
)
def test_valid_answers_are_cleaned(key: str, raw: Any, expected: Any) -> None:
    assert clean_answer(Q[key], raw, today=TODAY) == expected


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("unwell_now", "maybe", "yes or no"),
        ("unwell_now", 1, "yes or no"),
        ("general_health", "superb", "options"),
        ("general_health", ["good"], "options"),
        ("skin_today", ["none", "cold_sore"], "none"),
        ("skin_today", ["acne<script>"], "options"),
        ("sleep_hours", "seven", "number"),
        ("sleep_hours", "17", "from 0 to 16"),
        ("sleep_hours", "-1", "from 0 to 16"),
        ("sleep_hours", "nan", "number"),
        ("sleep_hours", "inf", "number"),
        ("sleep_hours", True, "number"),
        ("botox_date", "2026-02-30", "real date"),
        ("botox_date", "tomorrow", "real date"),
        ("botox_date", "2026-11-26", "future"),
        ("botox_date", "0001-01-01", "year"),
        ("needle_fear", "11", "0 to 10"),
        ("needle_fear", "-1", "0 to 10"),
        ("needle_fear", "5.5", "0 to 10"),
        ("ccmq_balanced_1", "0", "1 to 5"),
        ("ccmq_balanced_1", True, "1 to 5"),
        ("other_health_notes", "x" * 2001, "under 2000"),
        ("medications", [{"name": "", "dose": "5 mg"}], "name"),
        ("medications", [{"name": "a" * 121, "dose": ""}], "under 120"),
        ("medications", "warfarin", "own line"),
        ("ack_honest", "no", "tick"),
    ],
)
def test_wrong_answers_say_what_to_do(key: str, raw: Any, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        clean_answer(Q[key], raw, today=TODAY)


def test_hostile_text_is_stored_as_typed() -> None:
    text = "<script>alert('x')</script> & \"quotes\""
    assert clean_answer(Q["goals_details"], text, today=TODAY) == text


def test_conditional_answers_are_dropped_when_their_condition_is_not_met() -> None:
    section = SCHEMA.sections[SCHEMA.section_index("medicines")]
    submitted = {
        "anticoagulant": "no",
        "anticoagulant_kind": "warfarin",  # left from an earlier "yes": must not survive
        "antiplatelet": "no",
        "supplements": ["none"],
        "steroids": "none",
        "isotretinoin": "never",
    }
    cleaned, errors = check_answers(
        section.questions, submitted, context={}, today=TODAY, require=True
    )
    assert errors == {}
    assert cleaned["anticoagulant_kind"] is None


def test_conditional_answer_required_once_shown() -> None:
    section = SCHEMA.sections[SCHEMA.section_index("medicines")]
    submitted = {
        "anticoagulant": "yes",
        "antiplatelet": "no",
        "supplements": ["none"],
        "steroids": "none",
        "isotretinoin": "never",
    }
    cleaned, errors = check_answers(
        section.questions, submitted, context={}, today=TODAY, require=True
    )
    assert set(errors) == {"anticoagulant_kind"}
    assert cleaned["anticoagulant"] is True  # the valid answers are kept


def test_required_only_when_moving_on() -> None:
    section = SCHEMA.sections[0]
    _, errors = check_answers(section.questions, {}, context={}, today=TODAY, require=False)
    assert errors == {}
    _, errors = check_answers(section.questions, {}, context={}, today=TODAY, require=True)
    assert set(errors) == {"general_health", "unwell_now"}


def test_submission_checks_everything_and_conditions_across_sections() -> None:
    _, errors = check_submission(SCHEMA, healthy_answers(), today=TODAY)
    assert errors == {}
    answers = healthy_answers(filler_had=True)  # no date, no regions
    _, errors = check_submission(SCHEMA, answers, today=TODAY)
    assert set(errors) == {"filler_date", "filler_regions"}
    answers = healthy_answers(concerns=["jaw_tension"])
    _, errors = check_submission(SCHEMA, answers, today=TODAY)
    assert set(errors) == {"concern_jaw_tension_severity"}
    answers = healthy_answers()
    del answers["ccmq_damp_heat_2"]
    _, errors = check_submission(SCHEMA, answers, today=TODAY)
    assert set(errors) == {"ccmq_damp_heat_2"}


def test_submission_refuses_tampered_stored_values() -> None:
    _, errors = check_submission(SCHEMA, healthy_answers(needle_fear=99), today=TODAY)
    assert set(errors) == {"needle_fear"}


def test_answers_read_as_people_write_them() -> None:
    assert answer_display(Q["sleep_hours"], 7.5) == "7.5 hours"
    assert answer_display(Q["unwell_now"], False) == "No"
    assert answer_display(Q["skin_today"], ["cold_sore"]) == "A cold sore"
    assert (
        answer_display(Q["medications"], [{"name": "Warfarin", "dose": "3 mg"}]) == "Warfarin 3 mg"
    )
    assert answer_display(Q["needle_fear"], None) == "—"


def _raw() -> dict[str, Any]:
    return json.loads((DATA / "questionnaire_v1.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda r: r["sections"][0]["questions"][0].update(type="slider"), "unknown type"),
        (lambda r: r["sections"][0]["questions"][0].update(choices=[]), "needs choices"),
        (lambda r: r["sections"][0]["questions"][1].update(key="general_health"), "used twice"),
        (
            lambda r: r["sections"][0]["questions"][2].update(
                show_if={"question": "nope", "equals": True}
            ),
            "unknown",
        ),
        (lambda r: r["sections"][0]["questions"][0].pop("label"), "lacks"),
        (lambda r: r.pop("today_check"), "missing"),
    ],
)
def test_broken_questionnaires_are_refused(change: Any, complaint: str) -> None:
    raw = _raw()
    change(raw)
    with pytest.raises(SchemaError, match=complaint):
        parse_schema(raw)


def test_the_questionnaire_asks_what_the_issue_lists() -> None:
    types = {q.type for q in Q.values()}
    assert types == {
        "yes_no",
        "single",
        "multi",
        "number",
        "date",
        "scale_0_10",
        "scale_1_5",
        "text",
        "medications",
    }
    constitution = [q for q in Q.values() if q.constitution_type]
    assert {q.constitution_type for q in constitution} == {
        "balanced",
        "qi_deficiency",
        "yang_deficiency",
        "yin_deficiency",
        "phlegm_dampness",
        "damp_heat",
        "blood_stasis",
        "qi_stagnation",
        "special",
    }
    for key in (
        "anticoagulant_kind",
        "pregnancy_trimester",
        "botox_date",
        "filler_regions",
        "needle_fear",
        "fainted",
        "metal_allergy",
        "keloid",
        "pacemaker",
        "isotretinoin",
    ):
        assert key in Q


# Anything a browser (or an attacker) can post: strings, lists of strings, rows of medicines.
POSTED = st.one_of(
    st.text(max_size=300),
    st.lists(st.text(max_size=40), max_size=6),
    st.lists(
        st.fixed_dictionaries({"name": st.text(max_size=200), "dose": st.text(max_size=200)}),
        max_size=25,
    ),
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(sorted(Q)), value=st.one_of(POSTED, JSONISH))
def test_any_posted_value_is_cleaned_or_refused_with_a_message(key: str, value: Any) -> None:
    try:
        cleaned = clean_answer(Q[key], value, today=TODAY)
    except AnswerError as error:
        assert str(error)
    else:
        # What is kept is valid: cleaning it again changes nothing.
        if cleaned is not None:
            assert clean_answer(Q[key], cleaned, today=TODAY) == cleaned


def test_consent_ticks_must_be_ticked() -> None:
    section = SCHEMA.sections[SCHEMA.section_index("consent")]
    _, errors = check_answers(
        section.questions, {"ack_honest": "yes"}, context={}, today=TODAY, require=True
    )
    assert errors == {
        "ack_side_effects": "Please tick this to continue.",
        "ack_course": "Please tick this to continue.",
    }
