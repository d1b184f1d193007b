"""The plan pages name constitution types and concerns in words, never by their data keys."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.clients.models import Client
from acuface.core.models import User
from acuface.intake.examples import constitution_answers
from acuface.intake.tests.factories import submitted_intake

pytestmark = pytest.mark.django_db


def test_the_plan_page_names_the_constitution_types(
    practitioner_a: User, client_a: Client, as_practitioner_a: HttpClient
) -> None:
    submitted_intake(
        actor=practitioner_a,
        client=client_a,
        metal_allergy=True,  # a flag, so the screening box shows
        **constitution_answers({"balanced": 2, "qi_stagnation": 4, "qi_deficiency": 4}),
    )
    page = as_practitioner_a.get(reverse("atlas:client-plan", args=[client_a.pk])).content
    text = page.decode()
    assert "Constitution: " in text
    assert "Qi stagnation" in text and "Qi deficiency" in text
    assert "qi_stagnation" not in text.split("Constitution: ", 1)[1].split("</p>", 1)[0]
