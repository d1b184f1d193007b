"""No two live bookings of one practitioner may overlap, enforced by PostgreSQL itself.

An exclusion constraint over tstzrange(starts_at, ends_at) per practitioner needs btree_gist.
Other databases (SQLite in development and tests) skip this; there the booking service locks
the practitioner's row and checks, and the (practitioner, starts_at) unique constraint holds.
"""

from django.db import migrations

CONSTRAINT = "booking_practitioner_no_overlap"


def add_exclusion(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE courses_booking ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(practitioner_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status = 'booked')"
    )


def drop_exclusion(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE courses_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_courses_bookings_outcomes")]

    operations = [migrations.RunPython(add_exclusion, drop_exclusion)]
