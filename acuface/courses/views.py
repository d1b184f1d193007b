from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from acuface.clients.models import Client
from acuface.core.access import Access, clinic_of, get_for_user, staff_user, staff_view
from acuface.core.models import User
from acuface.core.webforms import apply_validation_error
from acuface.courses import ical, outcomes, reports, rules, selectors, services
from acuface.courses.forms import (
    CancelForm,
    CourseForm,
    OpeningHoursForm,
    OutcomeForm,
    RescheduleForm,
    SlotForm,
)
from acuface.courses.models import Booking, Course

FEED_SALT = "acuface.courses.feed"


def _slot_error(form: SlotForm, error: ValidationError) -> None:
    """Show the booking service's time errors beside the time field."""
    if hasattr(error, "error_dict") and "starts_at" in error.error_dict:
        error.error_dict["time"] = error.error_dict.pop("starts_at")
    apply_validation_error(form, error)


def feed_token(practitioner: User) -> str:
    return signing.Signer(salt=FEED_SALT).sign(str(practitioner.pk))


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view(Access.CLINICAL)
def course_create(request: HttpRequest, client_id: int) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, access=Access.CLINICAL, pk=client_id)
    initial = {"practitioner": user.pk if user.sees_clinical else None}
    form = CourseForm(request.POST or None, clinic=client.clinic, initial=initial)
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("starts_at"):
        data = form.cleaned_data
        try:
            course, problems = services.course_create(
                actor=user,
                client=client,
                practitioner=data["practitioner"],
                first_at=data["starts_at"],
                **{
                    k: data[k]
                    for k in (
                        "sessions_planned",
                        "per_week",
                        "session_minutes",
                        "maintenance_every_weeks",
                        "prepaid_sessions",
                    )
                },
            )
        except ValidationError as error:
            _slot_error(form, error)
        else:
            for problem in problems:
                messages.warning(request, f"Not booked: {problem}")
            return redirect("courses:course-detail", course_id=course.pk)
    return render(request, "courses/course_form.html", {"form": form, "client": client})


@staff_view(Access.CLINICAL)
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_for_user(staff_user(request), Course, access=Access.CLINICAL, pk=course_id)
    return render(request, "courses/course_detail.html", reports.course_context(course=course))


@staff_view(Access.STAFF)
def booking_create(request: HttpRequest, course_id: int) -> HttpResponse:
    user = staff_user(request)
    course = get_for_user(user, Course.objects.select_related("client__clinic"), pk=course_id)
    initial = {"practitioner": course.practitioner_id, "date": timezone.localdate()}
    form = SlotForm(request.POST or None, clinic=course.client.clinic, initial=initial)
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("starts_at"):
        try:
            booking = services.course_book_next(
                actor=user,
                course=course,
                starts_at=form.cleaned_data["starts_at"],
                practitioner=form.cleaned_data["practitioner"],
            )
        except ValidationError as error:
            _slot_error(form, error)
        else:
            messages.success(
                request,
                f"Booked {selectors.local(booking.starts_at, booking.clinic):%a %d %b %H:%M}.",
            )
            return redirect(_after_booking(user, course))
    context = {"form": form, "course": course, "client": course.client, "title": "Book a session"}
    return render(request, "courses/booking_form.html", context)


@staff_view(Access.STAFF)
def visit_book(request: HttpRequest, client_id: int) -> HttpResponse:
    """Book a client's next visit on the calendar (their course's next session, if any)."""
    user = staff_user(request)
    client = get_for_user(user, Client.objects.select_related("clinic"), pk=client_id)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    initial = {"practitioner": request.GET.get("practitioner"), "date": timezone.localdate()}
    form = SlotForm(request.POST or None, clinic=client.clinic, initial=initial)
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("starts_at"):
        try:
            booking = services.visit_book(
                actor=user,
                client=client,
                practitioner=form.cleaned_data["practitioner"],
                starts_at=form.cleaned_data["starts_at"],
            )
        except ValidationError as error:
            _slot_error(form, error)
        else:
            when = selectors.local(booking.starts_at, booking.clinic)
            messages.success(request, f"Booked {when:%a %d %b %H:%M} on the calendar.")
            return redirect(back or reverse("courses:calendar") + f"?date={when:%Y-%m-%d}")
    context = {"form": form, "client": client, "title": "Book a visit", "next": back}
    return render(request, "courses/booking_form.html", context)


def _after_booking(user: User, course: Course) -> str:
    if user.sees_clinical:
        return reverse("courses:course-detail", kwargs={"course_id": course.pk})
    return reverse("courses:calendar")


