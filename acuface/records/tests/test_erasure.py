from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from acuface.aftercare.models import AdverseEvent
from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User
from acuface.courses import services as course_services
from acuface.courses.models import Booking, Course
from acuface.courses.tests.helpers import course_with_progress
from acuface.courses.tests.world import next_weekday_at
from acuface.intake.models import Intake
from acuface.photos.models import Photo
from acuface.records import services
from acuface.treatments.models import TreatmentSession
from conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def treated(client_a: Client, practitioner_a: User) -> Client:
    course_with_progress(client=client_a, practitioner=practitioner_a, done=2)
    return client_a


def test_erasure_is_refused_inside_the_retention_period(
    treated: Client, owner_a: User, practitioner_a: User
) -> None:
    ahead = next_weekday_at(treated.clinic.zone, 10, days_ahead=20)
    course_services.booking_create(
        actor=practitioner_a, client=treated, practitioner=practitioner_a, starts_at=ahead
    )
    check = services.erasure_check(client=treated)
    assert check.last_contact == ahead.date()  # the latest contact, even one still to come
    assert check.erasable_from == check.last_contact.replace(year=check.last_contact.year + 8)
    with pytest.raises(ValidationError, match="must be kept until"):
        services.client_erase(actor=owner_a, client=treated, confirm_name=treated.full_name)
    assert Client.objects.filter(pk=treated.pk).exists()


@override_settings(RECORD_RETENTION_YEARS=1)
def test_retention_period_comes_from_settings(treated: Client) -> None:
    check = services.erasure_check(client=treated)
    assert check.years == 1 and check.erasable_from.year == check.last_contact.year + 1


@override_settings(RECORD_RETENTION_YEARS="8")
def test_a_retention_setting_that_is_not_a_number_is_refused(treated: Client) -> None:
    with pytest.raises(ValidationError):
        services.erasure_check(client=treated)


def test_leap_day_retention() -> None:
    assert services._add_years(dt.date(2024, 2, 29), 8) == dt.date(2032, 2, 29)
    assert services._add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_erasure_after_the_period_deletes_everything_and_is_audited(
    treated: Client, owner_a: User
) -> None:
    files = [p.storage_name for p in Photo.objects.filter(client=treated)]
    assert files and all(default_storage.exists(f) for f in files)
    pk = treated.pk
    with time_machine.travel(dt.datetime(2035, 6, 1, tzinfo=dt.UTC)):
        with pytest.raises(ValidationError, match="full name"):
            services.client_erase(actor=owner_a, client=treated, confirm_name="Someone Else")
        counts = services.client_erase(
            actor=owner_a, client=treated, confirm_name="  zoe  o'brien "
        )
    assert counts["sessions"] >= 2 and counts["photos"] >= 2 and counts["client"] >= 1
    assert not Client.objects.filter(pk=pk).exists()
    for model, lookup in (
        (TreatmentSession, "client_id"),
        (Booking, "client_id"),
        (Course, "client_id"),
        (Intake, "client_id"),
        (Photo, "client_id"),
        (AdverseEvent, "session__client_id"),
    ):
        assert not model.objects.filter(**{lookup: pk}).exists(), model
    erased = AuditEvent.objects.get(action="erased")
    assert erased.changes["client_id"] == [pk, None] and "O'Brien" not in str(erased.changes)
    assert not AuditEvent.objects.filter(object_label__contains="O'Brien").exists()


def test_erase_page_explains_and_keeps_input(
    treated: Client, owner_a: User, as_practitioner_a: HttpClient
) -> None:
    url = reverse("records:client-erase", args=[treated.pk])
    assert as_practitioner_a.get(url).status_code == 404
    page = login(owner_a).get(url).content.decode()
    assert 'data-erasure="refused"' in page and "cannot be erased" in page
    with time_machine.travel(dt.datetime(2035, 6, 1, tzinfo=dt.UTC)):
        owner = login(owner_a)
        wrong = owner.post(url, {"confirm_name": "<b>Nobody</b>"})
        assert wrong.status_code == 200 and "&lt;b&gt;Nobody&lt;/b&gt;" in wrong.content.decode()
        assert "Type the client&#x27;s full name exactly" in wrong.content.decode()
        done = owner.post(url, {"confirm_name": treated.full_name})
        assert done.status_code == 302
    assert not Client.objects.filter(pk=treated.pk).exists()
