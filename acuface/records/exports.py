"""CSV of each table for the owner, and a client's data export as a zip."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.core.files.storage import default_storage
from django.db import models

from acuface.clients.models import Client
from acuface.core.access import scope_to_clinic
from acuface.core.models import Clinic

# The tables the owner may export: url key -> "app_label.ModelName". Each is scoped to the clinic
# through the model's CLINIC_PATH. Secrets (link nonces) are never exported.
CSV_TABLES = {
    "clients": "clients.Client",
    "consents": "clients.Consent",
    "intakes": "intake.Intake",
    "treatment-plans": "atlas.TreatmentPlan",
    "sessions": "treatments.TreatmentSession",
    "needles": "treatments.Needle",
    "session-events": "treatments.SessionEvent",
    "needle-lots": "treatments.NeedleLot",
    "photos": "photos.Photo",
    "adverse-events": "aftercare.AdverseEvent",
    "courses": "courses.Course",
    "bookings": "courses.Booking",
    "client-outcomes": "courses.OutcomeResponse",
}
NEVER_EXPORTED = {"link_nonce", "created_from_form", "storage_name", "analysis", "password"}
# A cell starting with one of these is a formula to a spreadsheet: prefix it with a quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
# Spreadsheet cells are limited to 32767 characters.
CELL_MAX = 32_000


def neutralise(value: Any) -> str:
    """A cell's text, with any spreadsheet formula made inert (leading apostrophe)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)[:CELL_MAX]
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def table_model(key: str) -> type[models.Model] | None:
    from django.apps import apps

    label = CSV_TABLES.get(key)
    return apps.get_model(label) if label else None


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.name not in NEVER_EXPORTED]


def csv_rows(*, clinic: Clinic, key: str) -> Iterator[list[str]]:
    """The header and every row of one table of the clinic, each cell neutralised."""
    model = table_model(key)
    if model is None:
        raise KeyError(key)
    columns = _columns(model)
    yield [f.attname for f in columns]
    rows = scope_to_clinic(model._default_manager.all(), clinic).order_by("pk")
    for obj in rows.iterator(chunk_size=500):
        yield [neutralise(getattr(obj, f.attname)) for f in columns]


def csv_text(*, clinic: Clinic, key: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv_rows(clinic=clinic, key=key):
        writer.writerow(row)
    return out.getvalue()


def client_zip(*, client: Client) -> bytes:
    """The client's data: the FHIR bundle, course summary PDFs, and their photos."""
    from acuface.courses.models import Course
    from acuface.courses.reports import summary_pdf
    from acuface.photos.models import Photo
    from acuface.records.fhir import client_bundle_json, photo_file_name

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("record.fhir.json", client_bundle_json(client=client))
        for course in Course.objects.filter(client=client):
            archive.writestr(
                f"pdf/course-summary-{course.pk}.pdf", summary_pdf(course=course, actor=None)
            )
        # The client's own photos are their data whatever the consent says now; the FHIR
        # bundle describes (as Media) only those taken under a photo consent still given.
        for photo in Photo.objects.filter(client=client):
            if default_storage.exists(photo.storage_name):
                with default_storage.open(photo.storage_name, "rb") as stored:
                    archive.writestr(photo_file_name(photo), stored.read())
        archive.writestr(
            "README.txt",
            "Your record from the clinic.\n\nrecord.fhir.json: your whole record as a FHIR R4 "
            "(4.3.0) Bundle, readable by health software.\npdf/: your course summaries.\n"
            "photos/: your photos.\n",
        )
    return out.getvalue()
