"""The audit log speaks the clinic's words: record kinds, field labels, old → new, local times."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client as HttpClient

from acuface.clients import services as client_services
from acuface.core.audit_wording import object_kind, value_text
from acuface.core.models import AuditEvent, Clinic, User

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        ("", "—"),
        (True, "yes"),
        (False, "no"),
        ("2026-12-01T15:00:00+00:00", "1 Dec 2026, 10:00"),  # 15:00 UTC is 10:00 in New York
        ("1984-03-12", "12 Mar 1984"),
        (["crows_feet", "under_eye"], "crows feet, under eye"),
        ({"today_eaten": False, "today_pregnant": "no"}, "today eaten: no; today pregnant: no"),
        ("+44 7700 900101", "+44 7700 900101"),
        ("Warfarin 3 mg", "Warfarin 3 mg"),
    ],
)
def test_values_read_as_words(value: object, text: str) -> None:
    assert value_text(value, zone=NEW_YORK) == text


@pytest.mark.parametrize(
    ("object_type", "kind"),
    [
        ("clients.client", "Client"),
        ("treatments.treatmentsession", "Treatment session"),
        ("no_such.thing_here", "Thing here"),
    ],
)
def test_record_kinds_read_as_words(object_type: str, kind: str) -> None:
    assert object_kind(object_type) == kind


@pytest.mark.django_db
def test_the_audit_log_page(
    as_owner_a: HttpClient, owner_a: User, clinic_a: Clinic, client_a: object
) -> None:
    Clinic.objects.filter(pk=clinic_a.pk).update(time_zone="America/New_York")
    with time_machine.travel(dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC), tick=False):
        client_services.client_set_archived(actor=owner_a, client=client_a, archived=True)
    assert AuditEvent.objects.filter(object_type="clients.client", action="archived").exists()
    page = as_owner_a.get("/audit/").content.decode()
    assert "clients.client" not in page
    assert "Client · " in page
    assert "1 Dec 2026, 10:00:00" in page  # the event's time, in the clinic's zone
    assert "Archived at</span>: — → 1 Dec 2026, 10:00" in page
    assert "[None" not in page and "&#x27;archived_at&#x27;" not in page  # no raw dicts
    assert page.count("T15:00:00") == page.count('datetime="2026-12-01T15:00:00')  # no ISO text
