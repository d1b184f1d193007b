"""The plan pages, the HTMX tap, the atlas and protocol pages: who sees what, bad input kept."""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.atlas import services
from acuface.atlas.models import PlannedPoint, Protocol, TreatmentPlan
from acuface.atlas.rules import plan_rules
from acuface.atlas.tests.conftest import FakeIntake, make_flag, make_screening
from acuface.clients.models import Client
from acuface.core.models import User
from conftest import login

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(fake_intake: FakeIntake, practitioner_a: User, client_a: Client) -> TreatmentPlan:
    return services.plan_propose(
        actor=practitioner_a,
        client=client_a,
        on=client_a.created_at.date(),
        concerns=["crows_feet"],
    )


def test_propose_from_the_client_page(
    fake_intake: FakeIntake, as_practitioner_a: HttpClient, client_a: Client
) -> None:
    fake_intake.concerns = [("nasolabial_folds", 3)]
    url = reverse("atlas:client-plan", kwargs={"client_id": client_a.pk})
    page = as_practitioner_a.get(url)
    assert page.status_code == 200
    assert (
        'value="nasolabial_folds"' in page.content.decode() and "checked" in page.content.decode()
    )
    response = as_practitioner_a.post(url, {"concerns": ["nasolabial_folds", "crows_feet"]})
    plan = TreatmentPlan.objects.get(client=client_a)
    assert response["Location"] == reverse("atlas:plan-detail", kwargs={"plan_id": plan.pk})
    assert plan.concerns == ["nasolabial_folds", "crows_feet"]


