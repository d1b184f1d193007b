"""Every write to treatment plans and clinic protocols."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from acuface.atlas import selectors
from acuface.atlas.models import (
    NeedleType,
    PlannedPoint,
    PlanStatus,
    Point,
    Protocol,
    ProtocolKind,
    TreatmentPlan,
)
from acuface.atlas.planning import (
    Restrictions,
    exclusion_reason,
    needle_limit_problems,
    needle_spec,
    propose_plan,
)
from acuface.atlas.rules import SIDE_LABELS, needle_problem, plan_rules, retention_problem
from acuface.clients.models import Client
from acuface.core.audit import audit_record, update_fields_audited
from acuface.core.models import AuditEvent, Clinic, User

STALE_MESSAGE = (
    "Someone else changed this plan while you were editing it. The current plan is shown: "
    "check it and make your change again."
)
STALE_PROTOCOL = (
    "Someone else saved a newer version of this protocol while you were editing it. Your text "
    "is kept below: check it against the current version and save again."
)


def _today(client: Client) -> dt.date:
    return timezone.localdate(timezone.now(), client.clinic.zone)


def _line_key(line: PlannedPoint) -> str:
    return f"{line.point.code} {SIDE_LABELS.get(line.side, line.side)}"


def _locked(plan: TreatmentPlan, version: int) -> TreatmentPlan:
    locked = (
        TreatmentPlan.objects.select_for_update().select_related("client__clinic").get(pk=plan.pk)
    )
    if locked.version != version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    return locked


def _bump(plan: TreatmentPlan) -> list[str]:
    """A change to a plan makes it a draft again and a new version."""
    plan.version += 1
    plan.updated_at = timezone.now()
    fields = ["version", "updated_at"]
    if plan.status != PlanStatus.DRAFT:
        plan.status = PlanStatus.DRAFT
        fields.append("status")
    return fields


def _current_restrictions(plan: TreatmentPlan, on: dt.date | None) -> Restrictions:
    """Screening now; when no screening can be read, what it said when the plan was made."""
    view = selectors.screening_view(client=plan.client, on=on or _today(plan.client))
    if view.source == "intake":
        return view.restrictions
    stored = plan.restrictions or {}
    return Restrictions(
        forbidden_points=dict(stored.get("forbidden_points", {})),
        deferred_regions=dict(stored.get("deferred_regions", {})),
        needle_limits=selectors.needle_limits_from_json(stored.get("needle_limits")),
    )


def plan_propose(
    *, actor: User, client: Client, on: dt.date, concerns: list[str] | None = None
) -> TreatmentPlan:
    """Propose a plan from the client's concerns, constitution and screening, and save it."""
    view = selectors.screening_view(client=client, on=on)
    chosen = list(view.concerns if concerns is None else concerns)
    known = plan_rules().concerns
    unknown = [c for c in chosen if c not in known]
    if concerns is not None and unknown:
        raise ValidationError({"concerns": f"Unknown concerns: {', '.join(unknown)}."})
    points = {p.code: p for p in selectors.atlas_points()}
    proposal = propose_plan(
        concerns=[c for c in chosen if c in known],
        constitution_types=view.constitution_types,
        restrictions=view.restrictions,
        protocols=selectors.protocol_specs(selectors.protocols_current(clinic=client.clinic)),
        atlas={code: p.spec() for code, p in points.items()},
    )
    with transaction.atomic():
        plan = TreatmentPlan(
            client=client,
            created_by=actor,
            planned_on=on,
            concerns=[c for c in chosen if c in known],
            constitution_types=list(view.constitution_types),
            restrictions=view.as_json(),
            retention_minutes=plan_rules().retention_default_minutes,
        )
        plan.full_clean()
        plan.save()
        PlannedPoint.objects.bulk_create(
            PlannedPoint(
                plan=plan,
                point=points[line.code],
                side=line.side,
                needle_type=line.needle_type,
                gauge_mm=line.gauge_mm,
                length_mm=line.length_mm,
                is_excluded=line.is_excluded,
                exclusion_reason=line.exclusion_reason[:500],
                source=line.source[:120],
                order=index,
            )
            for index, line in enumerate(proposal.lines)
        )
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.CREATED,
            obj=plan,
            actor=actor,
            client=client,
            changes={
                "concerns": [None, plan.concerns],
                "constitution_types": [None, plan.constitution_types],
                "points": [
                    None,
                    [f"{ln.code} {ln.side}" for ln in proposal.lines if not ln.is_excluded],
                ],
                "excluded": [
                    None,
                    [
                        f"{ln.code} {ln.side}: {ln.exclusion_reason}"
                        for ln in proposal.lines
                        if ln.is_excluded
                    ],
                ],
            },
        )
    return plan


