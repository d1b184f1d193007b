from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from acuface.clients.models import Client
from acuface.core.access import Access, clinic_of, get_for_user, staff_user, staff_view
from acuface.core.models import User
from acuface.intake import forms, selectors, services
from acuface.intake.models import Intake
from acuface.intake.questionnaire import (
    answer_display,
    check_submission,
    first_section_with_errors,
)
from acuface.intake.screening import Constitution

RATE_LIMIT = 300  # requests per window and address to the public link pages
RATE_WINDOW_SECONDS = 300


def _clinic_today(user: User) -> dt.date:
    assert user.clinic is not None
    return timezone.localtime(timezone.now(), user.clinic.zone).date()


def _session_day(request: HttpRequest, user: User) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return _clinic_today(user)


def _link_url(request: HttpRequest, intake: Intake) -> str:
    token = selectors.intake_link_token(intake)
    return request.build_absolute_uri(reverse("intake:intake-fill", kwargs={"token": token}))


# --- the client's pages (from the signed link, no login) ----------------------------------------


def _rate_limited(request: HttpRequest) -> bool:
    """Count requests per address in the shared cache; True once over the limit."""
    key = f"intake-link-rate:{request.META.get('REMOTE_ADDR', '?')}"
    cache.add(key, 0, timeout=getattr(settings, "INTAKE_RATE_WINDOW", RATE_WINDOW_SECONDS))
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        count = 1
    return count > getattr(settings, "INTAKE_RATE_LIMIT", RATE_LIMIT)


def _link_problem(request: HttpRequest, problem: str, intake: Intake | None) -> HttpResponse:
    status = {"tampered": 404, "expired": 410, "used": 200, "busy": 429}[problem]
    clinic = intake.client.clinic if intake else None
    context = {"problem": problem, "intake": intake, "link_clinic": clinic}
    return render(request, "intake/link_problem.html", context, status=status)


def _int(text: Any, default: int) -> int:
    try:
        return int(str(text))
    except ValueError:
        return default


