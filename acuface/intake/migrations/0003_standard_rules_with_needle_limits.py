"""The standard screening rules as the data file now has them (the cautions that restrict the
number of needles carry their limit): published as a new version when they changed, so
the version in use before stays as it was published."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def publish_current_rules(apps, schema_editor):
    RuleSet = apps.get_model("intake", "RuleSet")
    rules = json.loads((DATA / "screening_rules.json").read_text(encoding="utf-8"))
    latest = RuleSet.objects.filter(clinic__isnull=True).order_by("-version").first()
    if latest is None or latest.rules == rules:
        return
    RuleSet.objects.create(
        clinic=None,
        version=latest.version + 1,
        rules=rules,
        notes="Cautions that restrict the number of needles carry their limit.",
    )


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_load_questionnaire_and_rules_v1")]

    operations = [migrations.RunPython(publish_current_rules, migrations.RunPython.noop)]
