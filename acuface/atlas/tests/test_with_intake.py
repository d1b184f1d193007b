"""The plan proposal with the real intake: a submitted intake's concerns, constitution and flags."""

from __future__ import annotations

import pytest
from django.utils import timezone

from acuface.atlas import selectors, services
from acuface.clients.models import Client
from acuface.core.models import User
from acuface.intake import examples
from acuface.intake.tests import factories as intake_factories

pytestmark = pytest.mark.django_db


def test_a_pregnant_client_with_yin_deficiency_gets_no_li4_or_sp6(
    practitioner_a: User, client_a: Client
) -> None:
    intake_factories.submitted_intake(
        actor=practitioner_a,
        client=client_a,
        pregnant="yes",
        pregnancy_trimester="second",
        concerns=["jaw_tension", "dull_complexion"],
        concern_jaw_tension_severity=4,
        concern_dull_complexion_severity=2,
        **examples.constitution_answers({"yin_deficiency": 5}),
    )
    today = timezone.localdate(timezone.now(), client_a.clinic.zone)
    view = selectors.screening_view(client=client_a, on=today)
    assert view.source == "intake" and not view.warning
    assert "yin_deficiency" in view.constitution_types
    plan = services.plan_propose(actor=practitioner_a, client=client_a, on=today)
    assert plan.concerns == ["jaw_tension", "dull_complexion"]
    lines = {(ln.point.code, ln.side): ln for ln in plan.lines.select_related("point")}
    for key in [("LI4", "right"), ("LI4", "left"), ("SP6", "right"), ("SP6", "left")]:
        assert lines[key].is_excluded, key
        assert "regnan" in lines[key].exclusion_reason
    for key in [("ST6", "left"), ("ST7", "right"), ("ST36", "left"), ("KI3", "right")]:
        assert not lines[key].is_excluded, key


def test_without_a_submitted_intake_the_plan_warns(practitioner_a: User, client_a: Client) -> None:
    today = timezone.localdate(timezone.now(), client_a.clinic.zone)
    plan = services.plan_propose(
        actor=practitioner_a, client=client_a, on=today, concerns=["under_eye"]
    )
    assert plan.screening_warning == selectors.NO_INTAKE
    assert plan.lines.count() == 4
