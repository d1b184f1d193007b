from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User
from acuface.courses.tests.helpers import course_with_progress, metrics_analysis
from acuface.photos.tests.factories import make_photo
from acuface.records import exports
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700", "'+44 7700"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("Zoë", "Zoë"),
        (None, ""),
        (True, "yes"),
        (-2, "-2"),  # a real number stays a number
        ("x" * 40_000, "x" * exports.CELL_MAX),
    ],
)
def test_neutralise(value: object, cell: str) -> None:
    assert exports.neutralise(value) == cell


def test_clients_csv_is_scoped_and_neutralised(
    client_a: Client, clinic_b: object, as_owner_a: HttpClient
) -> None:
    client_a.notes = '=HYPERLINK("http://evil","click")'
    client_a.save(update_fields=["notes"])
    ClientFactory(clinic=clinic_b, first_name="Other", last_name="Clinic")
    response = as_owner_a.get(reverse("records:csv-table", args=["clients"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["last_name"] for r in rows] == ["O'Brien"]
    assert rows[0]["notes"].startswith("'=HYPERLINK")
    assert rows[0]["phone"] == "'+44 7700 900101"
    assert "created_from_form" not in rows[0]
    assert AuditEvent.objects.filter(action="exported", changes__table=[None, "clients"]).exists()


def test_every_table_exports(
    client_a: Client, practitioner_a: User, as_owner_a: HttpClient
) -> None:
    course_with_progress(client=client_a, practitioner=practitioner_a, done=1)
    for key in exports.CSV_TABLES:
        response = as_owner_a.get(reverse("records:csv-table", args=[key]))
        assert response.status_code == 200, key
        assert response.content.decode().count("\n") >= 1, key
    index = as_owner_a.get(reverse("records:csv-index")).content.decode()
    assert all(f"{key}.csv" in index for key in exports.CSV_TABLES)


@pytest.mark.parametrize("table", ["users", "core-user", "..", "clients%00"])
def test_unknown_tables_are_404(as_owner_a: HttpClient, table: str) -> None:
    assert as_owner_a.get(f"/records/csv/{table}.csv").status_code == 404


def test_csv_is_the_owners(as_practitioner_a: HttpClient, as_front_desk_a: HttpClient) -> None:
    url = reverse("records:csv-table", args=["clients"])
    assert as_practitioner_a.get(url).status_code == 404
    assert as_front_desk_a.get(url).status_code == 404


def test_client_data_export_zip(
    client_a: Client, practitioner_a: User, as_owner_a: HttpClient
) -> None:
    course_with_progress(client=client_a, practitioner=practitioner_a, done=2)
    make_photo(client_a, analysis=metrics_analysis(4.0, 61.0))
    response = as_owner_a.get(reverse("records:client-export", args=[client_a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "record.fhir.json" in names and "README.txt" in names
    assert json.loads(archive.read("record.fhir.json"))["resourceType"] == "Bundle"
    pdfs = [n for n in names if n.startswith("pdf/")]
    assert len(pdfs) == 1 and archive.read(pdfs[0]).startswith(b"%PDF")
    assert len([n for n in names if n.startswith("photos/")]) == 3
    assert AuditEvent.objects.filter(
        action="exported", client=client_a, changes__format=[None, "data export zip"]
    ).exists()
