"""The side-effect catalogue and its pure functions, table-driven; Wilson intervals by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from acuface.aftercare import rules
from acuface.aftercare.tests.factories import answers


@pytest.mark.parametrize(
    ("overrides", "kind", "expected"),
    [
        # (answers, follow-up kind, [(type, grade, off course?)])
        ({}, "24h", []),
        ({"pain": 3}, "24h", [("pain", "mild", False)]),
        ({"pain": 4}, "24h", [("pain", "mild", True)]),
        ({"pain": 7}, "24h", [("pain", "moderate", True)]),
        ({"pain": 3}, "7d", [("pain", "mild", False)]),
        ({"pain": 4}, "7d", [("pain", "mild", True)]),
        ({"bruising": True}, "24h", [("bruising", "mild", False)]),
        ({"bruising": True}, "7d", [("bruising", "mild", True)]),
        (
            {"bleeding": True, "rash": True},
            "24h",
            [("bleeding", "mild", False), ("rash", "mild", False)],
        ),
        (
            {"nausea": True, "dizziness": True},
            "7d",
            [("nausea", "mild", False), ("dizziness", "mild", False)],
        ),
        ({"allergy_signs": ["hives"]}, "24h", [("allergy", "moderate", True)]),
        ({"allergy_signs": ["breathing"]}, "24h", [("allergy", "severe", True)]),
        ({"infection_signs": ["warmth"]}, "7d", [("infection", "moderate", True)]),
        ({"infection_signs": ["pus", "fever"]}, "24h", [("infection", "severe", True)]),
        ({"allergy_signs": ["<script>"], "infection_signs": ["nonsense"]}, "24h", []),
    ],
)
def test_findings_from_answers(overrides: dict, kind: str, expected: list) -> None:
    found = rules.findings_from_answers(answers(**overrides), follow_up_kind=kind)
    assert [(f.kind, f.grade, bool(f.off_course)) for f in found] == expected


@pytest.mark.parametrize(
    ("kind", "grade", "follow_up", "pain", "off_course"),
    [
        ("bleeding", "mild", "", None, False),
        ("bleeding", "severe", "", None, True),  # any severe grade
        ("fainting", "mild", "", None, True),  # always escalated
        ("forgotten_needle", "moderate", "", None, True),
        ("stuck_needle", "mild", "", None, False),
        ("stuck_needle", "severe", "", None, True),
        ("aggravation", "moderate", "", None, False),
        ("bruising", "mild", "24h", None, False),
        ("bruising", "mild", "7d", None, True),
        ("pain", "mild", "24h", 3, False),
        ("pain", "mild", "24h", 4, True),
        ("pain", "mild", "", 9, False),  # couch pain: expected, settles
    ],
)
def test_off_course(
    kind: str, grade: str, follow_up: str, pain: int | None, off_course: bool
) -> None:
    reason = rules.off_course_reason(kind=kind, grade=grade, follow_up_kind=follow_up, pain=pain)
    assert bool(reason) is off_course


@pytest.mark.parametrize(
    ("overrides", "advice"),
    [
        ({}, []),
        ({"allergy_signs": ["lips_eyes"]}, ["emergency"]),
        ({"infection_signs": ["pus"]}, ["see_doctor"]),
        ({"allergy_signs": ["hives"], "infection_signs": ["fever"]}, ["emergency", "see_doctor"]),
        ({"allergy_signs": ["made-up"]}, []),
    ],
)
def test_advice_for(overrides: dict, advice: list[str]) -> None:
    assert rules.advice_for(answers(**overrides)) == advice


def test_every_session_event_kind_maps_to_a_known_type_or_none() -> None:
    from acuface.treatments.models import SessionEventKind

    known = {k for k, _ in rules.kind_choices()}
    for kind in SessionEventKind.values:
        mapped = rules.adverse_kind_for_session_event(kind)
        assert mapped is None or mapped in known
    assert rules.adverse_kind_for_session_event("asked_to_stop") is None
    assert rules.adverse_kind_for_session_event("bleeding_at_removal") == "bleeding"


def test_published_rates_are_the_trials() -> None:
    assert rules.published_percent("bleeding") == 4.9
    assert rules.published_percent("bruising") == 0.7
    assert rules.published_percent("rash") is None


@pytest.mark.parametrize(
    ("events", "trials", "low", "high"),
    [
        # Hand-computed with p = x/n, z = 1.96: centre = (p + z²/2n)/(1 + z²/n),
        # half = z·sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n).
        (5, 100, 2.15, 11.18),  # the brief's check value
        (0, 10, 0.0, 27.75),  # z²/(n+z²) = 3.8415/13.8415
        (10, 10, 72.25, 100.0),
        (1, 2, 9.45, 90.55),
        (3, 72 * 12, 0.12, 1.01),  # 3 in 864 sessions, near the trial's bruising rate
    ],
)
def test_wilson_interval(events: int, trials: int, low: float, high: float) -> None:
    rate = rules.wilson_interval(events, trials)
    assert rate.low == pytest.approx(low, abs=0.01)
    assert rate.high == pytest.approx(high, abs=0.01)
    assert rate.percent == pytest.approx(100 * events / trials)


def test_wilson_interval_without_sessions_and_impossible_counts() -> None:
    assert rules.wilson_interval(0, 0).percent is None
    with pytest.raises(ValueError):
        rules.wilson_interval(3, 2)
    with pytest.raises(ValueError):
        rules.wilson_interval(-1, 2)


@pytest.mark.parametrize(
    ("attempts", "minutes"), [(1, 5), (2, 10), (3, 20), (4, 40), (5, 80), (9, 360)]
)
def test_retry_delay_doubles_and_is_capped(attempts: int, minutes: int) -> None:
    assert rules.retry_delay(attempts) == dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Ana Sousa", "Ana Sousa"),
        (12, 12),
    ],
)
def test_csv_cells_cannot_be_formulas(cell: object, safe: object) -> None:
    assert rules.csv_safe(cell) == safe


@pytest.mark.parametrize(
    ("earlier", "now", "off_course"),
    [(None, 3, False), (1, 3, True), (3, 3, False), (5, 2, False), (0, 1, True)],
)
def test_rising_pain_is_off_course(earlier: int | None, now: int, off_course: bool) -> None:
    found = rules.findings_from_answers(
        answers(pain=now), follow_up_kind="7d", earlier_pain=earlier
    )
    assert [bool(f.off_course) for f in found] == [off_course]
