import datetime as dt
import io

from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from acuface.aftercare import selectors, services
from acuface.aftercare.models import CheckIn, ProblemReport
from acuface.treatments.models import FollowUp, TreatmentSession
from tests.world import World

# One fixed file name: the access matrix builds the world once per URL (MEDIA_ROOT is the
# configured one), so it must not leave a new file behind each time.
WORLD_PHOTO = "aftercare/test-world/checkin.png"


def tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 120, 120)).save(buffer, format="PNG")
    return buffer.getvalue()


def build(world: World) -> None:
    session: TreatmentSession = world.objects["session"]  # from the treatments world
    now = timezone.now()
    TreatmentSession.objects.filter(pk=session.pk).update(needles_out_at=now - dt.timedelta(days=2))
    session.refresh_from_db()
    follow_up = FollowUp.objects.create(
        session=session, kind="24h", due_at=now - dt.timedelta(days=1)
    )
    checkin = services.checkin_ensure(follow_up=follow_up)
    if not default_storage.exists(WORLD_PHOTO):
        from django.core.files.base import ContentFile

        default_storage.save(WORLD_PHOTO, ContentFile(tiny_png()))
    CheckIn.objects.filter(pk=checkin.pk).update(photo=WORLD_PHOTO)
    report = ProblemReport.objects.create(session=session, answers={}, photo=WORLD_PHOTO)
    event = services.adverse_event_record(
        actor=world.practitioner, session=session, kind="allergy", grade="moderate", onset_at=now
    )
    world.objects.update(aftercare_checkin=checkin, aftercare_event=event)
    world.ids.update(
        checkin_id=checkin.pk,
        event_id=event.pk,
        escalation_id=event.escalation.pk,
        follow_up_id=follow_up.pk,
        report_id=report.pk,
    )
    world.ids.setdefault("token", selectors.checkin_link_token(checkin))
