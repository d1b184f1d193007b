from django.utils import timezone

from acuface.atlas import services
from acuface.atlas.models import Protocol
from tests.world import World


def build(world: World) -> None:
    client = world.objects["client"]
    plan = services.plan_propose(
        actor=world.practitioner,
        client=client,
        on=timezone.localdate(),
        concerns=["crows_feet", "dull_complexion"],
    )
    line = plan.lines.first()
    assert line is not None
    standard = Protocol.objects.get(clinic__isnull=True, key="crows_feet", is_current=True)
    copy = services.protocol_copy(
        actor=world.owner, clinic=world.clinic, kind=standard.kind, key=standard.key
    )
    world.objects.update(plan=plan, protocol=copy)
    world.ids.update(plan_id=plan.pk, line_id=line.pk, protocol_id=copy.pk)