@staff_view(Access.STAFF)
def booking_reschedule(request: HttpRequest, booking_id: int) -> HttpResponse:
    user = staff_user(request)
    booking = get_for_user(user, Booking.objects.select_related("clinic", "course"), pk=booking_id)
    local = selectors.local(booking.starts_at, booking.clinic)
    form = RescheduleForm(
        request.POST or None,
        clinic=booking.clinic,
        initial={"date": local.date(), "time": local.time()},
    )
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("starts_at"):
        try:
            services.booking_reschedule(
                actor=user, booking=booking, starts_at=form.cleaned_data["starts_at"]
            )
        except ValidationError as error:
            _slot_error(form, error)
        else:
            messages.success(request, "The booking is moved.")
            return redirect(
                reverse("courses:calendar") + f"?date={form.cleaned_data['date']:%Y-%m-%d}"
            )
    context = {
        "form": form,
        "booking": booking,
        "client": booking.client,
        "title": "Move the booking",
    }
    return render(request, "courses/booking_form.html", context)


@staff_view(Access.STAFF)
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Cancel a booking after a confirmation that names the visit, with the reason."""
    user = staff_user(request)
    booking = get_for_user(user, Booking.objects.select_related("clinic", "client"), pk=booking_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(actor=user, booking=booking, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            local = selectors.local(booking.starts_at, booking.clinic)
            messages.success(request, f"The visit of {booking.client} is cancelled.")
            return redirect(reverse("courses:calendar") + f"?date={local:%Y-%m-%d}")
    context = {"form": form, "booking": booking, "client": booking.client}
    return render(request, "courses/booking_cancel.html", context)


@staff_view(Access.STAFF)
def booking_ics(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = get_for_user(
        staff_user(request), Booking.objects.select_related("clinic", "practitioner"), pk=booking_id
    )
    return _ics(ical.booking_ics(booking), f"appointment-{booking.starts_at:%Y%m%d}.ics")


@staff_view(Access.STAFF)
def calendar(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    clinic = clinic_of(user)
    context = reports.calendar_context(clinic=clinic, params=request.GET, user=user)
    context["feed_url"] = (
        request.build_absolute_uri(reverse("courses:feed", kwargs={"feed_token": feed_token(user)}))
        if user.sees_clinical
        else ""
    )
    return render(request, "courses/calendar.html", context)


def feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """A practitioner's calendar for their calendar app: no login, the signed link is the key."""
    try:
        practitioner_id = int(signing.Signer(salt=FEED_SALT).unsign(feed_token))
    except (signing.BadSignature, ValueError):
        raise Http404("Not found.") from None
    practitioner = User.objects.filter(
        pk=practitioner_id, is_active=True, clinic__isnull=False
    ).first()
    if practitioner is None:
        raise Http404("Not found.")
    content = ical.practitioner_feed(
        f"{practitioner} · Acuface", selectors.feed_bookings(practitioner=practitioner)
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


feed.public_link = True  # type: ignore[attr-defined]


@staff_view(Access.CLINICAL)
def outcome_record(request: HttpRequest, course_id: int, milestone: str) -> HttpResponse:
    user = staff_user(request)
    course = get_for_user(
        user, Course.objects.select_related("client__clinic"), access=Access.CLINICAL, pk=course_id
    )
    labels = dict(rules.milestone_choices())
    if milestone not in labels:
        raise Http404("Not found.")
    form = OutcomeForm(request.POST or None, initial={"answered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_record(
                actor=user, course=course, milestone=milestone, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The client's answers are saved.")
            return redirect("courses:course-detail", course_id=course.pk)
    context = {
        "form": form,
        "course": course,
        "client": course.client,
        "milestone": labels[milestone],
    }
    return render(request, "courses/outcome_form.html", context)


@staff_view(Access.CLINICAL)
def course_summary(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_for_user(staff_user(request), Course, access=Access.CLINICAL, pk=course_id)
    return render(
        request, "courses/summary.html", reports.summary_context(course=course, request=request)
    )


@staff_view(Access.CLINICAL)
def course_summary_pdf(request: HttpRequest, course_id: int) -> HttpResponse:
    user = staff_user(request)
    course = get_for_user(user, Course, access=Access.CLINICAL, pk=course_id)
    response = HttpResponse(
        reports.summary_pdf(course=course, actor=user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="course-summary-{course.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view(Access.OWNER)
def outcomes_overview(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("after", str(rules.OUTCOME_SESSIONS[-1]))
    after = int(raw) if raw.isdigit() and 2 <= int(raw) <= 30 else rules.OUTCOME_SESSIONS[-1]
    rows = outcomes.overview(clinic=clinic_of(staff_user(request)), after_sessions=after)
    return render(
        request, "courses/overview.html", {"rows": rows, "after": after, "choices": range(2, 13)}
    )


@staff_view(Access.OWNER)
def opening_hours(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    clinic = clinic_of(user)
    initial = OpeningHoursForm.initial_from(selectors.opening_hours(clinic=clinic))
    form = OpeningHoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.opening_hours_set(actor=user, clinic=clinic, hours=form.hours())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Opening hours saved.")
            return redirect("courses:calendar")
    return render(request, "courses/opening_hours.html", {"form": form})
