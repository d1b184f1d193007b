"""Cautions that restrict the number of needles carry a number in the rules data: the
proposal keeps points (whole, in protocol order) up to it, and Mark ready warns above it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuface.atlas import services
from acuface.atlas.planning import NeedleLimit, Restrictions, needle_limit_problems
from acuface.atlas.rules import plan_rules
from acuface.atlas.tests.test_planning import ATLAS, propose
from acuface.intake.screening import RulesError, parse_rules
from acuface.treatments import selectors as treatment_selectors
from acuface.treatments.tests.factories import acknowledge_flags, ready_client

ALL_CONCERNS = sorted(plan_rules().concerns)


def limited(**limits: int) -> Restrictions:
    return Restrictions(
        needle_limits={k: NeedleLimit(count=v, reason=f"caution {k}") for k, v in limits.items()}
    )


def kept(plan) -> list:  # type: ignore[no-untyped-def]
    return [ln for ln in plan.lines if not ln.is_excluded]


@pytest.mark.parametrize(
    ("limits", "kind", "most"),
    [({"total": 15}, "total", 15), ({"total": 4}, "total", 4), ({"facial": 12}, "facial", 12)],
)
def test_the_proposal_keeps_within_the_limit(limits, kind, most) -> None:
    free = propose(ALL_CONCERNS, ("qi_deficiency",))
    assert len(kept(free)) > most, "the unrestricted plan is larger than the limit"
    plan = propose(ALL_CONCERNS, ("qi_deficiency",), limited(**limits))
    counted = [ln for ln in kept(plan) if kind == "total" or ATLAS[ln.code].is_facial]
    assert len(counted) <= most
    assert len(counted) >= most - 1  # whole points: a pair may leave one place free
    cut = [ln for ln in plan.lines if ln.is_excluded]
    assert cut and all(f"caution {kind}" in ln.exclusion_reason for ln in cut)
    # Whole points, never one side of a pair; the first protocol points are kept.
    for line in kept(plan):
        sides = {ln.side for ln in kept(plan) if ln.code == line.code}
        assert len(sides) == len(ATLAS[line.code].sides)
    assert kept(plan)[0] == kept(free)[0]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    concerns=st.lists(st.sampled_from(ALL_CONCERNS), unique=True),
    total=st.integers(1, 40),
    facial=st.integers(1, 40),
)
def test_no_proposal_passes_a_limit(concerns, total, facial) -> None:
    restrictions = limited(total=total, facial=facial)
    plan = propose(concerns, ("qi_deficiency",), restrictions)
    needles = [(ln.code, ATLAS[ln.code].is_facial) for ln in kept(plan)]
    assert needle_limit_problems(needles, restrictions) == []


def test_the_limit_problem_names_the_caution() -> None:
    needles = [("ST2", True)] * 13 + [("LI4", False)] * 3
    problems = needle_limit_problems(needles, limited(total=15, facial=12))
    assert problems == [
        "13 facial needles planned; the limit is 12 (caution facial)",
        "16 needles planned; the limit is 15 (caution total)",
    ]


BASE_RULE = {
    "id": "fear",
    "level": "caution",
    "when": {"answer": "needle_fear", "gte": 7},
    "message": "Fear",
}


@pytest.mark.parametrize(
    "limit",
    [{}, {"nose": 3}, {"total": 0}, {"total": 101}, {"total": "5"}, {"total": True}, [15], 15],
)
def test_a_bad_needle_limit_is_refused_with_the_rule(limit) -> None:
    with pytest.raises(RulesError, match="rule fear"):
        parse_rules({"rules": [{**BASE_RULE, "needle_limit": limit}], "risks": []})


def test_a_fearful_client_gets_a_smaller_plan_and_a_warning(clinic_a, practitioner_a) -> None:
    client = ready_client(clinic=clinic_a, actor=practitioner_a, needle_fear=9)
    acknowledge_flags(client=client, actor=practitioner_a)
    on = treatment_selectors.clinic_today(clinic_a)
    plan = services.plan_propose(actor=practitioner_a, client=client, on=on, concerns=ALL_CONCERNS)
    active = plan.lines.filter(is_excluded=False).count()
    assert active <= 15
    assert plan.lines.filter(exclusion_reason__contains="Over the limit of 15 needles").exists()
    assert services.plan_needle_limit_warnings(plan, on) == []
    # The practitioner adds points back by hand: Mark ready warns.
    plan.lines.update(is_excluded=False, exclusion_reason="")
    warnings = services.plan_needle_limit_warnings(plan, on)
    assert warnings and "the limit is 15" in warnings[0] and "needle fear" in warnings[0]


def test_mark_ready_shows_the_limit_warning(clinic_a, practitioner_a) -> None:
    from django.urls import reverse

    from conftest import login

    client = ready_client(clinic=clinic_a, actor=practitioner_a, needle_fear=9)
    acknowledge_flags(client=client, actor=practitioner_a)
    on = treatment_selectors.clinic_today(clinic_a)
    plan = services.plan_propose(actor=practitioner_a, client=client, on=on, concerns=ALL_CONCERNS)
    plan.lines.filter(exclusion_reason__contains="Over the limit").update(
        is_excluded=False, exclusion_reason=""
    )
    answer = login(practitioner_a).post(
        reverse("atlas:plan-ready", args=[plan.pk]), {"version": plan.version}, follow=True
    )
    assert "More needles than a caution allows" in answer.content.decode()
