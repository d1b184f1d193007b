"""A client reports a problem from the aftercare sheet's link at any time (issue 12, part 11).

"A client who bruises at hour 3 cannot report it": the sheet's link said "not open yet" until
the 24-hour check-in, and on 1 December it told a client to "come back after 28 October".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.aftercare import selectors, services
from acuface.aftercare.models import AdverseEvent, CheckIn, Escalation, ProblemReport
from acuface.aftercare.tests.factories import (
    answers,
    checkins_of,
    completed_session,
    post_data,
)
from acuface.core.models import AuditEvent, Clinic, User
from acuface.treatments import states
from acuface.treatments.models import FollowUp, TreatmentSession

T0 = dt.datetime(2026, 10, 27, 10, 0, tzinfo=dt.UTC)  # the session's day: needles out about now
HOUR_3 = T0 + dt.timedelta(hours=3)


@pytest.fixture
def issued(clinic_a: Clinic, practitioner_a: User) -> TreatmentSession:
    """A session whose aftercare sheet was just issued (not completed: no follow-ups yet)."""
    with time_machine.travel(T0, tick=False):
        return completed_session(
            clinic=clinic_a, actor=practitioner_a, state=states.AFTERCARE_ISSUED
        )


@pytest.fixture
def completed(clinic_a: Clinic, practitioner_a: User) -> TreatmentSession:
    with time_machine.travel(T0, tick=False):
        session = completed_session(clinic=clinic_a, actor=practitioner_a, email="mia@x.test")
    checkins_of(session)  # as the scheduling service makes them
    return session


def sheet_url(session: TreatmentSession) -> str:
    token = selectors.session_checkin_token(session)
    return reverse("aftercare:session-checkin", kwargs={"token": token})


def report_url(session: TreatmentSession) -> str:
    token = selectors.session_checkin_token(session)
    return reverse("aftercare:session-report", kwargs={"token": token})


def report_data(**overrides: Any) -> dict[str, Any]:
    data = post_data(**overrides)
    data.pop("makeup_waited")  # not asked in a report: it may be before the 4 hours are up
    return data


# --- the sheet's link offers a report at once ---------------------------------------------------


def test_the_sheet_link_offers_a_report_from_the_moment_the_sheet_is_issued(
    issued: TreatmentSession,
) -> None:
    assert issued.aftercare_issued_at is not None and not issued.follow_ups.exists()
    with time_machine.travel(HOUR_3, tick=False):
        page = HttpClient().get(sheet_url(issued))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Report a problem now" in text and f'href="{report_url(issued)}"' in text
    assert "not open yet" not in text


def test_a_bruise_at_hour_3_is_reported(issued: TreatmentSession) -> None:
    http = HttpClient()
    with time_machine.travel(HOUR_3, tick=False):
        form = http.get(report_url(issued))
        assert form.status_code == 200 and 'name="pain"' in form.content.decode()
        assert 'name="makeup_waited"' not in form.content.decode()
        sent = http.post(
            report_url(issued),
            report_data(
                pain="2",
                bruising="yes",
                bruise_points="ST2:right",
                bruise_size="small",
                comments="A small bruise by my nose",
            ),
        )
        assert sent.status_code == 302
        thanks = http.get(sent["Location"])
    report = ProblemReport.objects.get()
    assert report.session == issued and report.reported_at == HOUR_3
    assert report.answers["bruising"] is True and report.answers["pain"] == 2
    bruise = AdverseEvent.objects.get(kind="bruising")
    assert bruise.report == report and bruise.locations == [["ST2", "right"]]
    assert not bruise.is_off_course  # a bruise in the first week is expected
    assert not Escalation.objects.exists()
    audit = AuditEvent.objects.get(object_type="aftercare.problemreport", action="submitted")
    assert audit.actor is None and audit.actor_label == "client (aftercare sheet link)"
    text = thanks.content.decode()
    assert thanks.status_code == 200 and "Thank you" in text
    assert "Report a problem now" in text  # another report can follow


def test_an_early_report_of_allergy_signs_escalates_like_a_check_in(
    issued: TreatmentSession, django_capture_on_commit_callbacks: Any
) -> None:
    http = HttpClient()
    with (
        time_machine.travel(HOUR_3, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = http.post(report_url(issued), report_data(pain="1", allergy_signs=["lips_eyes"]))
    with time_machine.travel(HOUR_3, tick=False):
        thanks = http.get(sent["Location"]).content.decode()
    assert 'data-advice="emergency"' in thanks
    escalation = Escalation.objects.get()
    assert escalation.adverse_event.kind == "allergy" and escalation.is_open
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["practitioner@a.test"]


def test_a_report_is_judged_by_the_time_since_the_session(completed: TreatmentSession) -> None:
    """Pain 5 at hour 3 is expected; pain 5 on day 3 is off course, whoever asked."""
    with time_machine.travel(HOUR_3, tick=False):
        services.problem_report_submit(session=completed, answers=answers(pain=5))
    assert not Escalation.objects.exists()
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
        services.problem_report_submit(session=completed, answers=answers(pain=5))
    escalation = Escalation.objects.get()
    assert escalation.adverse_event.kind == "pain" and "5/10" in escalation.reason


def test_the_24_hour_and_7_day_prompts_still_come_after_an_early_report(
    completed: TreatmentSession,
) -> None:
    with time_machine.travel(HOUR_3, tick=False):
        HttpClient().post(report_url(completed), report_data(bruising="yes"))
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        assert services.followups_sweep()["sent"] == 1
        assert len(mail.outbox) == 1 and "24 hours after" in mail.outbox[0].body
        day_1 = checkins_of(completed)["24h"]
        link = reverse(
            "aftercare:checkin-fill", kwargs={"token": selectors.checkin_link_token(day_1)}
        )
        page = HttpClient().get(link)
        assert page.status_code == 200 and 'name="pain"' in page.content.decode()
        HttpClient().post(link, post_data(bruising="yes"))
    with time_machine.travel(T0 + dt.timedelta(days=7), tick=False):
        assert services.followups_sweep()["sent"] == 1
        day_7 = checkins_of(completed)["7d"]
        services.checkin_answer(checkin=day_7, answers=answers(bruising=True))
    bruise = AdverseEvent.objects.get(kind="bruising")  # one bruise from hour 3 to day 7
    assert bruise.report is not None and "7 days" in bruise.escalation.reason


def test_the_report_form_refuses_a_report_without_pain_and_keeps_the_words(
    issued: TreatmentSession,
) -> None:
    data = report_data(comments="It hurts by my eye")
    data.pop("pain")
    with time_machine.travel(HOUR_3, tick=False):
        page = HttpClient().post(report_url(issued), data)
    text = page.content.decode()
    assert page.status_code == 200 and 'id="id_pain_error"' in text
    assert "It hurts by my eye" in text
    assert not ProblemReport.objects.exists()


# --- what the sheet's link says, whenever it is opened ------------------------------------------


def test_the_link_opens_the_due_check_in_and_offers_a_report_between_them(
    completed: TreatmentSession,
) -> None:
    day_1 = checkins_of(completed)["24h"]
    http = HttpClient()
    with time_machine.travel(T0 + dt.timedelta(hours=25), tick=False):
        due = http.get(sheet_url(completed))
        assert due.status_code == 302 and selectors.checkin_link_token(day_1) in due["Location"]
        # The report page leads to the check-in that is open rather than to a second form.
        assert http.get(report_url(completed)).status_code == 302
        services.checkin_answer(checkin=day_1, answers=answers())
        between = http.get(sheet_url(completed)).content.decode()
    assert "Report a problem now" in between
    assert "Tuesday 3 November" in between  # the 7-day check-in, in clinic time (London, GMT)


@pytest.mark.parametrize("answered", [True, False])
def test_long_after_the_link_still_says_something_true(
    completed: TreatmentSession, answered: bool
) -> None:
    if answered:
        for checkin in checkins_of(completed).values():
            services.checkin_answer(checkin=checkin, answers=answers(), now=checkin.link_expires_at)
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        page = HttpClient().get(sheet_url(completed))
    text = page.content.decode()
    assert page.status_code == 200 and "Report a problem now" in text
    assert "October" not in text and "November" not in text  # no date in the past


def test_a_sheet_of_a_session_never_completed_gives_no_past_date(
    issued: TreatmentSession,
) -> None:
    """The "come back after 28 October" page on 1 December."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        page = HttpClient().get(sheet_url(issued))
    text = page.content.decode()
    assert page.status_code == 200 and "Report a problem now" in text
    assert "28 October" not in text and "come back after" not in text


