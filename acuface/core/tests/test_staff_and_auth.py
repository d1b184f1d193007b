import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from acuface.core import services
from acuface.core.models import AuditEvent, Role, User
from conftest import PASSWORD


def test_owner_invites_staff_who_sets_a_password(
    as_owner_a: HttpClient, owner_a: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_owner_a.post(
            "/staff/",
            {
                "first_name": "Kai",
                "last_name": "Ito",
                "email": "Kai@Example.test",
                "role": "front_desk",
            },
        )
    assert response.status_code == 302
    invited = User.objects.get(email="kai@example.test")
    assert invited.clinic == owner_a.clinic and invited.role == Role.FRONT_DESK
    assert not invited.has_usable_password()
    assert AuditEvent.objects.filter(action="invited", object_id=str(invited.pk)).exists()
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/reset/\S+/", mail.outbox[0].body)
    assert link is not None
    path = link.group(0).split("8000", 1)[1]
    http = HttpClient()
    form_page = http.get(path, follow=True)
    assert form_page.status_code == 200
    http.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a long new password 42", "new_password2": "a long new password 42"},
    )
    invited.refresh_from_db()
    assert invited.check_password("a long new password 42")


def test_invite_refuses_a_taken_email_and_keeps_the_form(
    as_owner_a: HttpClient, practitioner_a: User
) -> None:
    response = as_owner_a.post(
        "/staff/",
        {
            "first_name": "Dup",
            "last_name": "Li",
            "email": practitioner_a.email,
            "role": "practitioner",
        },
    )
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert 'value="Dup"' in response.content.decode()


def test_only_owners_manage_staff(
    as_practitioner_a: HttpClient, as_front_desk_a: HttpClient
) -> None:
    assert as_practitioner_a.get("/staff/").status_code == 404
    assert as_front_desk_a.get("/audit/").status_code == 404


def test_deactivated_staff_cannot_log_in(owner_a: User, practitioner_a: User) -> None:
    services.staff_set_active(actor=owner_a, staff=practitioner_a, is_active=False)
    http = HttpClient()
    response = http.post("/login/", {"username": practitioner_a.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in http.session
    assert AuditEvent.objects.filter(action="deactivated").count() == 1


def test_owner_cannot_deactivate_themselves_or_other_clinics(
    owner_a: User, practitioner_b: User
) -> None:
    with pytest.raises(ValidationError):
        services.staff_set_active(actor=owner_a, staff=owner_a, is_active=False)
    with pytest.raises(ValidationError):
        services.staff_set_active(actor=owner_a, staff=practitioner_b, is_active=False)


def test_login_by_email_and_logout(practitioner_a: User) -> None:
    http = HttpClient()
    response = http.post("/login/", {"username": practitioner_a.email, "password": PASSWORD})
    assert response.status_code == 302
    assert http.get("/").status_code == 200
    http.post("/logout/")
    assert http.get("/").status_code == 302


def test_idle_session_expires(practitioner_a: User) -> None:
    http = HttpClient()
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        http.post("/login/", {"username": practitioner_a.email, "password": PASSWORD})
        clock.shift(dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
        assert http.get("/").status_code == 200  # activity renews the idle window
        clock.shift(dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
        assert http.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1))
        response = http.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_activity_writes_the_session_at_most_once_a_minute(practitioner_a: User) -> None:
    from django.contrib.sessions.models import Session

    http = HttpClient()
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    idle = dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    with time_machine.travel(start, tick=False) as clock:
        http.post("/login/", {"username": practitioner_a.email, "password": PASSWORD})
        key = http.cookies["sessionid"].value

        def expires() -> dt.datetime:
            return Session.objects.get(session_key=key).expire_date

        assert expires() == start + idle
        clock.shift(dt.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 1))
        assert http.get("/").status_code == 200
        assert expires() == start + idle  # too soon after the last write: not written again
        clock.shift(dt.timedelta(seconds=1))
        assert http.get("/").status_code == 200
        refreshed = start + dt.timedelta(seconds=settings.SESSION_REFRESH_SECONDS)
        assert expires() == refreshed + idle


def test_anonymous_visits_create_no_session(db: None) -> None:
    from django.contrib.sessions.models import Session

    http = HttpClient()
    assert http.get("/login/").status_code == 200
    assert not Session.objects.exists()


def test_failed_logins_lock_the_account(practitioner_a: User) -> None:
    http = HttpClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        http.post("/login/", {"username": practitioner_a.email, "password": "nope"})
    response = http.post("/login/", {"username": practitioner_a.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()


def test_audit_log_filters(as_owner_a: HttpClient, owner_a: User, client_a, practitioner_a) -> None:
    from acuface.clients import services as client_services

    client_services.client_record_viewed(actor=practitioner_a, client=client_a)
    client_services.client_record_viewed(actor=owner_a, client=client_a)
    page = as_owner_a.get(f"/audit/?client={client_a.pk}&actor={practitioner_a.pk}")
    events = list(page.context["page"])
    assert len(events) == 1 and events[0].actor == practitioner_a
    bad = as_owner_a.get("/audit/?since=2026-13-45&until=nonsense&client=abc")
    assert bad.status_code == 200
    reversed_dates = as_owner_a.get("/audit/?since=2026-11-02&until=2026-11-01")
    assert "before the start date" in reversed_dates.content.decode()


def test_password_change_and_reset_by_email(practitioner_a: User) -> None:
    http = HttpClient()
    http.post("/login/", {"username": practitioner_a.email, "password": PASSWORD})
    wrong = http.post(
        "/password_change/",
        {"old_password": "nope", "new_password1": "x", "new_password2": "y"},
    )
    assert wrong.status_code == 200 and "incorrectly" in wrong.content.decode()
    changed = http.post(
        "/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much better passphrase",
            "new_password2": "a much better passphrase",
        },
    )
    assert changed.status_code == 302
    practitioner_a.refresh_from_db()
    assert practitioner_a.check_password("a much better passphrase")

    HttpClient().post("/password_reset/", {"email": practitioner_a.email})
    HttpClient().post("/password_reset/", {"email": "nobody@example.test"})
    assert len(mail.outbox) == 1 and "/reset/" in mail.outbox[0].body
