"""Export a clinic's questionnaire or rules as JSON, or publish an edited file as a new version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from acuface.core.models import Clinic, User
from acuface.intake import selectors, services


class Command(BaseCommand):
    help = (
        "intake_publish CLINIC --export questionnaire|rules > file.json  |  "
        "intake_publish CLINIC --questionnaire file.json / --rules file.json --actor EMAIL"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("clinic", help="the clinic's slug")
        parser.add_argument("--export", choices=("questionnaire", "rules"))
        parser.add_argument("--questionnaire", type=Path, help="an edited questionnaire file")
        parser.add_argument("--rules", type=Path, help="an edited screening rules file")
        parser.add_argument("--actor", help="e-mail of the clinic's owner publishing it")
        parser.add_argument("--notes", default="", help="what changed, in a sentence")

    def handle(self, *args: Any, **options: Any) -> None:
        clinic = Clinic.objects.filter(slug=options["clinic"]).first()
        if clinic is None:
            raise CommandError(f"No clinic with the slug {options['clinic']!r}.")
        if options["export"] == "questionnaire":
            row = selectors.questionnaire_current(clinic=clinic)
            self.stdout.write(json.dumps(row.schema, indent=1, ensure_ascii=False))
            return
        if options["export"] == "rules":
            self.stdout.write(
                json.dumps(
                    selectors.ruleset_current(clinic=clinic).rules, indent=1, ensure_ascii=False
                )
            )
            return
        actor = User.objects.filter(email=options["actor"] or "", clinic=clinic).first()
        if actor is None or not actor.is_owner:
            raise CommandError("--actor must be the e-mail of an owner of that clinic.")
        try:
            if options["questionnaire"]:
                schema = json.loads(options["questionnaire"].read_text(encoding="utf-8"))
                q = services.questionnaire_publish(
                    actor=actor, clinic=clinic, schema=schema, notes=options["notes"]
                )
                self.stdout.write(self.style.SUCCESS(f"Published {q}."))
            if options["rules"]:
                rules = json.loads(options["rules"].read_text(encoding="utf-8"))
                r = services.ruleset_publish(
                    actor=actor, clinic=clinic, rules=rules, notes=options["notes"]
                )
                self.stdout.write(self.style.SUCCESS(f"Published {r}."))
        except (ValidationError, json.JSONDecodeError, OSError) as error:
            raise CommandError(str(error)) from None
