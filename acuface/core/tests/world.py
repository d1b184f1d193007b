from tests.world import World


def build(world: World) -> None:
    world.ids["user_id"] = world.practitioner.pk
