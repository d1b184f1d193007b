from django.core.management import call_command

from acuface.clients.models import Client
from acuface.core.models import Clinic, User


def test_load_demo_twice_does_not_duplicate(db) -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Clinic.objects.count(), User.objects.count(), Client.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Clinic.objects.count(), User.objects.count(), Client.objects.count()) == counts
    assert Client.objects.count() >= 20
    assert {u.role for u in User.objects.all()} == {"owner", "practitioner", "front_desk"}


def test_seed_volume_fills_up_to_the_target(db) -> None:
    call_command("seed_volume", clients=120, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_volume", clients=150, stdout=open("/dev/null", "w"))  # noqa: SIM115
    clients = Client.objects.filter(clinic__slug="volume")
    assert clients.count() == 150
    assert all(c.search_tokens_set.exists() for c in clients)
