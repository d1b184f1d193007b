"""Acuface's own questionnaire and rules versions, from the data files in `data/`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from acuface.intake.models import Questionnaire, RuleSet

DATA = Path(__file__).resolve().parent / "data"
QUESTIONNAIRE_FILE = DATA / "questionnaire_v1.json"
RULES_FILE = DATA / "screening_rules.json"


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def defaults_ensure() -> None:
    """Create Acuface's version 1 rows when they are missing (the data migration does the same;
    this restores them after a test flush or `manage.py flush`)."""
    try:
        with transaction.atomic():
            if not Questionnaire.objects.filter(clinic__isnull=True).exists():
                schema = read_json(QUESTIONNAIRE_FILE)
                Questionnaire.objects.create(
                    clinic=None,
                    version=1,
                    title=schema["title"],
                    schema=schema,
                    notes="First version.",
                )
            if not RuleSet.objects.filter(clinic__isnull=True).exists():
                RuleSet.objects.create(
                    clinic=None, version=1, rules=read_json(RULES_FILE), notes="First version."
                )
    except IntegrityError:  # another process created them at the same moment
        pass