def plan_point_toggle(
    *,
    actor: User,
    plan: TreatmentPlan,
    point_code: str,
    side: str,
    version: int,
    on: dt.date | None = None,
) -> TreatmentPlan:
    """Add a point on one side to the plan, or take it out; screening may refuse an addition."""
    point = selectors.point_by_code(point_code)
    if point is None or side not in point.sides:
        raise ValidationError("There is no such point on that side.", code="unknown_point")
    with transaction.atomic():
        locked = _locked(plan, version)
        line = locked.lines.select_related("point").filter(point=point, side=side).first()
        label = f"{point.code} {SIDE_LABELS[side]}"
        if line is None or line.is_excluded:
            reason = exclusion_reason(point.spec(), side, _current_restrictions(locked, on))
            if reason:
                raise ValidationError(f"{label} cannot be added. {reason}", code="forbidden")
        if line is None:
            gauge, length = needle_spec(point.spec(), NeedleType.FILIFORM)
            last = locked.lines.order_by("-order").values_list("order", flat=True).first()
            line = PlannedPoint.objects.create(
                plan=locked,
                point=point,
                side=side,
                needle_type=NeedleType.FILIFORM,
                gauge_mm=gauge,
                length_mm=length,
                source="added by the practitioner",
                order=(last or 0) + 1,
            )
            change = [None, "planned"]
        elif line.is_excluded:
            line.is_excluded = False
            line.exclusion_reason = ""
            line.save(update_fields=["is_excluded", "exclusion_reason"])
            change = ["excluded", "planned"]
        else:
            line.delete()
            change = ["planned", None]
        locked.save(update_fields=_bump(locked))
        audit_record(
            clinic=locked.client.clinic,
            action=AuditEvent.Action.UPDATED,
            obj=locked,
            actor=actor,
            client=locked.client,
            changes={label: change},
        )
    return locked


def plan_update(
    *,
    actor: User,
    plan: TreatmentPlan,
    version: int,
    retention_minutes: int,
    retention_reason: str,
    notes: str,
) -> TreatmentPlan:
    """Save retention time and notes; outside the usual retention range a reason is required."""
    problem = retention_problem(retention_minutes, retention_reason)
    if problem:
        raise ValidationError({"retention_reason": problem})
    with transaction.atomic():
        locked = _locked(plan, version)
        update_fields_audited(
            instance=locked,
            data={
                "retention_minutes": retention_minutes,
                "retention_reason": retention_reason.strip(),
                "notes": notes,
            },
            actor=actor,
            clinic=locked.client.clinic,
            client=locked.client,
            on_change=lambda: _bump(locked),
        )
    return locked


def planned_point_update(
    *,
    actor: User,
    line: PlannedPoint,
    version: int,
    needle_type: str,
    gauge_mm: Decimal,
    length_mm: Decimal,
    override_reason: str,
) -> PlannedPoint:
    """Change the needle at one planned point; a facial point needs a facial needle or a reason."""
    if needle_type not in NeedleType.values:
        raise ValidationError({"needle_type": "Choose a needle type from the list."})
    problem = needle_problem(
        is_facial=line.point.is_facial, gauge_mm=gauge_mm, override_reason=override_reason
    )
    if problem:
        raise ValidationError({"override_reason": problem})
    with transaction.atomic():
        plan = _locked(line.plan, version)
        locked = PlannedPoint.objects.select_related("point").get(pk=line.pk)
        changes = update_fields_audited(
            instance=locked,
            data={
                "needle_type": needle_type,
                "gauge_mm": gauge_mm,
                "length_mm": length_mm,
                "override_reason": override_reason.strip(),
            },
            actor=actor,
            clinic=plan.client.clinic,
            client=plan.client,
        )
        if changes:
            plan.save(update_fields=_bump(plan))
    return locked


def plan_problems(plan: TreatmentPlan, restrictions: Restrictions) -> list[str]:
    """Everything that stops a plan from being ready."""
    problems: list[str] = []
    retention = retention_problem(plan.retention_minutes, plan.retention_reason)
    if retention:
        problems.append(retention)
    active = [ln for ln in selectors.plan_lines(plan) if not ln.is_excluded]
    if not active:
        problems.append("The plan has no points to needle.")
    for line in active:
        needle = needle_problem(
            is_facial=line.point.is_facial,
            gauge_mm=line.gauge_mm,
            override_reason=line.override_reason,
        )
        if needle:
            problems.append(f"{_line_key(line)}: {needle}")
        reason = exclusion_reason(line.point.spec(), line.side, restrictions)
        if reason:
            problems.append(f"{_line_key(line)}: {reason}")
    return problems


