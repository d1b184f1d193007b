"""The demo plans and the load_atlas command: both safe to run again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from acuface.atlas import demo as atlas_demo
from acuface.atlas.models import Point, Protocol, TreatmentPlan
from acuface.clients import demo as clients_demo
from acuface.core.demo import demo_clinic

pytestmark = pytest.mark.django_db


def test_demo_gives_a_few_clients_a_plan_once() -> None:
    demo = demo_clinic()
    clients_demo.load(demo)
    atlas_demo.load(demo)
    plans = TreatmentPlan.objects.filter(client__clinic=demo.clinic)
    assert plans.count() == len(atlas_demo.DEMO_PLANS)
    assert all(plan.lines.exists() for plan in plans)
    atlas_demo.load(demo)
    assert plans.count() == len(atlas_demo.DEMO_PLANS)


def test_load_atlas_reports_and_changes_nothing_the_second_time() -> None:
    before = (Point.objects.count(), Protocol.objects.count())
    out = StringIO()
    call_command("load_atlas", stdout=out)
    assert "0 new versions" in out.getvalue()
    assert (Point.objects.count(), Protocol.objects.count()) == before
