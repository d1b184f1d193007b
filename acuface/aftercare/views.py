from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from acuface.aftercare import forms, rules, selectors, services
from acuface.aftercare.models import AdverseEvent, CheckIn, Escalation, ProblemReport
from acuface.atlas.chart import render_face_chart
from acuface.core.access import Access, clinic_of, get_for_user, staff_user, staff_view
from acuface.core.models import User
from acuface.core.webforms import apply_validation_error
from acuface.treatments.models import FollowUp, TreatmentSession

RATE_LIMIT = 120  # requests per window and address to the check-in link pages
RATE_WINDOW_SECONDS = 300


# --- the client's page (signed link, no login) --------------------------------------------------


def _rate_limited(request: HttpRequest) -> bool:
    """Count requests per address in the shared cache; True once over the limit."""
    key = f"aftercare-link-rate:{request.META.get('REMOTE_ADDR', '?')}"
    window = getattr(settings, "AFTERCARE_RATE_WINDOW", RATE_WINDOW_SECONDS)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return bool(count > getattr(settings, "AFTERCARE_RATE_LIMIT", RATE_LIMIT))


def _link_page(request: HttpRequest, problem: str, checkin: CheckIn | None) -> HttpResponse:
    status = {"tampered": 404, "expired": 410, "used": 200, "busy": 429}[problem]
    advice = rules.advice_for(checkin.answers) if checkin and problem == "used" else []
    context = {
        "problem": problem,
        "checkin": checkin,
        "link_clinic": checkin.follow_up.session.client.clinic if checkin else None,
        "advice": [(key, rules.catalogue()["advice"][key]) for key in advice],
    }
    return render(request, "aftercare/checkin_done.html", context, status=status)


def checkin_fill(request: HttpRequest, token: str) -> HttpResponse:
    """The client's check-in form on a phone; answered once, advice shown at once."""
    if _rate_limited(request):
        return _link_page(request, "busy", None)
    check = selectors.checkin_from_link(token)
    if check.problem or check.checkin is None:
        return _link_page(request, check.problem or "tampered", check.checkin)
    checkin = check.checkin
    form = forms.CheckInForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_answer(
                checkin=checkin, answers=form.answers(), photo=form.cleaned_data["photo"]
            )
        except ValidationError as problem:
            if getattr(problem, "code", None) == "answered":  # meanwhile: the next page says so
                return redirect(request.path)
            apply_validation_error(form, problem)
        else:
            return redirect(request.path)
    heading = f"How are you {checkin.follow_up.get_kind_display().lower()} your treatment?"
    return _answers_page(request, form, heading, checkin.follow_up.session.client.clinic)


checkin_fill.public_link = True  # type: ignore[attr-defined]


def _answers_page(
    request: HttpRequest, form: forms.CheckInForm, heading: str, clinic: Any
) -> HttpResponse:
    marked = dict.fromkeys(((str(c), str(s)) for c, s in _marked(form)), "planned")
    chart = render_face_chart(
        states=marked,
        interactive=True,
        chart_id="bruise-chart",
        caption="Tap where the bruise is (tap again to remove).",
    )
    context = {
        "form": form,
        "heading": heading,
        "chart": chart,
        "link_clinic": clinic,
        "has_errors": form.is_bound and not form.is_valid(),
    }
    return render(request, "aftercare/checkin_fill.html", context)


def _tampered(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"problem": "tampered", "link_clinic": None, "advice": []}
    return render(request, "aftercare/checkin_done.html", context, status=404)


def session_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The aftercare sheet's QR code: the check-in that is due, else "Report a problem now"."""
    if _rate_limited(request):
        return _link_page(request, "busy", None)
    check = selectors.checkin_from_session_link(token)
    if check.session is None:
        return _tampered(request)
    if check.checkin is not None:
        return redirect("aftercare:checkin-fill", token=selectors.checkin_link_token(check.checkin))
    clinic = check.session.client.clinic
    report = selectors.problem_report_of(check.session, request.GET.get("report"))
    advice = rules.advice_for(report.answers) if report else []
    context = {
        "link_clinic": clinic,
        "report": report,
        "advice": [(key, rules.catalogue()["advice"][key]) for key in advice],
        "report_url": reverse("aftercare:session-report", kwargs={"token": token}),
        "next_checkin_at": (
            timezone.localtime(check.next_checkin_at, clinic.zone)
            if check.next_checkin_at
            else None
        ),
    }
    return render(request, "aftercare/sheet_link.html", context)


