"""Complete answer sets for the demo clinic and the tests: a healthy client, then variations."""

from __future__ import annotations

from typing import Any

CONSTITUTION_TYPES = (
    "balanced",
    "qi_deficiency",
    "yang_deficiency",
    "yin_deficiency",
    "phlegm_dampness",
    "damp_heat",
    "blood_stasis",
    "qi_stagnation",
    "special",
)


def constitution_answers(ratings: dict[str, int] | None = None, default: int = 1) -> dict[str, int]:
    """Each constitution item rated the same within its type (balanced 3 and 4 are reversed)."""
    ratings = ratings or {}
    found: dict[str, int] = {}
    for ctype in CONSTITUTION_TYPES:
        for n in (1, 2, 3, 4):
            if ctype == "balanced":
                value = ratings.get(ctype, 5)
                # Items 3 and 4 are reverse-scored: "I tire easily" answered 1 counts as 5.
                found[f"ccmq_{ctype}_{n}"] = value if n <= 2 else 6 - value
            else:
                found[f"ccmq_{ctype}_{n}"] = ratings.get(ctype, default)
    return found


def healthy_answers(**overrides: Any) -> dict[str, Any]:
    """A complete, valid answer set that raises no flag at all."""
    answers: dict[str, Any] = {
        "general_health": "good",
        "unwell_now": False,
        "bleeding_disorder": False,
        "bruise_easily": False,
        "diabetes": False,
        "immunosuppressed": False,
        "blood_pressure": "normal",
        "migraines": "none",
        "epilepsy": False,
        "keloid": False,
        "skin_conditions": ["none"],
        "skin_today": ["none"],
        "metal_allergy": False,
        "other_allergies": False,
        "pacemaker": False,
        "anticoagulant": False,
        "antiplatelet": False,
        "supplements": ["none"],
        "steroids": "none",
        "isotretinoin": "never",
        "pregnant": "no",
        "breastfeeding": False,
        "botox_had": False,
        "filler_had": False,
        "peel_had": False,
        "laser_had": False,
        "microneedling_had": False,
        "threads_had": False,
        "acupuncture_before": "body",
        "needle_fear": 2,
        "fainted": False,
        "sleep_hours": 7.5,
        "stress": 3,
        "sun": "little",
        "smoking": "never",
        "water_glasses": 6,
        "concerns": ["forehead_lines", "dull_complexion"],
        "concern_forehead_lines_severity": 3,
        "concern_dull_complexion_severity": 2,
        "goals": ["brighter"],
        "ack_honest": True,
        "ack_side_effects": True,
        "ack_course": True,
        **constitution_answers(),
    }
    answers.update(overrides)
    return answers


def today_answers(**overrides: Any) -> dict[str, Any]:
    """A day's check with nothing new."""
    answers: dict[str, Any] = {
        "today_eaten": True,
        "today_unwell": False,
        "today_pregnant": "no",
        "today_new_medicines": False,
        "today_new_procedure": False,
    }
    answers.update(overrides)
    return answers
