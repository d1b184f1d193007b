from tests.world import World


def build(world: World) -> None:
    world.ids.update(table="clients")
