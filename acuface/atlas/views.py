from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from acuface.atlas import selectors, services
from acuface.atlas.chart import render_body_points, render_face_chart
from acuface.atlas.forms import (
    PlannedPointForm,
    PlanSettingsForm,
    ProposeForm,
    ProtocolCopyForm,
    ProtocolForm,
    ToggleForm,
)
from acuface.atlas.models import PlannedPoint, Point, Protocol, TreatmentPlan
from acuface.atlas.rules import plan_rules
from acuface.clients.models import Client
from acuface.core.access import Access, clinic_of, get_for_user, staff_user, staff_view
from acuface.core.webforms import apply_validation_error


def _plan(request: HttpRequest, plan_id: int) -> TreatmentPlan:
    return get_for_user(
        staff_user(request),
        TreatmentPlan.objects.select_related("client__clinic"),
        access=Access.CLINICAL,
        pk=plan_id,
    )


def _editor_context(plan: TreatmentPlan, **extra: Any) -> dict[str, Any]:
    """Chart, body points and lines of a plan, for the editor page and its HTMX partial."""
    lines = selectors.plan_lines(plan)
    states, titles = selectors.plan_chart_states(lines)
    points = selectors.atlas_points()
    tap_url = reverse("atlas:plan-toggle", kwargs={"plan_id": plan.pk})
    chart = render_face_chart(
        states=states,
        titles=titles,
        points=points,
        interactive=True,
        tap_url=tap_url,
        tap_target="#plan-editor",
        version=plan.version,
    )
    body_points = render_body_points(
        states=states,
        titles=titles,
        points=points,
        interactive=True,
        tap_url=tap_url,
        tap_target="#plan-editor",
        version=plan.version,
    )
    return {
        "plan": plan,
        "lines": lines,
        "needle_count": sum(1 for line in lines if not line.is_excluded),
        "chart": chart,
        "body_points": body_points,
        **extra,
    }


@staff_view(Access.CLINICAL)
def client_plan(request: HttpRequest, client_id: int) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, access=Access.CLINICAL, pk=client_id)
    today = timezone.localdate(timezone.now(), client.clinic.zone)
    view = selectors.screening_view(client=client, on=today)
    form = ProposeForm(request.POST or None, initial={"concerns": list(view.concerns)})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_propose(
                actor=user, client=client, on=today, concerns=form.cleaned_data["concerns"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("atlas:plan-detail", plan_id=plan.pk)
    context = {
        "client": client,
        "form": form,
        "screening": view,
        "plans": selectors.plans_for_client(client=client)[:20],
    }
    return render(request, "atlas/plan_client.html", context)


@staff_view(Access.CLINICAL)
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    initial = {
        "version": plan.version,
        "retention_minutes": plan.retention_minutes,
        "retention_reason": plan.retention_reason,
        "notes": plan.notes,
    }
    form = PlanSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=staff_user(request), plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Plan saved.")
            return redirect("atlas:plan-detail", plan_id=plan.pk)
    return render(request, "atlas/plan_detail.html", _editor_context(plan, form=form))


@staff_view(Access.CLINICAL)
@require_POST
def plan_toggle(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = ToggleForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "That point could not be read; reload the page and try again."
    else:
        try:
            plan = services.plan_point_toggle(
                actor=staff_user(request),
                plan=plan,
                point_code=form.cleaned_data["code"],
                side=form.cleaned_data["side"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
            plan = _plan(request, plan_id)
    if getattr(request, "htmx", False):
        return render(request, "atlas/plan_editor.html", _editor_context(plan, error=error))
    if error:
        messages.error(request, error)
    return redirect("atlas:plan-detail", plan_id=plan.pk)


@staff_view(Access.CLINICAL)
def plan_line_edit(request: HttpRequest, plan_id: int, line_id: int) -> HttpResponse:
    user = staff_user(request)
    line = get_for_user(
        user,
        PlannedPoint.objects.select_related("point", "plan__client__clinic"),
        access=Access.CLINICAL,
        pk=line_id,
        plan_id=plan_id,
    )
    initial = {
        "version": line.plan.version,
        "needle_type": line.needle_type,
        "gauge_mm": line.gauge_mm,
        "length_mm": line.length_mm,
        "override_reason": line.override_reason,
    }
    form = PlannedPointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.planned_point_update(actor=user, line=line, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{line}: needle saved.")
            return redirect("atlas:plan-detail", plan_id=plan_id)
    return render(request, "atlas/plan_line_form.html", {"line": line, "form": form})


@staff_view(Access.CLINICAL)
@require_POST
def plan_ready(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    try:
        version = int(request.POST.get("version", ""))
        services.plan_mark_ready(actor=staff_user(request), plan=plan, version=version)
    except ValueError:
        messages.error(request, "Reload the page and try again.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The plan is ready for the session.")
        for warning in services.plan_needle_limit_warnings(plan):
            messages.warning(request, f"More needles than a caution allows: {warning}.")
    return redirect("atlas:plan-detail", plan_id=plan.pk)


@staff_view(Access.CLINICAL)
def point_list(request: HttpRequest) -> HttpResponse:
    points = selectors.atlas_points()
    context = {
        "points": points,
        "chart": render_face_chart(states={}, points=points),
        "rules": plan_rules(),
    }
    return render(request, "atlas/point_list.html", context)


@staff_view(Access.CLINICAL)
def point_detail(request: HttpRequest) -> HttpResponse:
    # Reference data shared by every clinic: the code is a query parameter, not an object id.
    point = selectors.point_by_code(request.GET.get("code", ""))
    if point is None:
        raise Http404("Not found.")
    states = {(point.code, side): "planned" for side in point.sides}
    chart = render_face_chart(states=states) if point.is_facial else None
    regions = {side: point.region_for(side) for side in point.sides}
    return render(
        request, "atlas/point_detail.html", {"point": point, "chart": chart, "regions": regions}
    )


@staff_view(Access.CLINICAL)
def protocol_list(request: HttpRequest) -> HttpResponse:
    clinic = clinic_of(staff_user(request))
    current = selectors.protocols_current(clinic=clinic)
    names = {p.code: p.pinyin for p in Point.objects.all()}
    return render(
        request,
        "atlas/protocol_list.html",
        {"protocols": sorted(current.values(), key=lambda p: (p.kind, p.name)), "names": names},
    )


@staff_view(Access.CLINICAL)
@require_POST
def protocol_copy(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = ProtocolCopyForm(request.POST)
    if not form.is_valid():
        raise Http404("Not found.")
    try:
        copy = services.protocol_copy(actor=user, clinic=clinic_of(user), **form.cleaned_data)
    except ValidationError:
        raise Http404("Not found.") from None
    return redirect("atlas:protocol-edit", protocol_id=copy.pk)


@staff_view(Access.CLINICAL)
def protocol_edit(request: HttpRequest, protocol_id: int) -> HttpResponse:
    user = staff_user(request)
    protocol = get_for_user(user, Protocol, access=Access.CLINICAL, pk=protocol_id)
    known = set(Point.objects.values_list("code", flat=True))
    form = ProtocolForm(
        request.POST or None, initial=ProtocolForm.initial_for(protocol), known_codes=known
    )
    if request.method == "POST" and form.is_valid() and protocol.is_current:
        try:
            saved = services.protocol_update(actor=user, protocol=protocol, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{saved.name}: version {saved.version} saved.")
            return redirect("atlas:protocol-edit", protocol_id=saved.pk)
    history = selectors.protocol_history(clinic=clinic_of(user), key=protocol.key)
    return render(
        request,
        "atlas/protocol_form.html",
        {"protocol": protocol, "form": form, "history": history},
    )