def test_a_tampered_sheet_link_opens_no_report_form(issued: TreatmentSession) -> None:
    token = selectors.session_checkin_token(issued)
    for bad in (token[:-2] + "xx", "1.2:abc", "x" * 500):
        url = reverse("aftercare:session-report", kwargs={"token": bad})
        assert HttpClient().get(url).status_code == 404
        assert HttpClient().post(url, report_data()).status_code == 404
    assert not ProblemReport.objects.exists()


def test_the_thank_you_page_shows_only_this_sessions_report(
    issued: TreatmentSession, completed: TreatmentSession
) -> None:
    with time_machine.travel(HOUR_3, tick=False):
        other = services.problem_report_submit(
            session=completed, answers=answers(allergy_signs=["hives"])
        )
        page = HttpClient().get(sheet_url(issued) + f"?report={other.pk}").content.decode()
    assert "Thank you" not in page and 'data-advice="emergency"' not in page


# --- reading the link never writes ---------------------------------------------------------------


def test_opening_the_sheet_link_creates_no_check_in(completed: TreatmentSession) -> None:
    CheckIn.objects.all().delete()  # as before the scheduling task has run
    with time_machine.travel(T0 + dt.timedelta(hours=25), tick=False):
        page = HttpClient().get(sheet_url(completed))
    assert not CheckIn.objects.exists()
    assert page.status_code == 200 and "Report a problem now" in page.content.decode()


