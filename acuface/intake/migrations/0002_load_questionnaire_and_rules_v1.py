import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load_defaults(apps, schema_editor):
    # Acuface's own version 1 of the questions and the rules; a clinic publishes its own on top.
    Questionnaire = apps.get_model("intake", "Questionnaire")
    RuleSet = apps.get_model("intake", "RuleSet")
    schema = json.loads((DATA / "questionnaire_v1.json").read_text(encoding="utf-8"))
    if not Questionnaire.objects.filter(clinic__isnull=True, version=1).exists():
        Questionnaire.objects.create(
            clinic=None, version=1, title=schema["title"], schema=schema, notes="First version."
        )
    rules = json.loads((DATA / "screening_rules.json").read_text(encoding="utf-8"))
    if not RuleSet.objects.filter(clinic__isnull=True, version=1).exists():
        RuleSet.objects.create(clinic=None, version=1, rules=rules, notes="First version.")


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_intake_questionnaire_rules_tables")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
