"""One clinic's worth of objects, so every object URL can be opened by id.

Each app adds its objects in `acuface/<app>/tests/world.py` with `build(world)`, setting
`world.ids[<url kwarg name>]`. The access matrix reads them; a new URL whose kwargs are known
is covered without editing any test.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

from django.apps import apps

from acuface.core.models import Clinic, User


@dataclasses.dataclass
class World:
    clinic: Clinic
    owner: User
    practitioner: User
    front_desk: User
    ids: dict[str, Any] = dataclasses.field(default_factory=dict)
    objects: dict[str, Any] = dataclasses.field(default_factory=dict)


def build_world(clinic: Clinic, owner: User, practitioner: User, front_desk: User) -> World:
    world = World(clinic=clinic, owner=owner, practitioner=practitioner, front_desk=front_desk)
    for config in apps.get_app_configs():
        if not config.name.startswith("acuface."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.world")
        except ModuleNotFoundError:
            continue
        module.build(world)
    return world
