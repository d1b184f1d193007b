from __future__ import annotations

import json
from collections import Counter

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from acuface.aftercare import demo as aftercare_demo
from acuface.atlas import demo as atlas_demo
from acuface.clients import demo as clients_demo
from acuface.clients.models import Client
from acuface.clients.selectors import client_has_consent
from acuface.core.demo import demo_clinic
from acuface.core.models import AuditEvent, Role, User
from acuface.courses import demo as courses_demo
from acuface.courses.models import Booking, Course
from acuface.courses.tests.helpers import metrics_analysis
from acuface.intake import demo as intake_demo
from acuface.photos.tests.factories import give_photo_consent, make_photo
from acuface.records import fhir
from acuface.treatments import demo as treatments_demo
from conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_client() -> Client:
    demo = demo_clinic()
    for module in (
        clients_demo,
        intake_demo,
        atlas_demo,
        treatments_demo,
        aftercare_demo,
        courses_demo,
    ):
        module.load(demo)
    client = Client.objects.get(clinic=demo.clinic, first_name="Maria", last_name="Rossi")
    if not client_has_consent(client=client, kind="photos"):
        give_photo_consent(client)
    course = Course.objects.get(client=client)
    for booking in Booking.objects.filter(course=course, number__in=(1, 6)):
        day = booking.starts_at.astimezone(client.clinic.zone).date()
        make_photo(client, analysis=metrics_analysis(5.0, 60.0), taken_on=day)
    return client


def test_the_demo_loads_once(demo_client: Client) -> None:
    course = Course.objects.get(client=demo_client)
    counts = (Booking.objects.count(), course.outcomes.count())
    courses_demo.load(demo_clinic())
    assert (Booking.objects.count(), course.outcomes.count()) == counts
    done = [b for b in course.bookings.all() if b.session and b.session.state == "complete"]
    assert len(done) == 6 and course.bookings.count() >= 9 and course.outcomes.count() == 2


def test_full_demo_client_bundle_validates(demo_client: Client) -> None:
    bundle = fhir.client_bundle(client=demo_client)
    text = bundle.model_dump_json()
    again = Bundle.model_validate_json(text)  # the JSON we hand out parses as a Bundle again
    kinds = Counter(e.resource.get_resource_type() for e in again.entry)
    for kind in (
        "Patient",
        "Consent",
        "Questionnaire",
        "QuestionnaireResponse",
        "CodeSystem",
        "Procedure",
        "Observation",
        "AdverseEvent",
        "CarePlan",
        "Media",
    ):
        assert kinds[kind] >= 1, kind
    assert kinds["Procedure"] == 6 + (
        Booking.objects.filter(client=demo_client, session__state="scheduled").count()
    )
    assert kinds["Media"] == 2 and kinds["Patient"] == 1
    # The intake and our short outcomes form, each with its responses (2 course outcomes).
    assert kinds["Questionnaire"] == 2 and kinds["QuestionnaireResponse"] == 1 + 2
    data = json.loads(text)
    urls = {e["fullUrl"] for e in data["entry"]}
    # Every reference inside the bundle points at an entry of the bundle.
    refs = {m for m in _references(data) if m.startswith("urn:uuid:")}
    assert refs <= urls
    outcome_answers = sorted(
        e["resource"]["item"][0]["answer"][0]["valueInteger"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
        and e["resource"]["questionnaire"].startswith(fhir.OUTCOMES_URL)
    )
    assert outcome_answers == [6, 8]  # satisfaction at sessions 1 and 6 of the demo course
    done = [
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Procedure" and e["resource"]["status"] == "completed"
    ]
    assert len(done) == 6
    site = done[0]["bodySite"][0]["coding"][0]
    assert site["system"] == fhir.POINTS_SYSTEM
    code_system = next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "CodeSystem"
    )
    assert site["code"] in {c["code"] for c in code_system["concept"]}
    assert done[0]["performedPeriod"]["start"] < done[0]["performedPeriod"]["end"]


def _references(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for v in node.values() for r in _references(v)]
    if isinstance(node, list):
        return [r for v in node for r in _references(v)]
    return []


def test_media_only_with_photo_consent(client_a: Client) -> None:
    make_photo(client_a, analysis=metrics_analysis(5.0, 60.0))
    kinds = Counter(
        e.resource.get_resource_type() for e in fhir.client_bundle(client=client_a).entry
    )
    assert kinds["Media"] == 0 and kinds["Observation"] == 4  # the measures stay, the picture not
    give_photo_consent(client_a)
    kinds = Counter(
        e.resource.get_resource_type() for e in fhir.client_bundle(client=client_a).entry
    )
    assert kinds["Media"] == 1


def test_hostile_text_is_carried_as_text(client_a: Client) -> None:
    client_a.address = '<script>alert("x")</script>\n=cmd|"/c calc"!A1'
    client_a.save(update_fields=["address"])
    data = json.loads(fhir.client_bundle_json(client=client_a))
    patient = data["entry"][0]["resource"]
    assert patient["address"][0]["text"] == client_a.address


def test_fhir_download_is_the_owners_and_audited(
    client_a: Client, owner_a: User, as_practitioner_a: HttpClient
) -> None:
    url = reverse("records:client-fhir", args=[client_a.pk])
    assert as_practitioner_a.get(url).status_code == 404
    response = login(owner_a).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    assert json.loads(response.content)["resourceType"] == "Bundle"
    assert AuditEvent.objects.filter(action="exported", client=client_a).count() == 1
    assert owner_a.role == Role.OWNER
