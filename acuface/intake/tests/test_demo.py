import pytest

from acuface.clients import demo as clients_demo
from acuface.core.demo import demo_clinic
from acuface.intake import demo, selectors
from acuface.intake.models import Intake

pytestmark = pytest.mark.django_db


def test_demo_intakes_have_varied_flags_and_load_once() -> None:
    clinic = demo_clinic()
    clients_demo.load(clinic)
    demo.load(clinic)
    demo.load(clinic)
    assert Intake.objects.filter(status="submitted").count() == 7
    assert Intake.objects.filter(status="draft").count() == 1
    found: set[str] = set()
    for intake in Intake.objects.filter(status="submitted"):
        on = intake.submitted_at.date()  # type: ignore[union-attr]
        result = selectors.screening_for_client(client=intake.client, on=on)
        assert result is not None
        found |= {f.rule_id for f in result.flags}
    assert {
        "anticoagulant",
        "pregnancy-first-trimester",
        "filler-recent",
        "needle-fear",
        "not-eaten",
        "skin-active-face",
        "metal-allergy",
    } <= found


def test_publish_command_round_trip(tmp_path, owner_a, clinic_a) -> None:  # type: ignore[no-untyped-def]
    import io
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command("intake_publish", "clinic-a", "--export", "rules", stdout=out)
    rules = json.loads(out.getvalue())
    rules["rules"][0]["message"] = "Our own wording."
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    call_command(
        "intake_publish",
        "clinic-a",
        "--rules",
        str(path),
        "--actor",
        owner_a.email,
        stdout=io.StringIO(),
    )
    assert (
        selectors.ruleset_current(clinic=clinic_a).rules["rules"][0]["message"]
        == "Our own wording."
    )
    rules["rules"][0]["level"] = "panic"
    path.write_text(json.dumps(rules), encoding="utf-8")
    with pytest.raises(CommandError, match="level"):
        call_command("intake_publish", "clinic-a", "--rules", str(path), "--actor", owner_a.email)
