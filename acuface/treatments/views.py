from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, trigger_client_event

from acuface.atlas.chart import render_body_points, render_chart_point, render_face_chart
from acuface.atlas.models import Point
from acuface.atlas.selectors import plans_for_client
from acuface.clients.models import Client
from acuface.core.access import Access, clinic_of, get_for_user, staff_user, staff_view
from acuface.core.webforms import apply_validation_error
from acuface.treatments import aftercare, restrictions, selectors, services, states
from acuface.treatments.actions import PAGE_ACTIONS, Done
from acuface.treatments.forms import NeedleLotForm, NeedleProductForm, SessionForm
from acuface.treatments.models import (
    MissingNeedleIncident,
    Needle,
    NeedleProduct,
    TreatmentSession,
)
from acuface.treatments.states import SessionStateError

TAP_ACTIONS = {"tap", "take-out"}
# What the chart needs of a point (the atlas row has many more columns).
CHART_FIELDS = (
    "code",
    "pinyin",
    "is_facial",
    "is_bilateral",
    "recipe_id",
    "chart_x",
    "chart_y",
    "order",
    "region",
)
# The questions a refused tap asks, by the form field its refusal names.
TAP_PROMPTS = ("override_reason", "add_to_plan")


def _session(request: HttpRequest, session_id: int) -> TreatmentSession:
    # The plan is left out: a tap never needs it, and the page reads it only when there is one.
    sessions = TreatmentSession.objects.select_related(
        "client__clinic", "facial_lot__product", "body_lot__product"
    )
    return get_for_user(staff_user(request), sessions, access=Access.CLINICAL, pk=session_id)


