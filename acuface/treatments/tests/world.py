from django.utils import timezone

from acuface.treatments import services
from acuface.treatments.models import MissingNeedleIncident
from acuface.treatments.tests.factories import needle_lot
from tests.world import World


def build(world: World) -> None:
    client = world.objects["client"]
    session = services.session_schedule(
        actor=world.practitioner, client=client, scheduled_at=timezone.now()
    )
    lot = needle_lot(clinic=world.clinic)
    incident = MissingNeedleIncident.objects.create(
        session=session, needles_missing=1, searched_where="couch", outcome="not found"
    )
    world.objects.update(session=session, needle_lot=lot)
    world.ids.update(
        session_id=session.pk,
        action="cleanse",
        product_id=lot.product_id,
        incident_id=incident.pk,
    )
