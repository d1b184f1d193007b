from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from acuface.core import selectors, services
from acuface.core.access import Access, clinic_of, get_for_user, staff_user, staff_view
from acuface.core.audit_wording import audit_rows
from acuface.core.forms import AuditFilterForm, ClinicContactForm, StaffInviteForm
from acuface.core.models import User
from acuface.core.webforms import apply_validation_error


@staff_view(Access.STAFF)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {})


@staff_view(Access.OWNER)
def staff_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.staff_invite(actor=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{invited.email} is invited; an e-mail is on its way.")
            return redirect("core:staff-list")
    staff = selectors.staff_list(clinic=clinic_of(user))
    return render(request, "core/staff_list.html", {"form": form, "staff": staff})


@staff_view(Access.OWNER)
@require_POST
def staff_set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    user = staff_user(request)
    member = get_for_user(user, User, access=Access.OWNER, pk=user_id)
    is_active = request.POST.get("is_active") == "1"
    try:
        services.staff_set_active(actor=user, staff=member, is_active=is_active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member} is {'active' if is_active else 'deactivated'}.")
    return redirect("core:staff-list")


@staff_view(Access.OWNER)
def audit_log(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    clinic = clinic_of(user)
    form = AuditFilterForm(request.GET or None, clinic=clinic)
    events = selectors.audit_events(clinic=clinic)
    if form.is_valid():
        data = form.cleaned_data
        events = selectors.audit_events(
            clinic=clinic,
            client_id=data["client"],
            actor_id=data["actor"].pk if data["actor"] else None,
            since=data["since"],
            until=data["until"],
        )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = audit_rows(page.object_list, zone=clinic.zone)
    return render(request, "core/audit_log.html", {"form": form, "page": page, "rows": rows})


@staff_view(Access.OWNER)
def clinic_settings(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    clinic = clinic_of(user)
    initial = {name: getattr(clinic, name) for name in ClinicContactForm.base_fields}
    form = ClinicContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.clinic_contact_update(actor=user, clinic=clinic, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The clinic's contact details are saved.")
            return redirect("core:clinic-settings")
    return render(request, "core/clinic_settings.html", {"form": form})