def _render_page(
    request: HttpRequest,
    token: str,
    intake: Intake,
    index: int,
    *,
    fields: list[forms.FieldView] | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    schema = selectors.schema_of(intake.questionnaire)
    total = len(schema.sections)
    context: dict[str, Any] = {
        "intake": intake,
        "token": token,
        "index": index,
        "total": total,
        "step": index + 1,
        "percent": round(100 * index / total),
        "link_clinic": intake.client.clinic,
        "has_errors": bool(errors),
    }
    if index >= total:
        answers = intake.answers
        today = timezone.localdate(timezone.now(), intake.client.clinic.zone)
        _cleaned, missing = check_submission(schema, answers, today=today)
        context["sections"] = [
            (s, [(q.label, answer_display(q, answers.get(q.key))) for q in s.shown(answers)])
            for s in schema.sections
        ]
        # A page is done when nothing on it is still to answer (what sending would refuse).
        context["unfinished"] = [
            (i, s)
            for i, s in enumerate(schema.sections)
            if any(q.key in missing for q in s.questions)
        ]
        context["pages_done"] = total - len(context["unfinished"])
        return render(request, "intake/fill_review.html", context)
    section = schema.sections[index]
    context["section"] = section
    context["fields"] = fields or forms.page_fields(
        section.questions, answers=intake.answers, errors=errors
    )
    return render(request, "intake/fill_section.html", context, status=200)


def intake_fill(request: HttpRequest, token: str) -> HttpResponse:
    """The client's questionnaire: one section per page, saved on every page change."""
    if _rate_limited(request):
        return _link_problem(request, "busy", None)
    check = selectors.intake_from_link(token)
    if check.problem or check.intake is None:
        return _link_problem(request, check.problem or "tampered", check.intake)
    intake = check.intake
    schema = selectors.schema_of(intake.questionnaire)
    total = len(schema.sections)
    here = request.path
    if request.method != "POST":
        index = _int(request.GET.get("section"), intake.section_index)
        return _render_page(request, token, intake, max(0, min(index, total)))
    action = request.POST.get("action", "next")
    if action == "submit":
        try:
            services.intake_submit(intake=intake)
        except ValidationError as error:
            if getattr(error, "code", None) == "submitted":
                return redirect(here)
            errors = {k: " ".join(v) for k, v in error.message_dict.items()}
            index = first_section_with_errors(schema, errors)
            return _render_page(request, token, intake, index, errors=errors)
        return redirect(here)
    index = _int(request.POST.get("section"), -1)
    if not 0 <= index < total:
        return redirect(here)
    section = schema.sections[index]
    move_to = {"next": index + 1, "back": index - 1}.get(action)
    try:
        intake, errors = services.intake_draft_save(
            intake=intake,
            section_index=index,
            submitted=forms.submitted_from_post(section.questions, request.POST),
            move_to=move_to,
            require=action == "next",
        )
    except ValidationError:
        return redirect(here)  # submitted meanwhile (another tab): the page says so
    if action == "autosave":
        return HttpResponse(status=204)
    if errors:
        fields = forms.page_fields(
            section.questions, answers=intake.answers, posted=request.POST, errors=errors
        )
        return _render_page(request, token, intake, index, fields=fields, errors=errors)
    return redirect(f"{here}?section={intake.section_index}")


intake_fill.public_link = True  # type: ignore[attr-defined]


# --- staff: links -------------------------------------------------------------------------------


@staff_view(Access.STAFF)
def client_intake(request: HttpRequest, client_id: int) -> HttpResponse:
    """A client's intakes, and the link (e-mail or QR code) to fill in a new one."""
    user = staff_user(request)
    client = get_for_user(user, Client, pk=client_id)
    today = _clinic_today(user)
    status = selectors.intake_status(client=client, on=today)
    draft = status.open_draft
    context = {
        "client": client,
        "status": status,
        "intakes": selectors.intakes_of_client(client=client),
        "draft": draft,
        "draft_url": _link_url(request, draft) if draft else "",
        "draft_expired": bool(draft and draft.link_expires_at <= timezone.now()),
        "form": forms.LinkSendForm(initial={"email": client.email}),
        "today": today,
    }
    return render(request, "intake/client_intake.html", context)


@staff_view(Access.STAFF)
@require_POST
def intake_link_start(request: HttpRequest, client_id: int) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, pk=client_id)
    form = forms.LinkSendForm(request.POST)
    intake = services.intake_start(actor=user, client=client)
    if form.is_valid() and form.cleaned_data["email"]:
        try:
            services.intake_link_send(
                actor=user,
                intake=intake,
                email=form.cleaned_data["email"],
                link_url=_link_url(request, intake),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"The link is on its way to {form.cleaned_data['email']}.")
    elif not form.is_valid():
        messages.error(request, "That e-mail address does not look right; show the QR code.")
    return redirect("intake:client-intake", client_id=client.pk)


