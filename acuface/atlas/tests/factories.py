"""Factories for the atlas app (atlas points themselves come from the data migration)."""

from __future__ import annotations

import datetime as dt

import factory

from acuface.atlas.models import TreatmentPlan
from tests.factories import ClientFactory


class TreatmentPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentPlan

    client = factory.SubFactory(ClientFactory)
    planned_on = dt.date(2026, 11, 25)
