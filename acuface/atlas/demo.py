"""Demo treatment plans: a few demo clients get a proposed plan (once)."""

from __future__ import annotations

from django.utils import timezone

from acuface.atlas import services
from acuface.atlas.models import TreatmentPlan
from acuface.clients.models import Client
from acuface.core.demo import DemoClinic

DEMO_PLANS = {
    ("Zoë", "O'Brien"): ["crows_feet", "under_eye"],
    ("Amélie", "Dubois"): ["forehead_lines", "frown_lines"],
    ("Grace", "Adeyemi"): ["nasolabial_folds", "jowls_marionette", "jaw_tension"],
    ("Maria", "Rossi"): ["dull_complexion", "nasolabial_folds"],
}


def load(demo: DemoClinic) -> None:
    actor = demo.staff["practitioner"]
    today = timezone.localdate(timezone.now(), demo.clinic.zone)
    for (first, last), concerns in DEMO_PLANS.items():
        client = Client.objects.filter(clinic=demo.clinic, first_name=first, last_name=last).first()
        if client is None or TreatmentPlan.objects.filter(client=client).exists():
            continue
        services.plan_propose(actor=actor, client=client, on=today, concerns=concerns)
