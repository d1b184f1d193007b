from __future__ import annotations

import pytest

from acuface.aftercare import demo, selectors
from acuface.aftercare.models import AdverseEvent, CheckIn
from acuface.clients import demo as clients_demo
from acuface.core.demo import demo_clinic


@pytest.mark.django_db
def test_demo_loads_once_with_an_escalation_and_a_call() -> None:
    clinic = demo_clinic()
    clients_demo.load(clinic)
    demo.load(clinic)
    demo.load(clinic)  # idempotent
    assert CheckIn.objects.filter(answered_at__isnull=False).count() == 4
    assert len(selectors.escalations_open(clinic=clinic.clinic)) == 1
    assert len(selectors.call_list(clinic=clinic.clinic)) == 1
    bruise = AdverseEvent.objects.get(kind="bruising")
    assert bruise.resolved_at is not None
