"""Plan and protocol services: proposals from the intake, taps, hard rules, versions, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from acuface.atlas import selectors, services
from acuface.atlas.models import PlannedPoint, PlanStatus, Protocol, TreatmentPlan
from acuface.atlas.tests.conftest import FakeIntake, make_flag, make_screening
from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User

DAY = dt.date(2026, 11, 25)
pytestmark = pytest.mark.django_db


def keys(plan: TreatmentPlan, *, excluded: bool) -> set[tuple[str, str]]:
    return {(ln.point.code, ln.side) for ln in plan.lines.all() if ln.is_excluded is excluded}


def audits(plan: TreatmentPlan) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="atlas.treatmentplan", object_id=str(plan.pk))
    )


def test_propose_uses_the_intakes_concerns_constitution_and_flags(
    fake_intake: FakeIntake, practitioner_a: User, client_a: Client
) -> None:
    fake_intake.concerns = [("crows_feet", 2), ("dull_complexion", 5)]
    fake_intake.screening = make_screening(
        flags=(
            make_flag(
                "pregnancy-points",
                message="Pregnant: never LI4, SP6.",
                forbidden_points=frozenset({"LI4", "SP6"}),
            ),
        ),
        constitution=("yin_deficiency",),
    )
    plan = services.plan_propose(actor=practitioner_a, client=client_a, on=DAY)
    assert plan.concerns == ["dull_complexion", "crows_feet"]  # most severe first
    assert plan.constitution_types == ["yin_deficiency"]
    assert keys(plan, excluded=True) == {
        ("LI4", "right"),
        ("LI4", "left"),
        ("SP6", "right"),
        ("SP6", "left"),
    }
    assert {("GB1", "left"), ("ST36", "right"), ("KI3", "left")} <= keys(plan, excluded=False)
    line = plan.lines.get(point__code="LI4", side="left")
    assert "Pregnant: never LI4, SP6." in line.exclusion_reason
    assert plan.expected_needle_count == len(keys(plan, excluded=False))
    assert plan.restrictions["source"] == "intake"
    [event] = audits(plan)
    assert event.action == AuditEvent.Action.CREATED and event.actor == practitioner_a


def test_propose_without_an_intake_warns_and_uses_the_concerns_chosen(
    fake_intake: FakeIntake, practitioner_a: User, client_a: Client
) -> None:
    fake_intake.screening = None
    plan = services.plan_propose(
        actor=practitioner_a, client=client_a, on=DAY, concerns=["under_eye"]
    )
    assert "no valid intake" in plan.screening_warning
    assert keys(plan, excluded=False) == {
        ("ST2", "right"),
        ("ST2", "left"),
        ("EX-HN7", "right"),
        ("EX-HN7", "left"),
    }


def test_propose_when_the_intake_module_is_missing(
    monkeypatch: pytest.MonkeyPatch, practitioner_a: User, client_a: Client
) -> None:
    monkeypatch.setattr(selectors, "_intake_selectors", lambda: None)
    plan = services.plan_propose(actor=practitioner_a, client=client_a, on=DAY, concerns=[])
    assert plan.screening_warning == selectors.NO_INTAKE_MODULE
    assert plan.lines.count() == 0


def test_propose_refuses_unknown_concerns(
    fake_intake: FakeIntake, practitioner_a: User, client_a: Client
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.plan_propose(actor=practitioner_a, client=client_a, on=DAY, concerns=["<b>x</b>"])
    assert "concerns" in caught.value.message_dict
    assert not TreatmentPlan.objects.exists()


@pytest.fixture
def plan(fake_intake: FakeIntake, practitioner_a: User, client_a: Client) -> TreatmentPlan:
    return services.plan_propose(
        actor=practitioner_a, client=client_a, on=DAY, concerns=["crows_feet"]
    )


def test_toggle_adds_then_removes_a_point_and_audits_each_tap(
    plan: TreatmentPlan, practitioner_a: User
) -> None:
    plan = services.plan_point_toggle(
        actor=practitioner_a, plan=plan, point_code="ST6", side="left", version=plan.version
    )
    assert ("ST6", "left") in keys(plan, excluded=False)
    added = plan.lines.get(point__code="ST6", side="left")
    assert (added.needle_type, added.gauge_mm) == ("filiform", Decimal("0.16"))
    assert plan.version == 2
    plan = services.plan_point_toggle(
        actor=practitioner_a, plan=plan, point_code="ST6", side="left", version=plan.version
    )
    assert ("ST6", "left") not in keys(plan, excluded=False) | keys(plan, excluded=True)
    changes = [e.changes for e in audits(plan) if e.action == AuditEvent.Action.UPDATED]
    assert {"ST6 client's left": [None, "planned"]} in changes
    assert {"ST6 client's left": ["planned", None]} in changes


def test_a_stale_version_is_refused(plan: TreatmentPlan, practitioner_a: User) -> None:
    services.plan_point_toggle(
        actor=practitioner_a, plan=plan, point_code="ST6", side="left", version=plan.version
    )
    with pytest.raises(ValidationError, match="Someone else changed this plan"):
        services.plan_point_toggle(
            actor=practitioner_a, plan=plan, point_code="ST6", side="right", version=1
        )


@pytest.mark.parametrize(
    ("code", "side"),
    [("ST6", "midline"), ("CV24", "left"), ("NOPE", "left"), ("", "right"), ("x" * 40, "left")],
)
def test_unknown_points_and_sides_are_refused(
    plan: TreatmentPlan, practitioner_a: User, code: str, side: str
) -> None:
    with pytest.raises(ValidationError, match="no such point"):
        services.plan_point_toggle(
            actor=practitioner_a, plan=plan, point_code=code, side=side, version=plan.version
        )


@pytest.mark.parametrize(
    ("flag_kwargs", "code", "side"),
    [
        ({"forbidden_points": frozenset({"LI4", "SP6"})}, "LI4", "right"),
        ({"forbidden_points": frozenset({"LI4", "SP6"})}, "SP6", "left"),
        ({"forbidden_points": frozenset({"ST1", "BL1", "EX-HN7"})}, "ST1", "left"),
        ({"deferred_regions": frozenset({"whole_face"})}, "GV25", "midline"),
        ({"deferred_regions": frozenset({"cheek_left"})}, "ST3", "left"),
    ],
)
def test_a_point_forbidden_by_a_flag_cannot_be_added_while_the_flag_stands(
    fake_intake: FakeIntake,
    plan: TreatmentPlan,
    practitioner_a: User,
    flag_kwargs: dict[str, Any],
    code: str,
    side: str,
) -> None:
    fake_intake.screening = make_screening(
        flags=(make_flag("rule", message="the flag", **flag_kwargs),)
    )
    with pytest.raises(ValidationError, match="cannot be added"):
        services.plan_point_toggle(
            actor=practitioner_a, plan=plan, point_code=code, side=side, version=plan.version
        )
    fake_intake.screening = make_screening()  # the flag no longer stands
    plan = services.plan_point_toggle(
        actor=practitioner_a, plan=plan, point_code=code, side=side, version=plan.version
    )
    assert (code, side) in keys(plan, excluded=False)


def test_an_excluded_point_comes_back_only_when_the_flag_is_gone(
    fake_intake: FakeIntake, practitioner_a: User, client_a: Client
) -> None:
    fake_intake.screening = make_screening(
        flags=(make_flag("botox-recent", deferred_regions=frozenset({"crow_feet_right"})),)
    )
    plan = services.plan_propose(
        actor=practitioner_a, client=client_a, on=DAY, concerns=["crows_feet"]
    )
    assert ("GB1", "right") in keys(plan, excluded=True)
    with pytest.raises(ValidationError, match="cannot be added"):
        services.plan_point_toggle(
            actor=practitioner_a, plan=plan, point_code="GB1", side="right", version=plan.version
        )
    fake_intake.screening = make_screening()
    plan = services.plan_point_toggle(
        actor=practitioner_a, plan=plan, point_code="GB1", side="right", version=plan.version
    )
    assert ("GB1", "right") in keys(plan, excluded=False)


@pytest.mark.parametrize(
    ("minutes", "reason", "ok"),
    [(30, "", True), (40, "", True), (20, "", False), (20, "needle-anxious first visit", True)],
)
def test_plan_update_retention(
    plan: TreatmentPlan, practitioner_a: User, minutes: int, reason: str, ok: bool
) -> None:
    if not ok:
        with pytest.raises(ValidationError) as caught:
            services.plan_update(
                actor=practitioner_a, plan=plan, version=plan.version,
                retention_minutes=minutes, retention_reason=reason, notes="",
            )  # fmt: skip
        assert "retention_reason" in caught.value.message_dict
        return
    saved = services.plan_update(
        actor=practitioner_a, plan=plan, version=plan.version,
        retention_minutes=minutes, retention_reason=reason, notes="calm room",
    )  # fmt: skip
    saved.refresh_from_db()
    assert (saved.retention_minutes, saved.notes) == (minutes, "calm room")
    assert saved.version == 2


def test_a_facial_point_needs_a_facial_needle_unless_a_reason_is_given(
    plan: TreatmentPlan, practitioner_a: User
) -> None:
    line = plan.lines.select_related("point", "plan").get(point__code="GB1", side="left")
    with pytest.raises(ValidationError) as caught:
        services.planned_point_update(
            actor=practitioner_a, line=line, version=plan.version, needle_type="filiform",
            gauge_mm=Decimal("0.25"), length_mm=Decimal("25"), override_reason="",
        )  # fmt: skip
    assert "override_reason" in caught.value.message_dict
    saved = services.planned_point_update(
        actor=practitioner_a, line=line, version=plan.version, needle_type="filiform",
        gauge_mm=Decimal("0.20"), length_mm=Decimal("15"), override_reason="thick skin at scar",
    )  # fmt: skip
    assert saved.gauge_mm == Decimal("0.20")
    assert TreatmentPlan.objects.get(pk=plan.pk).version == plan.version + 1


def test_mark_ready_checks_every_rule_again(
    fake_intake: FakeIntake, plan: TreatmentPlan, practitioner_a: User
) -> None:
    PlannedPoint.objects.filter(plan=plan, point__code="GB1", side="left").update(
        gauge_mm=Decimal("0.25")
    )
    fake_intake.screening = make_screening(
        flags=(make_flag("laser-recent", deferred_regions=frozenset({"crow_feet_right"})),)
    )
    with pytest.raises(ValidationError) as caught:
        services.plan_mark_ready(actor=practitioner_a, plan=plan, version=plan.version)
    text = " ".join(caught.value.messages)
    assert "GB1 client's left" in text and "facial needle" in text
    assert "GB1 client's right" in text and "deferred" in text
    fake_intake.screening = make_screening()
    PlannedPoint.objects.filter(plan=plan, point__code="GB1").update(gauge_mm=Decimal("0.16"))
    ready = services.plan_mark_ready(actor=practitioner_a, plan=plan, version=plan.version)
    assert ready.status == PlanStatus.READY
    again = services.plan_point_toggle(
        actor=practitioner_a, plan=ready, point_code="ST6", side="left", version=ready.version
    )
    assert again.status == PlanStatus.DRAFT, "an edit makes a ready plan a draft again"


def test_clinic_protocol_copies_are_versioned_audited_and_used_for_plans(
    fake_intake: FakeIntake, owner_a: User, practitioner_a: User, client_a: Client
) -> None:
    copy = services.protocol_copy(
        actor=owner_a, clinic=owner_a.clinic, kind="concern", key="crows_feet"
    )  # type: ignore[arg-type]
    assert (copy.version, copy.clinic) == (1, owner_a.clinic)
    new = services.protocol_update(
        actor=owner_a, protocol=copy, version=1, name="Crow's feet (ours)", description="",
        points=[
            {"code": "GB1", "needle_type": "intradermal"},
            {"code": "ST6", "needle_type": "filiform"},
        ],
    )  # fmt: skip
    assert (new.version, new.is_current) == (2, True)
    copy.refresh_from_db()
    assert not copy.is_current
    with pytest.raises(ValidationError, match="newer version"):
        services.protocol_update(
            actor=owner_a, protocol=copy, version=1, name="x", description="", points=[]
        )
    event = AuditEvent.objects.filter(object_type="atlas.protocol", object_id=str(new.pk)).get()
    assert event.changes["version"] == [1, 2]
    plan = services.plan_propose(
        actor=practitioner_a, client=client_a, on=DAY, concerns=["crows_feet"]
    )
    assert keys(plan, excluded=False) == {
        ("GB1", "right"),
        ("GB1", "left"),
        ("ST6", "right"),
        ("ST6", "left"),
    }
    standard = Protocol.objects.get(clinic__isnull=True, key="crows_feet", is_current=True)
    assert standard.codes == ["GB1", "TE23", "EX-HN5"], "the standard protocol is untouched"


def test_another_clinics_copy_does_not_change_this_clinics_plans(
    fake_intake: FakeIntake, practitioner_a: User, practitioner_b: User, client_a: Client
) -> None:
    copy = services.protocol_copy(
        actor=practitioner_b, clinic=practitioner_b.clinic, kind="concern", key="under_eye"
    )  # type: ignore[arg-type]
    services.protocol_update(
        actor=practitioner_b, protocol=copy, version=1, name="B", description="",
        points=[{"code": "ST1", "needle_type": "filiform"}],
    )  # fmt: skip
    plan = services.plan_propose(
        actor=practitioner_a, client=client_a, on=DAY, concerns=["under_eye"]
    )
    assert {c for c, _ in keys(plan, excluded=False)} == {"ST2", "EX-HN7"}


@pytest.mark.parametrize(
    "points",
    [
        [{"code": "ZZ1", "needle_type": "filiform"}],
        [{"code": "ST2", "needle_type": "<script>"}],
    ],
)
def test_protocol_update_refuses_bad_points(owner_a: User, points: list[dict[str, str]]) -> None:
    copy = services.protocol_copy(
        actor=owner_a, clinic=owner_a.clinic, kind="concern", key="crows_feet"
    )  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        services.protocol_update(
            actor=owner_a, protocol=copy, version=1, name="x", description="", points=points
        )
    assert Protocol.objects.filter(clinic=owner_a.clinic).count() == 1
