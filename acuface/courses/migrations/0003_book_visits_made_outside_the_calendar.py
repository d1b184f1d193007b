"""Visits made before every visit went through the calendar: a future session with no booking
(from the aftercare step's old "book the next session") gets its booking where its
practitioner is free; one that clashes with a booking is cancelled with the reason, so it can
be booked again, never left where no calendar shows it."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

SESSION_MINUTES = 60
CLASH_REASON = "Not on the calendar and overlapping a booking: book this visit again."


def book_hidden_visits(apps, schema_editor):
    sessions = apps.get_model("treatments", "TreatmentSession")
    bookings = apps.get_model("courses", "Booking")
    hidden = sessions.objects.filter(
        state="scheduled", scheduled_at__gt=timezone.now(), booking__isnull=True
    ).select_related("client")
    for session in hidden.order_by("scheduled_at", "id"):
        ends_at = session.scheduled_at + dt.timedelta(minutes=SESSION_MINUTES)
        clash = session.practitioner_id is None or bookings.objects.filter(
            practitioner_id=session.practitioner_id,
            status="booked",
            starts_at__lt=ends_at,
            ends_at__gt=session.scheduled_at,
        ).exists()
        if clash:
            session.state = "cancelled"
            session.cancelled_at = timezone.now()
            session.cancel_reason = CLASH_REASON
            session.version += 1
            session.save(update_fields=["state", "cancelled_at", "cancel_reason", "version"])
            continue
        bookings.objects.create(
            clinic_id=session.client.clinic_id,
            client_id=session.client_id,
            practitioner_id=session.practitioner_id,
            session=session,
            starts_at=session.scheduled_at,
            ends_at=ends_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_booking_no_overlap_postgresql"),
        ("treatments", "0004_aftercare_sheet_for_sheets_issued_before"),
    ]

    operations = [migrations.RunPython(book_hidden_visits, migrations.RunPython.noop)]