session_checkin.public_link = True  # type: ignore[attr-defined]


def session_report(request: HttpRequest, token: str) -> HttpResponse:
    """The client reports a problem from the sheet's link, at any time after it was issued."""
    if _rate_limited(request):
        return _link_page(request, "busy", None)
    check = selectors.checkin_from_session_link(token)
    session = check.session
    if session is None:
        return _tampered(request)
    if request.method != "POST" and check.checkin is not None:  # one form: the check-in due
        return redirect("aftercare:checkin-fill", token=selectors.checkin_link_token(check.checkin))
    form = forms.ProblemReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.problem_report_submit(
                session=session, answers=form.answers(), photo=form.cleaned_data["photo"]
            )
        except ValidationError as problem:
            apply_validation_error(form, problem)
        else:
            done = reverse("aftercare:session-checkin", kwargs={"token": token})
            return redirect(f"{done}?report={report.pk}")
    return _answers_page(request, form, "Tell us what is wrong", session.client.clinic)


session_report.public_link = True  # type: ignore[attr-defined]


def _marked(form: forms.CheckInForm) -> list[list[str]]:
    if form.is_bound:
        form.is_valid()  # cleaned_data keeps each field that was valid, even if another was not
        return list(form.cleaned_data.get("bruise_points") or [])
    return []


# --- staff --------------------------------------------------------------------------------------