def test_a_hostile_concern_is_refused_beside_the_field(
    fake_intake: FakeIntake, as_practitioner_a: HttpClient, client_a: Client
) -> None:
    url = reverse("atlas:client-plan", kwargs={"client_id": client_a.pk})
    response = as_practitioner_a.post(url, {"concerns": ["crows_feet", "<script>x</script>"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>x</script>" not in html and "field-error" in html
    assert re.search(r'value="crows_feet"[^>]*checked', html), "what was chosen stays chosen"
    assert not TreatmentPlan.objects.exists()


def test_the_plan_page_shows_the_chart_and_warning(
    fake_intake: FakeIntake, as_practitioner_a: HttpClient, practitioner_a: User, client_a: Client
) -> None:
    fake_intake.screening = None
    plan = services.plan_propose(
        actor=practitioner_a,
        client=client_a,
        on=client_a.created_at.date(),
        concerns=["crows_feet"],
    )
    html = as_practitioner_a.get(
        reverse("atlas:plan-detail", kwargs={"plan_id": plan.pk})
    ).content.decode()
    assert 'class="face-chart"' in html and "data-tap-url" in html
    assert "no valid intake" in html
    assert html.count('class="pt pt--planned"') == 6  # GB1, TE23, EX-HN5 on both sides
    assert "face_chart.js" in html


def test_a_tap_returns_the_editor_with_the_point_planned(
    plan: TreatmentPlan, as_practitioner_a: HttpClient
) -> None:
    url = reverse("atlas:plan-toggle", kwargs={"plan_id": plan.pk})
    response = as_practitioner_a.post(
        url, {"code": "ST2", "side": "left", "version": plan.version}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="plan-editor"')
    assert 'aria-label="ST2 Sibai, client&#x27;s left, planned"' in html
    assert 'data-version="2"' in html
    assert PlannedPoint.objects.filter(plan=plan, point__code="ST2", side="left").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"code": "<script>", "side": "left", "version": "1"},
        {"code": "ST2", "side": "up", "version": "1"},
        {"code": "ST2", "side": "left", "version": "abc"},
        {"code": "ST2" * 50, "side": "left", "version": "1"},
        {},
    ],
)
def test_a_bad_tap_shows_a_message_and_changes_nothing(
    plan: TreatmentPlan, as_practitioner_a: HttpClient, data: dict[str, str]
) -> None:
    before = plan.lines.count()
    url = reverse("atlas:plan-toggle", kwargs={"plan_id": plan.pk})
    response = as_practitioner_a.post(url, data, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "<script>" not in html
    assert plan.lines.count() == before


def test_a_forbidden_tap_says_why(
    fake_intake: FakeIntake, plan: TreatmentPlan, as_practitioner_a: HttpClient
) -> None:
    fake_intake.screening = make_screening(
        flags=(
            make_flag(
                "pregnancy-points",
                message="Pregnant: never LI4.",
                forbidden_points=frozenset({"LI4"}),
            ),
        )
    )
    url = reverse("atlas:plan-toggle", kwargs={"plan_id": plan.pk})
    response = as_practitioner_a.post(
        url, {"code": "LI4", "side": "left", "version": plan.version}, **HTMX
    )
    html = response.content.decode()
    assert "LI4 client&#x27;s left cannot be added" in html and "Pregnant: never LI4." in html
    assert not plan.lines.filter(point__code="LI4").exists()


def test_without_htmx_a_tap_redirects(plan: TreatmentPlan, as_practitioner_a: HttpClient) -> None:
    url = reverse("atlas:plan-toggle", kwargs={"plan_id": plan.pk})
    response = as_practitioner_a.post(url, {"code": "GB1", "side": "left", "version": plan.version})
    assert response.status_code == 302
    assert not plan.lines.filter(point__code="GB1", side="left").exists()


def test_retention_outside_the_range_keeps_what_was_typed(
    plan: TreatmentPlan, as_practitioner_a: HttpClient
) -> None:
    url = reverse("atlas:plan-detail", kwargs={"plan_id": plan.pk})
    response = as_practitioner_a.post(
        url,
        {
            "version": plan.version,
            "retention_minutes": "20",
            "retention_reason": "",
            "notes": "Keep <b>this</b>",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "outside 25 to 40" in html
    assert "Keep &lt;b&gt;this&lt;/b&gt;" in html
    plan.refresh_from_db()
    assert plan.retention_minutes == 30


def test_line_edit_refuses_a_thick_needle_without_reason(
    plan: TreatmentPlan, as_practitioner_a: HttpClient
) -> None:
    line = plan.lines.get(point__code="GB1", side="left")
    url = reverse("atlas:plan-line-edit", kwargs={"plan_id": plan.pk, "line_id": line.pk})
    data = {
        "version": plan.version,
        "needle_type": "filiform",
        "gauge_mm": "0.25",
        "length_mm": "25",
        "override_reason": "",
    }
    response = as_practitioner_a.post(url, data)
    assert response.status_code == 200 and "facial needle" in response.content.decode()
    data["override_reason"] = "scar tissue"
    assert as_practitioner_a.post(url, data).status_code == 302


def test_line_of_another_plan_is_404(plan: TreatmentPlan, as_practitioner_a: HttpClient) -> None:
    line = plan.lines.first()
    assert line is not None
    url = reverse("atlas:plan-line-edit", kwargs={"plan_id": plan.pk + 1000, "line_id": line.pk})
    assert as_practitioner_a.get(url).status_code == 404


def test_mark_ready(plan: TreatmentPlan, as_practitioner_a: HttpClient) -> None:
    url = reverse("atlas:plan-ready", kwargs={"plan_id": plan.pk})
    assert as_practitioner_a.post(url, {"version": "x"}).status_code == 302
    as_practitioner_a.post(url, {"version": plan.version})
    plan.refresh_from_db()
    assert plan.status == "ready"


def test_front_desk_and_other_clinics_cannot_open_plans(
    plan: TreatmentPlan, front_desk_a: User, practitioner_b: User
) -> None:
    url = reverse("atlas:plan-detail", kwargs={"plan_id": plan.pk})
    assert login(front_desk_a).get(url).status_code == 404
    assert login(practitioner_b).get(url).status_code == 404
    toggle = reverse("atlas:plan-toggle", kwargs={"plan_id": plan.pk})
    assert (
        login(practitioner_b)
        .post(toggle, {"code": "ST2", "side": "left", "version": 1})
        .status_code
        == 404
    )
    assert not plan.lines.filter(point__code="ST2").exists()


@pytest.mark.parametrize("code", ["ST2", "ex-hn3", "<script>", "", "A" * 500, "ST2%00"])
def test_point_detail(as_practitioner_a: HttpClient, code: str) -> None:
    response = as_practitioner_a.get(reverse("atlas:point-detail"), {"code": code})
    if code == "ST2":
        assert response.status_code == 200
        assert "infraorbital" in response.content.decode()
    else:
        assert response.status_code == 404


def test_point_list_and_protocol_pages(as_practitioner_a: HttpClient) -> None:
    html = as_practitioner_a.get(reverse("atlas:point-list")).content.decode()
    assert "not locatable from a frontal photo" in html and "LI4" in html
    html = as_practitioner_a.get(reverse("atlas:protocol-list")).content.decode()
    assert "Crow&#x27;s feet" in html and "Copy to edit" in html


def test_copy_and_edit_a_protocol_keeping_typed_text_on_error(
    as_practitioner_a: HttpClient, practitioner_a: User
) -> None:
    response = as_practitioner_a.post(
        reverse("atlas:protocol-copy"), {"kind": "concern", "key": "under_eye"}
    )
    copy = Protocol.objects.get(clinic=practitioner_a.clinic)
    assert response["Location"] == reverse("atlas:protocol-edit", kwargs={"protocol_id": copy.pk})
    url = response["Location"]
    bad = {
        "version": 1,
        "name": "Under-eye",
        "description": "",
        "points": "ST2\n<img src=x onerror=alert(1)>",
    }
    html = as_practitioner_a.post(url, bad).content.decode()
    assert "not a point code" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    good = {
        "version": 1,
        "name": "Under-eye (ours)",
        "description": "",
        "points": "ST2\nST1 filiform",
    }
    response = as_practitioner_a.post(url, good)
    new = Protocol.objects.get(clinic=practitioner_a.clinic, is_current=True)
    assert new.version == 2 and new.codes == ["ST2", "ST1"]
    assert response["Location"] == reverse("atlas:protocol-edit", kwargs={"protocol_id": new.pk})


@pytest.mark.parametrize(
    "data", [{"kind": "concern", "key": "nope"}, {"kind": "x", "key": "<b>"}, {}]
)
def test_copying_an_unknown_protocol_is_404(
    as_practitioner_a: HttpClient, data: dict[str, str]
) -> None:
    assert as_practitioner_a.post(reverse("atlas:protocol-copy"), data).status_code == 404


def test_client_panel_links_to_plans(
    plan: TreatmentPlan, as_practitioner_a: HttpClient, client_a: Client
) -> None:
    html = as_practitioner_a.get(
        reverse("clients:client-detail", kwargs={"client_id": client_a.pk})
    ).content.decode()
    assert reverse("atlas:plan-detail", kwargs={"plan_id": plan.pk}) in html
    assert reverse("atlas:client-plan", kwargs={"client_id": client_a.pk}) in html


def _queries(http: HttpClient, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


def test_plan_pages_use_a_fixed_number_of_queries(
    fake_intake: FakeIntake, as_practitioner_a: HttpClient, practitioner_a: User, client_a: Client
) -> None:
    day = client_a.created_at.date()
    small = services.plan_propose(
        actor=practitioner_a, client=client_a, on=day, concerns=["under_eye"]
    )
    large = services.plan_propose(
        actor=practitioner_a, client=client_a, on=day, concerns=sorted(plan_rules().concerns)
    )
    assert large.lines.count() > 3 * small.lines.count()
    detail = [reverse("atlas:plan-detail", kwargs={"plan_id": p.pk}) for p in (small, large)]
    assert _queries(as_practitioner_a, detail[0]) == _queries(as_practitioner_a, detail[1])
    client_page = reverse("atlas:client-plan", kwargs={"client_id": client_a.pk})
    before = _queries(as_practitioner_a, client_page)
    services.plan_propose(actor=practitioner_a, client=client_a, on=day, concerns=["crows_feet"])
    assert _queries(as_practitioner_a, client_page) == before