@staff_view(Access.STAFF)
def intake_qr(request: HttpRequest, intake_id: int) -> HttpResponse:
    """The client's link as a QR code to scan from the screen (SVG)."""
    intake = get_for_user(staff_user(request), Intake, pk=intake_id)
    if intake.is_submitted:  # nothing left to scan: back to the client's intake page
        return redirect("intake:client-intake", client_id=intake.client_id)
    image = qrcode.make(_link_url(request, intake), image_factory=qrcode.image.svg.SvgPathImage)
    response = HttpResponse(image.to_string(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


# --- staff: review, acknowledge, today's check --------------------------------------------------


def constitution_chart(constitution: Constitution | None) -> list[dict[str, Any]]:
    """Bars for the small server-drawn chart (score 0 to 100 drawn 0 to 200 px wide)."""
    if constitution is None:
        return []
    return [
        {
            "label": t.label,
            "score": t.score,
            "classification": t.classification,
            "y": 4 + i * 22,
            "text_y": 17 + i * 22,
            "width": round(max(t.score, 0) * 2),
        }
        for i, t in enumerate(constitution.types)
    ]


@staff_view(Access.CLINICAL)
def intake_review(request: HttpRequest, intake_id: int) -> HttpResponse:
    """The practitioner's review: flags, risks, constitution, answers, changes."""
    user = staff_user(request)
    intake = get_for_user(
        user,
        Intake.objects.select_related("client", "questionnaire"),
        access=Access.CLINICAL,
        pk=intake_id,
    )
    on = _session_day(request, user)
    today_check = selectors.today_check_for(client=intake.client, on=on)
    result = selectors.screening_for_intake(intake=intake, on=on, today_check=today_check)
    unacknowledged = selectors.unacknowledged_flags(
        intake=intake, result=result, today_check=today_check
    )
    previous, changes = selectors.changes_since_previous(intake=intake)
    questions = selectors.schema_of(intake.questionnaire).questions
    context = {
        "intake": intake,
        "client": intake.client,
        "on": on,
        "today_check": today_check,
        "result": result,
        "flags": [
            (f, f in unacknowledged, [questions[k].label for k in f.triggered_by if k in questions])
            for f in result.flags
        ],
        "chart": constitution_chart(result.constitution),
        "sections": selectors.answers_by_section(intake=intake) if intake.is_submitted else [],
        "previous": previous,
        "changes": changes,
        "acknowledgements": selectors.acknowledgements_of(intake=intake),
        "is_valid": bool(intake.valid_until and intake.valid_until >= on),
    }
    return render(request, "intake/intake_review.html", context)


@staff_view(Access.CLINICAL)
@require_POST
def flag_acknowledge(request: HttpRequest, intake_id: int) -> HttpResponse:
    user = staff_user(request)
    intake = get_for_user(user, Intake, access=Access.CLINICAL, pk=intake_id)
    form = forms.AcknowledgeForm(request.POST)
    on = _clinic_today(user)
    back_to = ""  # the page comes back at the flag just acknowledged, not at its top
    if form.is_valid():
        on = form.cleaned_data["on"]
        try:
            services.flag_acknowledge(
                actor=user,
                intake=intake,
                rule_id=form.cleaned_data["rule_id"],
                on=on,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Flag acknowledged.")
        back_to = f"#flag-{quote(form.cleaned_data['rule_id'])}"
    else:
        messages.error(request, "That acknowledgement could not be read; try again.")
    url = reverse("intake:intake-review", kwargs={"intake_id": intake.pk})
    return redirect(f"{url}?on={on.isoformat()}{back_to}")


@staff_view(Access.CLINICAL)
def today_check(request: HttpRequest, client_id: int) -> HttpResponse:
    """The short check at each visit (meal, pregnancy, new medicines or treatments, unwell)."""
    user = staff_user(request)
    client = get_for_user(user, Client, access=Access.CLINICAL, pk=client_id)
    on = _session_day(request, user)
    intake = selectors.latest_valid_intake(client=client, on=on)
    questionnaire = intake.questionnaire if intake else None
    schema = selectors.schema_of(
        questionnaire or selectors.questionnaire_current(clinic=client.clinic)
    )
    existing = selectors.today_check_for(client=client, on=on)
    errors: dict[str, str] = {}
    posted = None
    if request.method == "POST":
        posted = request.POST
        submitted = forms.submitted_from_post(schema.today_check.questions, request.POST)
        try:
            services.today_check_record(actor=user, client=client, on=on, answers=submitted)
        except ValidationError as error:
            errors = {k: " ".join(v) for k, v in error.message_dict.items()}
        else:
            messages.success(request, "Today's check is recorded; screening has been re-run.")
            if intake is None:
                return redirect("intake:client-intake", client_id=client.pk)
            url = reverse("intake:intake-review", kwargs={"intake_id": intake.pk})
            return redirect(f"{url}?on={on.isoformat()}")
    fields = forms.page_fields(
        schema.today_check.questions,
        answers=existing.answers if existing else {},
        posted=posted,
        errors=errors,
    )
    context = {
        "client": client,
        "on": on,
        "intake": intake,
        "fields": fields,
        "existing": existing,
        "has_errors": bool(errors),
    }
    return render(request, "intake/today_check.html", context)


@staff_view(Access.CLINICAL)
def intake_list(request: HttpRequest) -> HttpResponse:
    """Intakes submitted in the last 30 days, with what each still needs."""
    user = staff_user(request)
    on = _session_day(request, user)
    rows = selectors.recent_intakes(clinic=clinic_of(user), on=on)
    return render(request, "intake/intake_list.html", {"rows": rows, "on": on})
