import datetime as dt

from django.utils import timezone

from acuface.courses import services
from acuface.courses.models import Course
from acuface.courses.views import feed_token
from tests.world import World


def next_weekday_at(zone: dt.tzinfo, hour: int = 10, days_ahead: int = 1) -> dt.datetime:
    """A clinic-local weekday morning at least `days_ahead` days from now (inside default hours)."""
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


def build(world: World) -> None:
    client = world.objects["client"]
    course = Course.objects.create(
        client=client, practitioner=world.practitioner, starts_on=timezone.localdate()
    )
    booking = services.booking_create(
        actor=world.front_desk,
        client=client,
        practitioner=world.practitioner,
        starts_at=next_weekday_at(world.clinic.zone),
        course=course,
        number=1,
    )
    world.objects.update(course=course, booking=booking)
    world.ids.update(
        course_id=course.pk,
        booking_id=booking.pk,
        milestone="1",
        feed_token=feed_token(world.practitioner),
    )