@staff_view(Access.CLINICAL)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Follow-ups due and overdue, open escalations, the call list, sending problems."""
    user = staff_user(request)
    data = selectors.dashboard(clinic=clinic_of(user), user=user)
    return render(request, "aftercare/dashboard.html", {"dash": data})


@staff_view(Access.CLINICAL)
def escalation_detail(request: HttpRequest, escalation_id: int) -> HttpResponse:
    """One escalation: what happened, the client's answers; acknowledge it with a note."""
    user = staff_user(request)
    escalation = get_for_user(
        user,
        Escalation.objects.select_related(
            "adverse_event__session__client", "adverse_event__checkin", "adverse_event__report"
        ),
        access=Access.CLINICAL,
        pk=escalation_id,
    )
    form = forms.NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_acknowledge(
                actor=user, escalation=escalation, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error("note", " ".join(error.messages))
        else:
            messages.success(request, "Escalation acknowledged.")
            return redirect("aftercare:dashboard")
    event = escalation.adverse_event
    answered = event.checkin or event.report
    lines = selectors.answers_display(answered) if answered else []
    context = {"escalation": escalation, "event": event, "form": form, "lines": lines}
    return render(request, "aftercare/escalation_detail.html", context)


@staff_view(Access.CLINICAL)
def checkin_detail(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """One check-in: its sending, the client's answers and photo; record a call."""
    user = staff_user(request)
    checkin = get_for_user(
        user,
        CheckIn.objects.select_related("follow_up__session__client"),
        access=Access.CLINICAL,
        pk=checkin_id,
    )
    form = forms.NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_call_record(
                actor=user, checkin=checkin, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_error("note", " ".join(error.messages))
        else:
            messages.success(request, "Call recorded.")
            return redirect("aftercare:dashboard")
    context = {
        "checkin": checkin,
        "form": form,
        "lines": selectors.answers_display(checkin),
        "events": checkin.adverse_events.all(),
        "advice": rules.advice_for(checkin.answers),
    }
    return render(request, "aftercare/checkin_detail.html", context)


@staff_view(Access.CLINICAL)
@require_POST
def checkin_send_again(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """Staff decide an unconfirmed or failed check-in e-mail should go (again)."""
    user = staff_user(request)
    checkin = get_for_user(
        user,
        CheckIn.objects.select_related("follow_up__session__client"),
        access=Access.CLINICAL,
        pk=checkin_id,
    )
    try:
        services.checkin_send_again(actor=user, checkin=checkin)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The check-in will be sent again.")
    return redirect("aftercare:checkin-detail", checkin_id=checkin.pk)


def _private_photo(photo: Any) -> HttpResponse:
    """A client's photo, shown inline and never kept by a cache."""
    if not photo:
        raise Http404("No photo.")
    response: HttpResponse = FileResponse(photo.open("rb"))  # type: ignore[assignment]
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


@staff_view(Access.CLINICAL)
def checkin_photo(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """The client's photo, for clinical staff of the clinic only."""
    checkin = get_for_user(staff_user(request), CheckIn, access=Access.CLINICAL, pk=checkin_id)
    return _private_photo(checkin.photo)


@staff_view(Access.CLINICAL)
def report_photo(request: HttpRequest, report_id: int) -> HttpResponse:
    """The photo sent with a client's problem report, for clinical staff of the clinic only."""
    report = get_for_user(staff_user(request), ProblemReport, access=Access.CLINICAL, pk=report_id)
    return _private_photo(report.photo)


@staff_view(Access.CLINICAL)
@require_POST
def event_resolve(request: HttpRequest, event_id: int) -> HttpResponse:
    """Mark an adverse event as over."""
    user = staff_user(request)
    event = get_for_user(
        user,
        AdverseEvent.objects.select_related("session__client"),
        access=Access.CLINICAL,
        pk=event_id,
    )
    try:
        services.adverse_event_resolve(actor=user, event=event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("clients:client-detail", client_id=event.session.client_id)


@staff_view(Access.CLINICAL)
def event_record(request: HttpRequest, session_id: int) -> HttpResponse:
    """Record an adverse event a client reports after the session (by phone, at a visit)."""
    user = staff_user(request)
    sessions = TreatmentSession.objects.select_related("client__clinic")
    session = get_for_user(user, sessions, access=Access.CLINICAL, pk=session_id)
    if session.needling_started_at is None:
        messages.error(request, "Adverse events are recorded for a session whose needles went in.")
        return redirect("clients:client-detail", client_id=session.client_id)
    form = forms.AdverseEventForm(
        request.POST or None, began_at=session.needling_started_at, now=timezone.now()
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.adverse_event_record(actor=user, session=session, **form.cleaned_data)
        except ValidationError as problem:
            apply_validation_error(form, problem)
        else:
            messages.success(request, f"Recorded: {event.get_kind_display()} ({event.grade}).")
            return redirect("clients:client-detail", client_id=session.client_id)
    return render(request, "aftercare/event_record.html", {"form": form, "session": session})


@staff_view(Access.STAFF)
def followup_qr(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    """The check-in link of a follow-up as a QR code (SVG), once its check-in is scheduled."""
    follow_up = get_for_user(staff_user(request), FollowUp, pk=follow_up_id)
    try:
        svg = selectors.checkin_qr_svg(follow_up)
    except CheckIn.DoesNotExist:
        raise Http404("This check-in is not scheduled yet.") from None
    response = HttpResponse(str(svg), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


def _period(request: HttpRequest, user: User) -> tuple[forms.ReportPeriodForm, dt.date, dt.date]:
    assert user.clinic is not None
    today = timezone.localtime(timezone.now(), user.clinic.zone).date()
    default = {"start": today - dt.timedelta(days=364), "end": today}
    form = forms.ReportPeriodForm(request.GET if "start" in request.GET else None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default["start"], default["end"]


@staff_view(Access.OWNER)
def safety_report(request: HttpRequest) -> HttpResponse:
    """The clinic's side-effect rates over a period, against the published ones."""
    user = staff_user(request)
    form, start, end = _period(request, user)
    report = selectors.safety_report(clinic=clinic_of(user), start=start, end=end)
    context: dict[str, Any] = {
        "form": form,
        "report": report,
        "source": rules.catalogue()["published_source"],
        "point_definition": selectors.POINT_RATE_DEFINITION,
    }
    return render(request, "aftercare/safety_report.html", context)


@staff_view(Access.OWNER)
def safety_report_csv(request: HttpRequest) -> HttpResponse:
    """The safety report as CSV (audited export)."""
    user = staff_user(request)
    clinic = clinic_of(user)
    _form, start, end = _period(request, user)
    report = selectors.safety_report(clinic=clinic, start=start, end=end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="safety-report-{start}-{end}.csv"'
    csv.writer(response).writerows(selectors.safety_report_csv_rows(report))
    services.safety_report_export_record(actor=user, start=start, end=end)
    return response
