"""The standard rules with their needle limits are published as a new version where the
version in use lacked them; the version before stays as it was."""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps

from acuface.intake.models import RuleSet

MIGRATION = importlib.import_module(
    "acuface.intake.migrations.0003_standard_rules_with_needle_limits"
)


def test_a_new_version_is_published_when_the_rules_changed(db):
    current = RuleSet.objects.filter(clinic__isnull=True).order_by("-version").first()
    assert current is not None
    assert any("needle_limit" in rule for rule in current.rules["rules"])
    older = {**current.rules, "rules": [dict(r) for r in current.rules["rules"]]}
    for rule in older["rules"]:
        rule.pop("needle_limit", None)
    RuleSet.objects.filter(pk=current.pk).update(rules=older)
    MIGRATION.publish_current_rules(django_apps, None)
    newest = RuleSet.objects.filter(clinic__isnull=True).order_by("-version").first()
    assert newest.version == current.version + 1
    assert RuleSet.objects.get(pk=current.pk).rules == older
    MIGRATION.publish_current_rules(django_apps, None)  # once only
    assert RuleSet.objects.filter(clinic__isnull=True).count() == newest.version
