from acuface.intake import selectors
from acuface.intake.tests.factories import draft_intake, submitted_intake
from tests.world import World


def build(world: World) -> None:
    client = world.objects["client"]
    intake = submitted_intake(
        actor=world.practitioner, client=client, anticoagulant=True, anticoagulant_kind="warfarin"
    )
    draft = draft_intake(actor=world.practitioner, client=client)
    world.objects["intake"] = intake
    world.objects["intake_draft"] = draft
    world.ids.update(intake_id=intake.pk, token=selectors.intake_link_token(draft))
