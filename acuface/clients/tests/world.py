from acuface.clients import selectors, services
from tests.factories import ClientFactory
from tests.world import World


def build(world: World) -> None:
    client = ClientFactory(clinic=world.clinic)
    text = selectors.consent_texts_current()["treatment"]
    consent = services.consent_sign(client=client, text=text, signature="Test Client")
    world.objects["client"] = client
    world.ids.update(client_id=client.pk, consent_id=consent.pk, kind="treatment")