def _error_text(form: django_forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def page_context(
    session: TreatmentSession,
    *,
    notice: str = "",
    error: str = "",
    failed: tuple[str, django_forms.Form] | None = None,
    prompt: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The state panel's context: the page data, one form per action, the face chart."""
    page = selectors.session_page(session=session)
    clinic = session.client.clinic
    initial = {
        "version": session.version,
        "facial_lot": session.facial_lot_id,
        "body_lot": session.body_lot_id,
    }
    action_forms: dict[str, django_forms.Form] = {
        name.replace("-", "_"): spec.form(initial=initial, clinic=clinic, auto_id=f"id_{name}_%s")
        for name, spec in PAGE_ACTIONS.items()
        if spec.step in page.legal
    }
    if failed is not None:
        name, form = failed
        action_forms[name.replace("-", "_")] = form
    points = list(Point.objects.only(*CHART_FIELDS))
    forbidden = restrictions.forbidden_on_chart(
        session, points, ((o.point.code, o.side) for o in page.overrides)
    )
    chart_states, titles = selectors.chart_states(page.plan_lines, page.needles, forbidden)
    chart_args: dict[str, Any] = {
        "states": chart_states,
        "titles": titles,
        "interactive": selectors.chart_is_tappable(session),
        "tap_url": reverse("treatments:session-act", args=[session.pk, "tap"]),
        "tap_target": "#session-state",
        "version": session.version,
    }
    return {
        "s": session,
        "page": page,
        "facts": page.facts,
        "forms": action_forms,
        "notice": notice,
        "error": error,
        "prompt": prompt,
        "chart": render_face_chart(points=points, **chart_args),
        "body_points": render_body_points(points=points, **chart_args),
        "tapping": chart_args["interactive"] and session.state in states.TAPPING_IN,
        "removing": session.state in (states.RETENTION, states.REMOVAL),
        "take_out_url": reverse("treatments:session-act", args=[session.pk, "take-out"]),
        "states": states,
        "event_kinds_point": (
            "pain_at_point",
            "bleeding_at_removal",
            "bent_needle",
            "stuck_needle",
        ),
    }


@staff_view(Access.CLINICAL)
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return render(request, "treatments/session_detail.html", page_context(session))


@staff_view(Access.CLINICAL)
def session_state(request: HttpRequest, session_id: int) -> HttpResponse:
    """The state panel alone, for the poll that keeps a second device current (204: no change)."""
    versions = TreatmentSession.objects.only("version")  # the poll's usual answer needs no more
    current = get_for_user(staff_user(request), versions, access=Access.CLINICAL, pk=session_id)
    if request.GET.get("version") == str(current.version):
        return HttpResponse(status=204)
    context = page_context(_session(request, session_id))
    return render(request, "treatments/session_state.html", context)


@staff_view(Access.CLINICAL)
@require_POST
def session_act(request: HttpRequest, session_id: int, action: str) -> HttpResponse:
    """One button of the session page: validate its form, call its service, show the state."""
    spec = PAGE_ACTIONS.get(action)
    session = _session(request, session_id)
    if spec is None:
        raise Http404("Not found.")
    form = spec.form(request.POST, clinic=session.client.clinic, auto_id=f"id_{action}_%s")
    done, error = None, ""
    if form.is_valid():
        try:
            done = spec.run(staff_user(request), session, form.cleaned_data, form)
        except SessionStateError as problem:
            error = str(problem)
        except ValidationError as problem:
            apply_validation_error(form, problem)
    if form.errors:
        error = error or "Not saved: " + _error_text(form)
    # An answered question (an override, a point added to the plan) brings the whole panel
    # back: the overrides list and the plan's chart change with it.
    answered = action == "tap" and done is not None and _answered_question(form)
    if done is not None and done.needle is not None and request.htmx and not answered:  # type: ignore[attr-defined]
        return _tap_answer(request, done, before_state=session.state)
    if done is not None:
        return _answer(request, done.session, action, form, notice=done.notice, error=error)
    # Refused: read the session again, as another device may have just changed it.
    fresh = _session(request, session_id)
    prompt = _tap_prompt(form) if action == "tap" else None
    return _answer(request, fresh, action, form, notice="", error=error, prompt=prompt)


def _answered_question(form: SessionForm) -> bool:
    data = form.cleaned_data
    return bool(data.get("override_reason") or data.get("add_to_plan"))


def _tap_prompt(form: SessionForm) -> dict[str, str] | None:
    """The question a refused tap asks: add a point outside the plan, or give this point's
    reason to needle it although screening forbids it."""
    for field in TAP_PROMPTS:
        if field in form.errors and "code" in form.cleaned_data:
            side = form.cleaned_data["side"]
            return {
                "kind": field,
                "code": form.cleaned_data["code"].strip().upper(),
                "side": side,
                "side_label": Needle.Side(side).label,
                "message": " ".join(str(e) for e in form.errors[field]),
            }
    return None


def tap_context(
    session: TreatmentSession, needle: Needle, facts: states.SessionFacts, *, notice: str
) -> dict[str, Any]:
    """What a tap's short answer shows: the needle's point and row, the counts, the message."""
    legal = states.legal_actions(facts)
    chart_state, title = selectors.needle_chart_state(needle)
    point = render_chart_point(
        needle.point,
        needle.side,
        state=chart_state,
        title=title,
        interactive=selectors.chart_is_tappable(session),
        swap_oob=True,
    )
    return {
        "s": session,
        "facts": facts,
        "legal": legal,
        "needle": needle,
        "notice": notice,
        "point": point,
        "can_remove": states.REMOVE_NEEDLE in legal,
        "take_out_url": reverse("treatments:session-act", args=[session.pk, "take-out"]),
        "states": states,
    }


def _tap_answer(request: HttpRequest, done: Done, *, before_state: str) -> HttpResponse:
    """A needle tap: only what it changed when the steps stayed the same, else the whole panel."""
    session, needle = done.session, done.needle
    assert needle is not None
    facts = selectors.session_facts(session=session)
    if not states.tap_keeps_steps(before_state, facts, needle_went_in=needle.is_in):
        context = page_context(session, notice=done.notice)
        return render(request, "treatments/session_state.html", context)
    context = tap_context(session, needle, facts, notice=done.notice)
    response = render(request, "treatments/session_tap.html", context)
    reswap(response, "none")  # nothing replaces the panel: its pieces come out of band
    return trigger_client_event(
        response, "session-version", {"version": done.session.version}, after="swap"
    )


def _answer(
    request: HttpRequest,
    fresh: TreatmentSession,
    action: str,
    form: SessionForm,
    *,
    notice: str,
    error: str,
    prompt: dict[str, str] | None = None,
) -> HttpResponse:
    """The current state; a failed form comes back with what was typed and the new version."""
    failed = None
    if error and action not in TAP_ACTIONS:
        data = form.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(fresh.version)
        rebound = type(form)(data, clinic=fresh.client.clinic, auto_id=f"id_{action}_%s")
        rebound.is_valid()
        for field, errors in form.errors.items():
            if field not in rebound.errors or field == "__all__":
                for message in errors:
                    rebound.add_error(None if field == "__all__" else field, message)
        failed = (action, rebound)
    if request.htmx:  # type: ignore[attr-defined]
        context = page_context(fresh, notice=notice, error=error, failed=failed, prompt=prompt)
        return render(request, "treatments/session_state.html", context)
    if error:
        context = page_context(fresh, error=error, failed=failed, prompt=prompt)
        return render(request, "treatments/session_detail.html", context)
    messages.success(request, notice)
    return redirect("treatments:session-detail", session_id=fresh.pk)


@staff_view(Access.CLINICAL)
@require_POST
def session_start(request: HttpRequest, client_id: int) -> HttpResponse:
    """Start a session now for a client, from their newest plan if they have one."""
    user = staff_user(request)
    client = get_for_user(user, Client, access=Access.CLINICAL, pk=client_id)
    try:
        session = services.session_schedule(
            actor=user,
            client=client,
            scheduled_at=timezone.now(),
            plan=plans_for_client(client=client).first(),
        )
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect("clients:client-detail", client_id=client.pk)
    return redirect("treatments:session-detail", session_id=session.pk)


@staff_view(Access.CLINICAL)
def aftercare_sheet(request: HttpRequest, session_id: int) -> HttpResponse:
    """The sheet as it was issued (its stored facts), whatever has changed since."""
    session = _session(request, session_id)
    sheet = aftercare.issued_sheet(session)
    if sheet is None:
        messages.error(request, "The aftercare sheet is made when it is issued at the end.")
        return redirect("treatments:session-detail", session_id=session.pk)
    return HttpResponse(aftercare.sheet_html(sheet.facts))


@staff_view(Access.CLINICAL)
def aftercare_pdf(request: HttpRequest, session_id: int) -> HttpResponse:
    """The PDF as it was issued: the same bytes on every download."""
    session = _session(request, session_id)
    sheet = aftercare.issued_sheet(session)
    if sheet is None:
        messages.error(request, "The aftercare sheet is made when it is issued at the end.")
        return redirect("treatments:session-detail", session_id=session.pk)
    response = HttpResponse(aftercare.sheet_pdf(sheet), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{sheet.facts["filename"]}"'
    return response


# --- needle stock and incidents -------------------------------------------------------------------


@staff_view(Access.CLINICAL)
def stock_list(request: HttpRequest) -> HttpResponse:
    clinic = clinic_of(staff_user(request))
    context = {
        "products": selectors.stock_products(clinic=clinic),
        "today": selectors.clinic_today(clinic),
    }
    return render(request, "treatments/stock_list.html", context)


@staff_view(Access.OWNER)
def product_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = NeedleProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.needle_product_create(actor=user, clinic=clinic_of(user), **form.cleaned_data)
        except ValidationError as problem:
            apply_validation_error(form, problem)
        else:
            messages.success(request, "Needle product added.")
            return redirect("treatments:stock-list")
    return render(request, "treatments/stock_form.html", {"form": form, "title": "New product"})


@staff_view(Access.OWNER)
def lot_receive(request: HttpRequest, product_id: int) -> HttpResponse:
    user = staff_user(request)
    product = get_for_user(user, NeedleProduct, access=Access.OWNER, pk=product_id)
    form = NeedleLotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.needle_lot_receive(actor=user, product=product, **form.cleaned_data)
        except ValidationError as problem:
            apply_validation_error(form, problem)
        else:
            messages.success(request, "Lot received.")
            return redirect("treatments:stock-list")
    context = {"form": form, "title": f"Receive a lot of {product}"}
    return render(request, "treatments/stock_form.html", context)


@staff_view(Access.OWNER)
def incident_list(request: HttpRequest) -> HttpResponse:
    incidents = selectors.incidents_all(clinic=clinic_of(staff_user(request)))
    return render(request, "treatments/incident_list.html", {"incidents": incidents})


@staff_view(Access.OWNER)
@require_POST
def incident_review(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = staff_user(request)
    incident = get_for_user(user, MissingNeedleIncident, access=Access.OWNER, pk=incident_id)
    services.missing_needle_incident_review(actor=user, incident=incident)
    messages.success(request, "Marked as reviewed.")
    return redirect("treatments:incident-list")