def test_the_follow_up_qr_code_creates_no_check_in(
    completed: TreatmentSession, as_practitioner_a: HttpClient
) -> None:
    CheckIn.objects.all().delete()
    follow_up = FollowUp.objects.filter(session=completed).first()
    assert follow_up is not None
    url = reverse("aftercare:followup-qr", kwargs={"follow_up_id": follow_up.pk})
    assert as_practitioner_a.get(url).status_code == 404
    assert not CheckIn.objects.exists()


def test_completing_a_session_schedules_its_check_ins(
    clinic_a: Clinic, practitioner_a: User, django_capture_on_commit_callbacks: Any
) -> None:
    """The check-ins are made by the scheduling service, not by whoever first opens a link."""
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        session = completed_session(clinic=clinic_a, actor=practitioner_a)
    kinds = set(
        CheckIn.objects.filter(follow_up__session=session).values_list("follow_up__kind", flat=True)
    )
    assert kinds == {"24h", "7d"}


# --- staff see the report ------------------------------------------------------------------------


def test_staff_see_the_report_on_the_client_page_and_the_escalation(
    issued: TreatmentSession, as_practitioner_a: HttpClient, as_front_desk_a: HttpClient
) -> None:
    with time_machine.travel(HOUR_3, tick=False):
        HttpClient().post(
            report_url(issued), report_data(infection_signs=["warmth"], comments="hot cheek")
        )
    client_page = reverse("clients:client-detail", kwargs={"client_id": issued.client_id})
    panel = as_practitioner_a.get(client_page).content.decode()
    assert "Reported by the client" in panel and "hot cheek" in panel
    assert "hot cheek" not in as_front_desk_a.get(client_page).content.decode()
    escalation = Escalation.objects.get()
    detail = as_practitioner_a.get(
        reverse("aftercare:escalation-detail", kwargs={"escalation_id": escalation.pk})
    ).content.decode()
    assert "hot cheek" in detail and "Warmth at a needle site" in detail