def plan_needle_limit_warnings(plan: TreatmentPlan, on: dt.date | None = None) -> list[str]:
    """Where the plan passes a caution's needle limit (shown when it is marked ready)."""
    active = [ln for ln in selectors.plan_lines(plan) if not ln.is_excluded]
    needles = [(ln.point.code, ln.point.is_facial) for ln in active]
    return needle_limit_problems(needles, _current_restrictions(plan, on))


def plan_mark_ready(
    *, actor: User, plan: TreatmentPlan, version: int, on: dt.date | None = None
) -> TreatmentPlan:
    """Mark a plan ready for the session, after checking every rule again."""
    with transaction.atomic():
        locked = _locked(plan, version)
        problems = plan_problems(locked, _current_restrictions(locked, on))
        if problems:
            raise ValidationError(problems, code="not_ready")
        before = locked.status
        locked.status = PlanStatus.READY
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "version", "updated_at"])
        audit_record(
            clinic=locked.client.clinic,
            action=AuditEvent.Action.TRANSITIONED,
            obj=locked,
            actor=actor,
            client=locked.client,
            changes={"status": [before, locked.status]},
        )
    return locked


# --- clinic protocols ------------------------------------------------------------------------


def protocol_copy(*, actor: User, clinic: Clinic, kind: str, key: str) -> Protocol:
    """Give the clinic its own editable copy of a standard protocol (once)."""
    existing = Protocol.objects.filter(clinic=clinic, kind=kind, key=key, is_current=True).first()
    if existing is not None:
        return existing
    standard = Protocol.objects.filter(
        clinic__isnull=True, kind=kind, key=key, is_current=True
    ).first()
    if standard is None:
        raise ValidationError("There is no standard protocol of that name.")
    with transaction.atomic():
        copy = Protocol(
            clinic=clinic,
            key=standard.key,
            kind=standard.kind,
            name=standard.name,
            description=standard.description,
            points=standard.points,
            version=1,
            based_on=standard,
            created_by=actor,
        )
        copy.full_clean()
        copy.save()
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.CREATED,
            obj=copy,
            actor=actor,
            changes={"based_on": [None, str(standard)], "points": [None, copy.codes]},
        )
    return copy


def protocol_update(
    *,
    actor: User,
    protocol: Protocol,
    version: int,
    name: str,
    description: str,
    points: list[dict[str, Any]],
) -> Protocol:
    """Save a clinic's protocol as its next version; the previous version is kept."""
    if protocol.clinic_id is None:
        raise ValidationError("Standard protocols change only through the data file.")
    known = set(Point.objects.values_list("code", flat=True))
    unknown = [str(p.get("code")) for p in points if p.get("code") not in known]
    if unknown:
        raise ValidationError({"points": f"Unknown point codes: {', '.join(unknown)}."})
    if any(p.get("needle_type") not in NeedleType.values for p in points):
        raise ValidationError({"points": "Every needle type must be filiform or intradermal."})
    if protocol.kind not in ProtocolKind.values:
        raise ValidationError("Unknown protocol kind.")
    with transaction.atomic():
        current = Protocol.objects.select_for_update().get(pk=protocol.pk)
        if not current.is_current or current.version != version:
            raise ValidationError(STALE_PROTOCOL, code="stale")
        new_points = [{"code": p["code"], "needle_type": p["needle_type"]} for p in points]
        if (name, description, new_points) == (current.name, current.description, current.points):
            return current
        current.is_current = False
        current.save(update_fields=["is_current"])
        successor = Protocol(
            clinic=current.clinic,
            key=current.key,
            kind=current.kind,
            name=name,
            description=description,
            points=new_points,
            version=current.version + 1,
            based_on=current,
            created_by=actor,
        )
        successor.full_clean()
        successor.save()
        changes = {
            field: [old, new]
            for field, old, new in (
                ("name", current.name, name),
                ("description", current.description, description),
                ("points", current.points, new_points),
            )
            if old != new
        }
        changes["version"] = [current.version, successor.version]
        assert current.clinic is not None
        audit_record(
            clinic=current.clinic,
            action=AuditEvent.Action.UPDATED,
            obj=successor,
            actor=actor,
            changes=changes,
        )
    return successor
