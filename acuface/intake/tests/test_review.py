"""Selectors other apps call, the day's check, acknowledgements, versions and the review page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, Clinic, User
from acuface.intake import selectors, services
from acuface.intake.examples import constitution_answers, today_answers
from acuface.intake.models import FlagAcknowledgement, Intake, Questionnaire, TodayCheck
from acuface.intake.tests.factories import draft_intake, submitted_intake
from acuface.intake.tests.test_screening import DATA

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_no_intake_no_screening(client_a: Client) -> None:
    assert selectors.screening_for_client(client=client_a, on=TODAY) is None
    status = selectors.intake_status(client=client_a, on=TODAY)
    assert not status.has_valid_intake and status.expires_on is None


def test_a_draft_is_not_a_valid_intake(practitioner_a: User, client_a: Client) -> None:
    draft_intake(actor=practitioner_a, client=client_a)
    status = selectors.intake_status(client=client_a, on=TODAY)
    assert not status.has_valid_intake and status.open_draft is not None


@override_settings(INTAKE_VALID_DAYS=30)
def test_an_intake_is_valid_for_the_configured_days(practitioner_a: User, client_a: Client) -> None:
    submitted_intake(
        actor=practitioner_a, client=client_a, anticoagulant=True, anticoagulant_kind="warfarin"
    )
    assert selectors.intake_status(client=client_a, on=TODAY).valid_until == TODAY + dt.timedelta(
        30
    )
    last_day = TODAY + dt.timedelta(days=30)
    result = selectors.screening_for_client(client=client_a, on=last_day)
    assert result is not None and result.forbidden_points == {"ST1", "BL1", "EX-HN7"}
    assert selectors.screening_for_client(client=client_a, on=last_day + dt.timedelta(1)) is None


def test_the_latest_intake_wins(practitioner_a: User, client_a: Client) -> None:
    submitted_intake(
        actor=practitioner_a,
        client=client_a,
        anticoagulant=True,
        anticoagulant_kind="warfarin",
        submitted_at=NOW - dt.timedelta(days=20),
    )
    submitted_intake(actor=practitioner_a, client=client_a)
    result = selectors.screening_for_client(client=client_a, on=TODAY)
    assert result is not None and result.flags == ()


def test_today_check_reruns_screening_for_that_day(practitioner_a: User, client_a: Client) -> None:
    submitted_intake(actor=practitioner_a, client=client_a)
    services.today_check_record(
        actor=practitioner_a,
        client=client_a,
        on=TODAY,
        answers={
            **today_answers(),
            "today_eaten": "no",
            "today_unwell": "yes",
            "today_pregnant": "no",
            "today_new_medicines": "no",
            "today_new_procedure": "no",
        },
    )
    result = selectors.screening_for_client(client=client_a, on=TODAY)
    assert result is not None
    assert {f.rule_id for f in result.flags} == {"acute-illness-today", "not-eaten"}
    assert result.has_defer
    # Another day has no check, so no such flag.
    tomorrow = selectors.screening_for_client(client=client_a, on=TODAY + dt.timedelta(1))
    assert tomorrow is not None and tomorrow.flags == ()
    assert AuditEvent.objects.filter(object_type="intake.todaycheck", action="created").count() == 1


def test_today_check_is_validated_and_replaced_the_same_day(
    practitioner_a: User, client_a: Client
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.today_check_record(
            actor=practitioner_a,
            client=client_a,
            on=TODAY,
            answers={
                "today_eaten": "yes",
                "today_unwell": "no",
                "today_pregnant": "no",
                "today_new_medicines": "no",
                "today_new_procedure": "yes",
                "today_procedure_kind": "filler",
                "today_procedure_date": "2026-12-01",
                "today_procedure_regions": ["chin"],
            },
        )
    assert set(caught.value.message_dict) == {"today_procedure_date"}  # in the future
    base = {
        "today_eaten": "yes",
        "today_unwell": "no",
        "today_pregnant": "no",
        "today_new_medicines": "no",
        "today_new_procedure": "no",
    }
    services.today_check_record(actor=practitioner_a, client=client_a, on=TODAY, answers=base)
    services.today_check_record(
        actor=practitioner_a, client=client_a, on=TODAY, answers={**base, "today_eaten": "no"}
    )
    (check,) = TodayCheck.objects.filter(client=client_a)
    assert check.answers["today_eaten"] is False


def test_acknowledging_flags(practitioner_a: User, client_a: Client) -> None:
    intake = submitted_intake(
        actor=practitioner_a,
        client=client_a,
        anticoagulant=True,
        anticoagulant_kind="warfarin",
        acupuncture_before="never",
    )
    status = selectors.intake_status(client=client_a, on=TODAY)
    assert [f.rule_id for f in status.unacknowledged] == ["anticoagulant"]  # notes need none
    services.flag_acknowledge(
        actor=practitioner_a,
        intake=intake,
        rule_id="anticoagulant",
        on=TODAY,
        note="Will use 8 points",
    )
    assert selectors.intake_status(client=client_a, on=TODAY).unacknowledged == ()
    assert selectors.intake_status(client=client_a, on=TODAY).is_clear_to_treat
    event = AuditEvent.objects.get(action="acknowledged")
    assert event.actor == practitioner_a and event.changes["rule_id"] == [None, "anticoagulant"]
    # Twice is once.
    services.flag_acknowledge(
        actor=practitioner_a, intake=intake, rule_id="anticoagulant", on=TODAY
    )
    assert FlagAcknowledgement.objects.count() == 1
    with pytest.raises(ValidationError):
        services.flag_acknowledge(
            actor=practitioner_a, intake=intake, rule_id="pacemaker", on=TODAY
        )


def test_a_flag_from_todays_check_is_acknowledged_for_that_day(
    practitioner_a: User, client_a: Client
) -> None:
    intake = submitted_intake(actor=practitioner_a, client=client_a)
    services.today_check_record(
        actor=practitioner_a,
        client=client_a,
        on=TODAY,
        answers={**today_answers(), "today_eaten": "no"}
        | {
            "today_unwell": "no",
            "today_pregnant": "no",
            "today_new_medicines": "no",
            "today_new_procedure": "no",
        },
    )
    services.flag_acknowledge(actor=practitioner_a, intake=intake, rule_id="not-eaten", on=TODAY)
    ack = FlagAcknowledgement.objects.get()
    assert ack.today_check is not None and ack.today_check.on == TODAY
    later = TODAY + dt.timedelta(days=7)
    services.today_check_record(
        actor=practitioner_a,
        client=client_a,
        on=later,
        answers={
            "today_eaten": "no",
            "today_unwell": "no",
            "today_pregnant": "no",
            "today_new_medicines": "no",
            "today_new_procedure": "no",
        },
    )
    status = selectors.intake_status(client=client_a, on=later)
    assert [f.rule_id for f in status.unacknowledged] == ["not-eaten"]


def test_front_desk_cannot_acknowledge(
    front_desk_a: User, practitioner_a: User, client_a: Client
) -> None:
    intake = submitted_intake(actor=practitioner_a, client=client_a, keloid=True)
    with pytest.raises(ValidationError):
        services.flag_acknowledge(actor=front_desk_a, intake=intake, rule_id="keloid", on=TODAY)


def test_concerns_for_client(practitioner_a: User, client_a: Client) -> None:
    assert selectors.concerns_for_client(client=client_a) == []
    submitted_intake(
        actor=practitioner_a,
        client=client_a,
        concerns=["jaw_tension", "crows_feet"],
        concern_jaw_tension_severity=5,
        concern_crows_feet_severity=2,
    )
    assert selectors.concerns_for_client(client=client_a) == [("crows_feet", 2), ("jaw_tension", 5)]


def test_a_clinic_publishes_its_own_questionnaire(
    owner_a: User, practitioner_a: User, client_a: Client, clinic_a: Clinic, clinic_b: Clinic
) -> None:
    old = submitted_intake(actor=practitioner_a, client=client_a)
    raw = json.loads((DATA / "questionnaire_v1.json").read_text(encoding="utf-8"))
    raw["sections"][0]["questions"][0]["label"] = "How are you keeping?"
    mine = services.questionnaire_publish(
        actor=owner_a, clinic=clinic_a, schema=raw, notes="wording"
    )
    assert mine.version == 1 and mine.based_on is not None and mine.based_on.clinic is None
    assert selectors.questionnaire_current(clinic=clinic_a) == mine
    assert selectors.questionnaire_current(clinic=clinic_b).clinic is None  # others unaffected
    new = services.intake_start(actor=practitioner_a, client=client_a)
    assert new.questionnaire == mine
    old.refresh_from_db()
    assert old.questionnaire.clinic is None  # an answered intake keeps the version it answered
    again = services.questionnaire_publish(actor=owner_a, clinic=clinic_a, schema=raw)
    assert again.version == 2
    raw["sections"][0]["questions"][0]["type"] = "slider"
    with pytest.raises(ValidationError):
        services.questionnaire_publish(actor=owner_a, clinic=clinic_a, schema=raw)
    assert Questionnaire.objects.filter(clinic=clinic_a).count() == 2


def test_a_clinic_publishes_its_own_rules(
    owner_a: User, practitioner_a: User, client_a: Client, clinic_a: Clinic
) -> None:
    submitted_intake(actor=practitioner_a, client=client_a, needle_fear=5)
    assert selectors.screening_for_client(client=client_a, on=TODAY).flags == ()  # type: ignore[union-attr]
    raw = json.loads((DATA / "screening_rules.json").read_text(encoding="utf-8"))
    for rule in raw["rules"]:
        if rule["id"] == "needle-fear":
            rule["when"] = {"answer": "needle_fear", "gte": 5}
    services.ruleset_publish(actor=owner_a, clinic=clinic_a, rules=raw)
    result = selectors.screening_for_client(client=client_a, on=TODAY)
    assert result is not None and [f.rule_id for f in result.flags] == ["needle-fear"]


# --- pages ------------------------------------------------------------------------------------


def test_review_page_shows_flags_first_then_risks_constitution_answers(
    practitioner_a: User, client_a: Client, as_practitioner_a: HttpClient
) -> None:
    intake = submitted_intake(
        actor=practitioner_a,
        client=client_a,
        anticoagulant=True,
        anticoagulant_kind="warfarin",
        filler_had=True,
        filler_date="2026-11-20",
        filler_regions=["chin"],
        **constitution_answers({"balanced": 2, "qi_deficiency": 4}),
    )
    page = as_practitioner_a.get(reverse("intake:intake-review", args=[intake.pk])).content.decode()
    order = [page.index(s) for s in ("DEFER", "CAUTION", "Side-effect risk", "<svg", "Answers")]
    assert order == sorted(order)
    assert "do not needle the treated area until 18 Dec 2026" in page
    assert "ST36, CV6" in page
    assert "you take a blood thinner" in page  # client wording beside the practitioner's
    assert page.count('name="rule_id"') == 2  # defer and caution each to acknowledge


def test_review_shows_what_changed_since_the_previous_intake(
    practitioner_a: User, client_a: Client, as_practitioner_a: HttpClient
) -> None:
    submitted_intake(
        actor=practitioner_a, client=client_a, submitted_at=NOW - dt.timedelta(days=100)
    )
    intake = submitted_intake(actor=practitioner_a, client=client_a, smoking="current")
    page = as_practitioner_a.get(reverse("intake:intake-review", args=[intake.pk])).content.decode()
    assert "Changed since the intake of" in page
    assert "Do you smoke or vape?" in page and "<td>Never</td><td>Yes</td>" in page


def test_acknowledge_from_the_page(
    practitioner_a: User, client_a: Client, as_practitioner_a: HttpClient
) -> None:
    intake = submitted_intake(actor=practitioner_a, client=client_a, metal_allergy=True)
    url = reverse("intake:flag-acknowledge", args=[intake.pk])
    response = as_practitioner_a.post(
        url, {"rule_id": "metal-allergy", "on": "2026-11-25", "note": "<b>ok</b>"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?on=2026-11-25#flag-metal-allergy")  # back at the flag
    assert FlagAcknowledgement.objects.get().note == "<b>ok</b>"
    page = as_practitioner_a.get(response["Location"]).content.decode()
    assert "&lt;b&gt;ok&lt;/b&gt;" in page and "acknowledged" in page
    bad = as_practitioner_a.post(url, {"rule_id": "x", "on": "not-a-date"})
    assert bad.status_code == 302 and FlagAcknowledgement.objects.count() == 1


def test_front_desk_and_other_clinics_do_not_see_the_review(
    practitioner_a: User,
    client_a: Client,
    as_front_desk_a: HttpClient,
    as_practitioner_b: HttpClient,
) -> None:
    intake = submitted_intake(actor=practitioner_a, client=client_a)
    url = reverse("intake:intake-review", args=[intake.pk])
    assert as_front_desk_a.get(url).status_code == 404
    assert as_practitioner_b.get(url).status_code == 404


def test_today_check_page(
    practitioner_a: User, client_a: Client, as_practitioner_a: HttpClient
) -> None:
    intake = submitted_intake(actor=practitioner_a, client=client_a)
    url = reverse("intake:today-check", args=[client_a.pk])
    assert as_practitioner_a.get(url).status_code == 200
    bad = as_practitioner_a.post(url, {"today_eaten": "yes"})
    assert bad.status_code == 200 and b"Please answer this question." in bad.content
    assert b'value="yes" checked' in bad.content  # what was picked stays
    good = as_practitioner_a.post(
        url,
        {
            "today_eaten": "no",
            "today_unwell": "no",
            "today_pregnant": "no",
            "today_new_medicines": "no",
            "today_new_procedure": "no",
        },
    )
    assert good.status_code == 302 and str(intake.pk) in good["Location"]
    review = as_practitioner_a.get(good["Location"]).content.decode()
    assert "Has not eaten" in review


def test_client_record_panel(
    practitioner_a: User, client_a: Client, as_practitioner_a: HttpClient
) -> None:
    submitted_intake(
        actor=practitioner_a, client=client_a, pregnant="yes", pregnancy_trimester="first"
    )
    page = as_practitioner_a.get(
        reverse("clients:client-detail", args=[client_a.pk])
    ).content.decode()
    assert "Health intake" in page and "chip defer" in page


def test_submitted_intake_cannot_be_saved_again(practitioner_a: User, client_a: Client) -> None:
    intake = submitted_intake(actor=practitioner_a, client=client_a)
    with pytest.raises(ValidationError):
        services.intake_draft_save(intake=intake, section_index=0, submitted={"unwell_now": "yes"})
    with pytest.raises(ValidationError):
        services.intake_submit(intake=intake)
    assert Intake.objects.get(pk=intake.pk).answers["unwell_now"] is False


def test_intake_list_keeps_a_fixed_number_of_queries(
    practitioner_a: User, client_a: Client, clinic_a: Clinic, as_practitioner_a: HttpClient
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ClientFactory

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = as_practitioner_a.get(reverse("intake:intake-list"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    submitted_intake(actor=practitioner_a, client=client_a, keloid=True)
    few = count()
    for _ in range(4):
        submitted_intake(
            actor=practitioner_a,
            client=ClientFactory(clinic=clinic_a),
            pregnant="yes",
            pregnancy_trimester="first",
        )
    assert count() == few
    page = as_practitioner_a.get(reverse("intake:intake-list")).content.decode()
    assert page.count("1 defer") == 4 and page.count("1 caution") == 5


def test_dashboard_tile(
    practitioner_a: User,
    client_a: Client,
    as_practitioner_a: HttpClient,
    as_front_desk_a: HttpClient,
) -> None:
    draft_intake(actor=practitioner_a, client=client_a)
    page = as_practitioner_a.get(reverse("core:dashboard")).content.decode()
    assert "Health intakes" in page and "1 link open" in page
    desk = as_front_desk_a.get(reverse("core:dashboard")).content.decode()
    assert "link waiting for a client" in desk
    assert as_front_desk_a.get(reverse("intake:intake-list")).status_code == 404


@pytest.mark.parametrize("bad_id", ["0", "99999999", "9223372036854775808"])
def test_malformed_or_unknown_intake_ids_are_404(
    as_practitioner_a: HttpClient, bad_id: str
) -> None:
    assert as_practitioner_a.get(f"/intake/{bad_id}/").status_code == 404
    assert as_practitioner_a.get(f"/intake/{bad_id}/qr.svg").status_code == 404
    assert as_practitioner_a.post(f"/intake/{bad_id}/acknowledge/").status_code == 404
    assert as_practitioner_a.get(f"/intake/clients/{bad_id}/today/").status_code == 404


def test_today_check_page_escapes_what_was_typed(
    practitioner_a: User, client_a: Client, as_practitioner_a: HttpClient
) -> None:
    submitted_intake(actor=practitioner_a, client=client_a)
    url = reverse("intake:today-check", args=[client_a.pk])
    evil = "<script>alert(1)</script>"
    response = as_practitioner_a.post(
        url,
        {
            "today_eaten": "yes",
            "today_unwell": "no",
            "today_pregnant": "no",
            "today_new_medicines": "yes",
            "today_new_medicines_list__name_0": evil,
            "today_new_medicines_list__dose_0": "x" * 500,
            "today_new_procedure": "no",
        },
    )
    assert response.status_code == 200  # the dose is too long: the form comes back
    body = response.content.decode()
    assert evil not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "under 120" in body
    assert not TodayCheck.objects.exists()


def test_admin_publishes_a_clinic_version_and_never_edits_a_published_one(
    clinic_a: Clinic, practitioner_a: User
) -> None:
    from tests.factories import UserFactory

    admin_user = UserFactory(
        email="root@acuface.test", clinic=None, is_staff=True, is_superuser=True
    )
    http = HttpClient()
    http.force_login(admin_user, backend="acuface.core.backends.StaffBackend")
    published = Questionnaire.objects.get(clinic__isnull=True, version=1)
    page = http.get(reverse("admin:intake_questionnaire_change", args=[published.pk]))
    assert page.status_code == 200 and b'name="schema"' not in page.content  # read-only
    raw = (DATA / "questionnaire_v1.json").read_text(encoding="utf-8")
    response = http.post(
        reverse("admin:intake_questionnaire_add"),
        {
            "clinic": clinic_a.pk,
            "title": "Ours",
            "schema": raw,
            "notes": "our wording",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    mine = Questionnaire.objects.get(clinic=clinic_a)
    assert mine.version == 1 and mine.published_by == admin_user
    assert AuditEvent.objects.filter(object_type="intake.questionnaire", clinic=clinic_a).exists()
