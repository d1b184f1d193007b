import datetime as dt

from acuface.photos.tests.factories import canonical_analysis, give_photo_consent, make_photo
from tests.world import World

# One fixed file name: the access matrix builds the world once per URL, and must not leave a new
# file behind each time (its MEDIA_ROOT is the configured one).
WORLD_FILE = "photos/test-world/canonical-face.png"


def build(world: World) -> None:
    client = world.objects["client"]
    give_photo_consent(client)
    analysis = canonical_analysis()
    first = make_photo(client, analysis=analysis, name=WORLD_FILE, taken_on=dt.date(2026, 1, 5))
    second = make_photo(client, analysis=analysis, name=WORLD_FILE, taken_on=dt.date(2026, 3, 5))
    world.objects["photo"] = first
    world.ids.update(photo_id=first.pk, other_photo_id=second.pk)
