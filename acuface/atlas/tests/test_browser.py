"""A practitioner builds a plan by tapping points on the face chart (Playwright + Chromium).

Set ACUFACE_DOCS_SCREENSHOTS=1 to also write docs/face-chart.png for the README.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from acuface.atlas.loading import load_atlas_data
from acuface.atlas.models import PlannedPoint, Point, Protocol, TreatmentPlan
from acuface.atlas.tests.conftest import FakeIntake, make_flag, make_screening
from acuface.clients.models import Client
from acuface.core.models import User
from tests.browser.fixtures import ARTIFACTS

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.browser


def point(on: Any, code: str, side: str) -> Any:
    return on.locator(f'svg.face-chart [data-code="{code}"][data-side="{side}"]')


def test_practitioner_builds_a_plan_by_tapping_the_chart(
    page: Any,
    log_in: Callable[[User], Any],
    fake_intake: FakeIntake,
    practitioner_a: User,
    client_a: Client,
) -> None:
    # Transactional tests before this one may have emptied the tables the data migration filled.
    load_atlas_data(point_model=Point, protocol_model=Protocol)
    fake_intake.concerns = [("crows_feet", 3), ("nasolabial_folds", 2)]
    fake_intake.screening = make_screening(
        flags=(
            make_flag(
                "pregnancy-points",
                message="Pregnant: never LI4 or SP6.",
                forbidden_points=frozenset({"LI4", "SP6"}),
            ),
            make_flag(
                "botox-recent",
                level="defer",
                message="Botox on 20 Nov (crow's feet, right): do not needle the area until 4 Dec.",
                deferred_regions=frozenset({"crow_feet_right"}),
            ),
        )
    )
    try:
        log_in(practitioner_a)
        page.goto(f"/atlas/clients/{client_a.pk}/plan/")
        page.check('input[name=concerns][value="dull_complexion"]')
        page.click("text=Propose a plan")
        page.wait_for_url("**/atlas/plans/*/")

        # Screening took out crow's feet on the right and LI4: struck out, with the reason.
        assert "excluded" in point(page, "GB1", "right").get_attribute("aria-label")
        assert "planned" in point(page, "GB1", "left").get_attribute("aria-label")
        assert (
            page.locator('.body-points [data-code="LI4"][data-side="left"]').get_attribute(
                "data-state"
            )
            == "excluded"
        )
        assert page.locator(".plan-lines tr.excluded").count() == 5  # GB1, TE23, EX-HN5, LI4 x2

        # Tap ST2 on the client's right: planned.
        point(page, "ST2", "right").locator(".pt-dot").click()
        page.wait_for_selector('svg.face-chart [data-code="ST2"][data-side="right"].pt--planned')
        # Keyboard: Enter on ST6 left.
        point(page, "ST6", "left").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector('svg.face-chart [data-code="ST6"][data-side="left"].pt--planned')
        # Tap a planned point to take it out.
        point(page, "ST4", "left").locator(".pt-dot").click()
        page.wait_for_selector('svg.face-chart [data-code="ST4"][data-side="left"].pt--available')
        # A point in a deferred area is refused, with the reason.
        point(page, "GB1", "right").locator(".pt-dot").click()
        page.wait_for_selector("#plan-editor .form-errors")
        assert "cannot be added" in page.inner_text("#plan-editor .form-errors")
        # A body point from the list.
        page.click('.body-points [data-code="ST36"][data-side="left"]')
        page.wait_for_selector('.body-points [data-code="ST36"][data-side="left"].pt--available')

        if os.environ.get("ACUFACE_DOCS_SCREENSHOTS"):
            (ROOT / "docs").mkdir(exist_ok=True)
            page.locator(".chart-frame").screenshot(path=str(ROOT / "docs" / "face-chart.png"))
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "atlas-plan-page.png"), full_page=True)

        # Save retention: the version the taps moved on must have reached this form too.
        page.fill("#id_retention_minutes", "35")
        page.fill("#id_notes", "Treat lying down.")
        page.click("text=Save")
        page.wait_for_selector("text=Plan saved.")

        plan = TreatmentPlan.objects.get(client=client_a)
        assert plan.retention_minutes == 35
        planned = set(
            PlannedPoint.objects.filter(plan=plan, is_excluded=False).values_list(
                "point__code", "side"
            )
        )
        assert {("ST2", "right"), ("ST6", "left"), ("GB1", "left")} <= planned
        assert ("ST4", "left") not in planned and ("ST36", "left") not in planned
        assert ("GB1", "right") not in planned
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "atlas-plan-chart.png"), full_page=True)
        raise
