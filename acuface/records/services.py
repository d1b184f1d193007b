"""Data rights: exports (audited) and erasure after the legal retention period."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from acuface.aftercare.models import AdverseEvent, CheckIn
from acuface.clients.models import Client
from acuface.clients.search import fold
from acuface.core.audit import audit_record
from acuface.core.models import AuditEvent, Clinic, User
from acuface.courses.models import Booking
from acuface.intake.models import FlagAcknowledgement, Intake, TodayCheck
from acuface.photos.models import Photo
from acuface.records import exports, fhir
from acuface.treatments.models import MissingNeedleIncident, TreatmentSession

DEFAULT_RETENTION_YEARS = 8


def retention_years() -> int:
    """The legal retention period: `RECORD_RETENTION_YEARS` in settings (default 8)."""
    years = getattr(settings, "RECORD_RETENTION_YEARS", DEFAULT_RETENTION_YEARS)
    if isinstance(years, bool) or not isinstance(years, int) or years < 0:
        raise ValidationError("RECORD_RETENTION_YEARS must be a whole number of years.")
    return years


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


@dataclasses.dataclass(frozen=True)
class ErasureCheck:
    last_contact: dt.date
    erasable_from: dt.date
    years: int
    today: dt.date

    @property
    def allowed(self) -> bool:
        return self.today >= self.erasable_from


def erasure_check(*, client: Client, now: dt.datetime | None = None) -> ErasureCheck:
    """When the client was last seen, and from when their record may be erased."""
    now = now or timezone.now()
    zone = client.clinic.zone
    moments = [
        client.created_at,
        TreatmentSession.objects.filter(client=client).aggregate(m=Max("scheduled_at"))["m"],
        TreatmentSession.objects.filter(client=client).aggregate(m=Max("completed_at"))["m"],
        Booking.objects.filter(client=client).aggregate(m=Max("starts_at"))["m"],
        Intake.objects.filter(client=client).aggregate(m=Max("submitted_at"))["m"],
        client.consents.aggregate(m=Max("signed_at"))["m"],
    ]
    last = max(m for m in moments if m is not None).astimezone(zone).date()
    years = retention_years()
    return ErasureCheck(
        last_contact=last,
        erasable_from=_add_years(last, years),
        years=years,
        today=now.astimezone(zone).date(),
    )


def client_export_fhir(*, actor: User, client: Client) -> str:
    """The client's record as FHIR JSON; the export is audited."""
    text = fhir.client_bundle_json(client=client)
    _audit_export(actor=actor, client=client, what="FHIR bundle")
    return text


def client_export_zip(*, actor: User, client: Client) -> bytes:
    """The client's data export (FHIR bundle, PDFs, photos) as a zip; audited."""
    content = exports.client_zip(client=client)
    _audit_export(actor=actor, client=client, what="data export zip")
    return content


def table_export_csv(*, actor: User, clinic: Clinic, key: str) -> str:
    """One table of the clinic as CSV (formulas neutralised); audited."""
    text = exports.csv_text(clinic=clinic, key=key)
    audit_record(
        clinic=clinic,
        action=AuditEvent.Action.EXPORTED,
        obj=clinic,
        actor=actor,
        changes={"table": [None, key]},
    )
    return text


def _audit_export(*, actor: User, client: Client, what: str) -> None:
    audit_record(
        clinic=client.clinic,
        action=AuditEvent.Action.EXPORTED,
        obj=client,
        actor=actor,
        client=client,
        changes={"format": [None, what]},
    )


def client_erase(
    *, actor: User, client: Client, confirm_name: str, now: dt.datetime | None = None
) -> dict[str, int]:
    """Erase a client's whole record once the retention period has passed; audited by counts."""
    check = erasure_check(client=client, now=now)
    if not check.allowed:
        raise ValidationError(
            f"This record must be kept until {check.erasable_from:%d %B %Y} "
            f"({check.years} years after the last contact on {check.last_contact:%d %B %Y}).",
            code="retention",
        )
    if fold(" ".join(confirm_name.split())) != fold(client.full_name):
        raise ValidationError({"confirm_name": "Type the client's full name exactly to confirm."})
    clinic = client.clinic
    files: list[str] = []
    with transaction.atomic():
        Client.objects.select_for_update().get(pk=client.pk)
        sessions = TreatmentSession.objects.filter(client=client)
        files += [p.storage_name for p in Photo.objects.filter(client=client)]
        files += [
            str(c.photo.name)
            for c in CheckIn.objects.filter(follow_up__session__in=sessions)
            if c.photo
        ]
        counts = {
            "adverse_events": AdverseEvent.objects.filter(session__in=sessions).delete()[0],
            "missing_needle_incidents": MissingNeedleIncident.objects.filter(
                session__in=sessions
            ).delete()[0],
            "bookings_and_courses": Booking.objects.filter(client=client).delete()[0]
            + client.courses.all().delete()[0],
            "sessions": sessions.delete()[0],
            "flag_acknowledgements": FlagAcknowledgement.objects.filter(
                intake__client=client
            ).delete()[0],
            "today_checks": TodayCheck.objects.filter(client=client).delete()[0],
            "intakes": Intake.objects.filter(client=client).delete()[0],
            "photos": Photo.objects.filter(client=client).delete()[0],
        }
        # The audit trail keeps who did what and when, without the client's personal data.
        counts["audit_events_redacted"] = AuditEvent.objects.filter(client=client).update(
            changes={"redacted": [None, "client erased"]}, object_label=""
        )
        client_id = client.pk
        counts["client"] = Client.objects.filter(pk=client_id).delete()[0]
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.ERASED,
            obj=clinic,
            actor=actor,
            changes={
                "client_id": [client_id, None],
                "retention": [check.last_contact.isoformat(), check.erasable_from.isoformat()],
                "deleted_rows": [None, counts],
            },
        )
        transaction.on_commit(lambda: _delete_files(files))
    return counts


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)
