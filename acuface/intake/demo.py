"""Demo intakes with varied flags: warfarin, pregnancy, recent filler, needle fear, and more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from acuface.clients.models import Client
from acuface.core.demo import DemoClinic
from acuface.intake import services
from acuface.intake.examples import constitution_answers, healthy_answers, today_answers
from acuface.intake.models import Intake


def _demo_answers(today: dt.date) -> dict[tuple[str, str], dict[str, Any]]:
    def ago(days: int) -> str:
        return (today - dt.timedelta(days=days)).isoformat()

    return {
        ("Zoë", "O'Brien"): healthy_answers(
            anticoagulant=True,
            anticoagulant_kind="warfarin",
            supplements=["fish_oil"],
            medications=[{"name": "Warfarin", "dose": "3 mg daily"}],
            concerns=["crows_feet", "under_eye"],
            concern_crows_feet_severity=4,
            concern_under_eye_severity=3,
            **constitution_answers({"balanced": 3, "blood_stasis": 3}),
        ),
        ("Fatima", "Khan"): healthy_answers(
            pregnant="yes",
            pregnancy_trimester="first",
            concerns=["dull_complexion"],
            concern_forehead_lines_severity=None,
            concern_dull_complexion_severity=3,
            **constitution_answers({"balanced": 3, "yin_deficiency": 4}),
        ),
        ("Amélie", "Dubois"): healthy_answers(
            filler_had=True,
            filler_date=ago(10),
            filler_regions=["nasolabial_left", "nasolabial_right"],
            botox_had=True,
            botox_date=ago(40),
            botox_regions=["forehead", "glabella"],
            concerns=["nasolabial_folds", "forehead_lines"],
            concern_nasolabial_folds_severity=4,
            concern_forehead_lines_severity=2,
        ),
        ("Olivia", "Brown"): healthy_answers(
            needle_fear=9,
            fainted=True,
            fainting_details="Fainted at a blood test when I was 16.",
            acupuncture_before="never",
            stress=8,
            concerns=["jaw_tension"],
            concern_jaw_tension_severity=5,
            concern_forehead_lines_severity=None,
            concern_dull_complexion_severity=None,
            **constitution_answers({"balanced": 2, "qi_stagnation": 4, "qi_deficiency": 3}),
        ),
        ("Sarah", "Johnson"): healthy_answers(
            metal_allergy=True,
            skin_conditions=["eczema", "sensitive"],
            other_allergies=True,
            allergies_details="Lanolin: itchy rash.",
            **constitution_answers({"balanced": 3, "special": 4}),
        ),
        ("Li", "Wei"): healthy_answers(
            skin_today=["cold_sore"],
            diabetes=True,
            diabetes_control="not_well",
            **constitution_answers({"balanced": 2, "phlegm_dampness": 4, "damp_heat": 3}),
        ),
        ("Maria", "Rossi"): healthy_answers(
            general_health="very_good",
            **constitution_answers({"balanced": 5}),
        ),
    }


def load(demo: DemoClinic) -> None:
    actor = demo.staff["practitioner"]
    today = timezone.localtime(timezone.now(), demo.clinic.zone).date()
    for (first, last), answers in _demo_answers(today).items():
        client = Client.objects.filter(clinic=demo.clinic, first_name=first, last_name=last).first()
        if client is None or Intake.objects.filter(client=client).exists():
            continue
        intake = services.intake_start(actor=actor, client=client)
        intake.answers = {k: v for k, v in answers.items() if v is not None}
        intake.save(update_fields=["answers"])
        services.intake_submit(intake=intake)
        if (first, last) == ("Olivia", "Brown"):
            services.today_check_record(
                actor=actor,
                client=client,
                on=today,
                answers={
                    **{
                        k: ("yes" if v is True else "no" if v is False else v)
                        for k, v in today_answers().items()
                    },
                    "today_eaten": "no",
                },
            )
    # One client with a link sent but not yet filled in.
    waiting = Client.objects.filter(clinic=demo.clinic, first_name="José").first()
    if waiting is not None and not Intake.objects.filter(client=waiting).exists():
        services.intake_start(actor=demo.staff["front_desk"], client=waiting)
