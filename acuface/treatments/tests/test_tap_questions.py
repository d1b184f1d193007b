"""The session page asks before a tap records what the plan or screening does not allow: the
question comes back with the point, and answering it goes through the same tap."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from acuface.atlas import services as atlas_services
from acuface.treatments import selectors, services
from acuface.treatments.models import Needle, PointOverride
from acuface.treatments.tests.factories import (
    acknowledge_flags,
    fresh,
    needle_lot,
    ready_client,
    ready_to_needle,
)
from conftest import login as login_client


@pytest.fixture
def lot(clinic_a):
    return needle_lot(clinic=clinic_a)


def act(http, session, action, **data):
    data.setdefault("version", fresh(session).version)
    url = reverse("treatments:session-act", args=[session.pk, action])
    return http.post(url, data, HTTP_HX_REQUEST="true")


def started(actor, client, lot, *, plan=None, reason=""):
    session = services.session_schedule(
        actor=actor, client=client, scheduled_at=dt.datetime.now(tz=dt.UTC), plan=plan
    )
    services.session_check_in(actor=actor, session=session, version=1, defer_override_reason=reason)
    return ready_to_needle(session, actor=actor, lot=lot)


def test_a_forbidden_point_asks_for_its_own_reason(clinic_a, practitioner_a, lot):
    client = ready_client(
        clinic=clinic_a, actor=practitioner_a, anticoagulant=True, anticoagulant_kind="warfarin"
    )
    acknowledge_flags(client=client, actor=practitioner_a)
    session = started(practitioner_a, client, lot)
    http = login_client(practitioner_a)
    page = http.get(reverse("treatments:session-detail", args=[session.pk])).content.decode()
    # The chart strikes the point out for the session, with screening's reason.
    assert 'data-code="ST1" data-side="left" data-state="excluded"' in page
    assert 'data-code="ST2" data-side="left" data-state="available"' in page
    body = act(http, session, "tap", code="ST1", side="left").content.decode()
    assert 'data-tap-prompt="override_reason"' in body
    assert "ST1 (client&#x27;s left) is not allowed today" in body
    assert not Needle.objects.exists()
    answer = act(
        http, session, "tap", code="ST1", side="left", override_reason="INR 2.1 checked today"
    )
    assert answer.status_code == 200
    assert PointOverride.objects.get().reason == "INR 2.1 checked today"
    assert Needle.objects.get().point.code == "ST1"
    body = answer.content.decode()  # the whole panel: the question is gone, the reason listed
    assert "data-tap-prompt" not in body
    assert "data-point-overrides" in body and "INR 2.1 checked today" in body


def test_a_point_outside_the_plan_asks_to_add_it(clinic_a, practitioner_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    plan = atlas_services.plan_propose(
        actor=practitioner_a,
        client=client,
        on=selectors.clinic_today(clinic_a),
        concerns=["crows_feet"],
    )
    session = started(practitioner_a, client, lot, plan=plan)
    http = login_client(practitioner_a)
    body = act(http, session, "tap", code="ST3", side="left").content.decode()
    assert 'data-tap-prompt="add_to_plan"' in body
    assert "ST3 is not in today&#x27;s plan: add it?" in body
    assert not Needle.objects.exists()
    body = act(http, session, "tap", code="ST3", side="left", add_to_plan="on").content.decode()
    needle = Needle.objects.get()
    assert needle.is_added_at_couch and "Added to today" in body


@pytest.mark.parametrize(
    "hostile",
    ["", " ", "x" * 501, "<script>alert(1)</script>"],
)
def test_hostile_override_reasons(clinic_a, practitioner_a, lot, hostile):
    client = ready_client(
        clinic=clinic_a, actor=practitioner_a, anticoagulant=True, anticoagulant_kind="warfarin"
    )
    acknowledge_flags(client=client, actor=practitioner_a)
    session = started(practitioner_a, client, lot)
    http = login_client(practitioner_a)
    answer = act(http, session, "tap", code="ST1", side="left", override_reason=hostile)
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "<script>alert(1)</script>" not in body
    if hostile.strip() and len(hostile) <= 500:
        assert Needle.objects.count() == 1
    else:
        assert not Needle.objects.exists()
        assert "data-tap-prompt" in body or "data-error" in body
