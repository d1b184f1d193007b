from __future__ import annotations

import datetime as dt
from html import escape

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.clients.models import Client
from acuface.core.models import User
from acuface.courses import selectors, services
from acuface.courses.models import Booking, Course, OutcomeResponse
from conftest import login

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def course(client_a: Client, practitioner_a: User) -> Course:
    course, _ = services.course_create(
        actor=practitioner_a,
        client=client_a,
        practitioner=practitioner_a,
        first_at=dt.datetime(2026, 3, 2, 10, tzinfo=client_a.clinic.zone),
        sessions_planned=2,
    )
    return course


def test_plan_a_course_from_the_form(
    client_a: Client, practitioner_a: User, as_practitioner_a: HttpClient
) -> None:
    url = reverse("courses:course-create", args=[client_a.pk])
    assert as_practitioner_a.get(url).status_code == 200
    response = as_practitioner_a.post(
        url,
        {
            "date": "2026-03-02",
            "time": "10:00",
            "practitioner": practitioner_a.pk,
            "sessions_planned": 10,
            "per_week": 2,
            "session_minutes": 60,
            "maintenance_every_weeks": 4,
            "prepaid_sessions": 5,
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/courses/{course.pk}/"
    assert course.bookings.count() == 10
    page = as_practitioner_a.get(response["Location"]).content.decode()
    assert "0 of 10" in page and "5 of 5 left" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "2026-02-30"}, "date", "Enter a valid date"),
        ({"time": "25:61"}, "time", "Enter a valid time"),
        ({"date": "2026-03-08", "time": "10:00"}, "time", "closed"),  # Sunday
        ({"time": "07:00"}, "time", "closed"),
        ({"date": "2026-02-27"}, "time", "passed"),
        ({"sessions_planned": "999"}, "sessions_planned", "less than or equal"),
        ({"practitioner": "99999999999999999999"}, "practitioner", "valid choice"),
        ({"date": "2026-03-29", "time": "01:30"}, "time", "does not exist"),  # clocks go forward
    ],
)
def test_bad_course_input_is_shown_beside_the_field_and_kept(
    client_a: Client,
    practitioner_a: User,
    as_practitioner_a: HttpClient,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    data = {
        "date": "2026-03-02",
        "time": "10:00",
        "practitioner": practitioner_a.pk,
        "sessions_planned": 10,
        "per_week": 2,
        "session_minutes": 60,
        "maintenance_every_weeks": 4,
        "prepaid_sessions": 0,
        **changes,
    }
    response = as_practitioner_a.post(reverse("courses:course-create", args=[client_a.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors.get(field, [])), form.errors
    assert f'value="{data["date"]}"' in response.content.decode()
    assert Booking.objects.count() == 0 and Course.objects.count() == 0


def test_booking_form_refuses_a_taken_slot_and_keeps_input(
    course: Course, as_front_desk_a: HttpClient, practitioner_a: User
) -> None:
    url = reverse("courses:booking-create", args=[course.pk])
    response = as_front_desk_a.post(
        url, {"date": "2026-03-02", "time": "10:30", "practitioner": practitioner_a.pk}
    )
    assert response.status_code == 200
    assert "already has a booking" in response.content.decode()
    assert 'value="10:30"' in response.content.decode()
    ok = as_front_desk_a.post(
        url, {"date": "2026-03-02", "time": "11:00", "practitioner": practitioner_a.pk}
    )
    assert ok.status_code == 302 and ok["Location"] == "/courses/calendar/"  # front desk: calendar


def test_front_desk_finds_courses_to_book_on_the_calendar(
    course: Course, as_front_desk_a: HttpClient, practitioner_a: User
) -> None:
    course.sessions_planned = 3
    course.save(update_fields=["sessions_planned"])
    page = as_front_desk_a.get("/courses/calendar/").content.decode()
    assert "session 3 of 3" in page and reverse("courses:booking-create", args=[course.pk]) in page
    services.course_book_next(
        actor=practitioner_a,
        course=course,
        starts_at=dt.datetime(2026, 3, 9, 10, tzinfo=course.client.clinic.zone),
    )
    assert 'id="to-book"' not in as_front_desk_a.get("/courses/calendar/").content.decode()


def test_calendar_day_and_week(course: Course, as_front_desk_a: HttpClient) -> None:
    day = as_front_desk_a.get("/courses/calendar/?date=2026-03-02").content.decode()
    assert "Zoë O&#x27;Brien" in day and "10:00\u201311:00" in day
    week = as_front_desk_a.get("/courses/calendar/?date=2026-03-04&view=week").content.decode()
    assert week.count('class="booking-slot"') == 2  # Monday and Thursday
    assert "Closed" in week  # Sunday


@pytest.mark.parametrize(
    "query",
    ["date=2026-13-45", "date=<script>", "date=99999-01-01", "practitioner=abc", "view=<b>"],
)
def test_calendar_survives_hostile_queries(as_front_desk_a: HttpClient, query: str) -> None:
    response = as_front_desk_a.get(f"/courses/calendar/?{query}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_front_desk_cancels_and_moves(course: Course, as_front_desk_a: HttpClient) -> None:
    booking = course.bookings.order_by("starts_at").first()
    assert booking is not None
    moved = as_front_desk_a.post(
        reverse("courses:booking-reschedule", args=[booking.pk]),
        {"date": "2026-03-03", "time": "15:00"},
    )
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == dt.datetime(2026, 3, 3, 15, tzinfo=booking.clinic.zone)
    url = reverse("courses:booking-cancel", args=[booking.pk])
    confirm = as_front_desk_a.get(url).content.decode()
    assert "Cancel the visit of" in confirm and escape(booking.client.full_name) in confirm
    for hostile in ("", "   ", "x" * 5000):  # no reason, or an overlong one: asked again
        kept = as_front_desk_a.post(url, {"reason": hostile})
        assert kept.status_code == 200 and b"field-error" in kept.content
        booking.refresh_from_db()
        assert booking.status == "booked"
    as_front_desk_a.post(url, {"reason": "Client called: she is ill"})
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_outcome_form_validates_and_escapes(course: Course, as_practitioner_a: HttpClient) -> None:
    url = reverse("courses:outcome-record", args=[course.pk, "1"])
    bad = as_practitioner_a.post(
        url,
        {
            "answered_on": "2026-03-02",
            "satisfaction": "11",
            "complexion": "better",
            "jaw_tension": "-1",
            "looks_rested": "yes",
            "would_recommend": "no",
            "comment": "<script>alert(1)</script>",
        },
    )
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert "satisfaction" in errors and "jaw_tension" in errors
    assert "&lt;script&gt;" in bad.content.decode() and "<script>alert" not in bad.content.decode()
    good = as_practitioner_a.post(
        url,
        {
            "answered_on": "2026-03-02",
            "satisfaction": "7",
            "complexion": "better",
            "jaw_tension": "3",
            "looks_rested": "yes",
            "would_recommend": "no",
            "comment": "",
        },
    )
    overlong = as_practitioner_a.post(
        url,
        {
            "answered_on": "2026-03-02",
            "satisfaction": "7",
            "complexion": "better",
            "jaw_tension": "3",
            "looks_rested": "yes",
            "would_recommend": "no",
            "comment": "y" * 600,
        },
    )
    assert "comment" in overlong.context["form"].errors and "y" * 600 in overlong.content.decode()
    assert good.status_code == 302
    outcome = OutcomeResponse.objects.get()
    assert (outcome.satisfaction, outcome.looks_rested, outcome.would_recommend) == (7, True, False)
    again = as_practitioner_a.post(
        url,
        {
            "answered_on": "2026-03-02",
            "satisfaction": "8",
            "complexion": "same",
            "jaw_tension": "3",
            "looks_rested": "no",
            "would_recommend": "no",
        },
    )
    assert again.status_code == 200 and "already recorded" in again.content.decode()
    assert (
        as_practitioner_a.get(reverse("courses:outcome-record", args=[course.pk, "7"])).status_code
        == 404
    )
    assert as_practitioner_a.get(f"/courses/{course.pk}/outcomes/%3Cb%3E/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/courses/0/", "/courses/abc/", "/courses/9223372036854775808/", "/courses/bookings/-1/move/"],
)
def test_malformed_ids_are_404(as_practitioner_a: HttpClient, path: str) -> None:
    assert as_practitioner_a.get(path).status_code == 404


def test_dashboard_and_client_panel(
    course: Course, practitioner_a: User, frozen: time_machine.Traveller
) -> None:
    frozen.move_to(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))
    as_practitioner_a = login(practitioner_a)  # a fresh login on the new day
    response = as_practitioner_a.get(reverse("core:dashboard"))
    assert response.status_code == 200, response
    dashboard = response.content.decode()
    assert 'data-tile="bookings-today"' in dashboard and "10:00 Zoë O&#x27;Brien" in dashboard
    page = as_practitioner_a.get(
        reverse("clients:client-detail", args=[course.client_id])
    ).content.decode()
    assert "0 of 2 done" in page


def test_owner_sets_opening_hours_and_bad_input_is_kept(
    owner_a: User, as_owner_a: HttpClient, as_practitioner_a: HttpClient
) -> None:
    url = reverse("courses:opening-hours")
    assert as_practitioner_a.get(url).status_code == 404
    page = as_owner_a.get(url).content.decode()
    assert 'name="opens_0" value="09:00"' in page and 'name="opens_6"' in page
    data = {f"opens_{d}": "" for d in range(7)} | {f"closes_{d}": "" for d in range(7)}
    bad = as_owner_a.post(
        url,
        data | {"opens_0": "12:00", "closes_0": "08:00", "opens_1": "09:00", "opens_2": "29:00"},
    )
    errors = bad.context["form"].errors
    assert "after opening" in errors["closes_0"][0] and "both times" in errors["closes_1"][0]
    assert "opens_2" in errors and 'value="29:00"' in bad.content.decode()
    ok = as_owner_a.post(url, data | {"opens_6": "10:00", "closes_6": "14:00"})
    assert ok.status_code == 302
    assert owner_a.clinic is not None
    assert selectors.opening_hours(clinic=owner_a.clinic) == [(6, dt.time(10), dt.time(14))]
