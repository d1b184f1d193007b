"""The safety report against a small data set whose figures were worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.aftercare import selectors
from acuface.aftercare.models import AdverseEvent
from acuface.atlas.models import Point
from acuface.core.models import AuditEvent, Clinic, User
from acuface.treatments.models import Needle, TreatmentSession
from acuface.treatments.tests.factories import needle_lot
from tests.factories import ClientFactory

UTC = dt.UTC
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


def make_session(
    clinic: Clinic,
    practitioner: User,
    out: dt.datetime,
    needles: list[tuple[str, str]],
    events: list[tuple[str, list[list[str]]]],
) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        client=ClientFactory(clinic=clinic),
        practitioner=practitioner,
        scheduled_at=out - dt.timedelta(hours=1),
        needling_started_at=out - dt.timedelta(minutes=40),
        needles_out_at=out,
        state="complete",
    )
    lot = needle_lot(clinic=clinic, lot_number=f"L{session.pk}")
    for code, side in needles:
        Needle.objects.create(
            session=session,
            point=Point.objects.get(code=code),
            side=side,
            lot=lot,
            inserted_at=out - dt.timedelta(minutes=40),
            removed_at=out,
        )
    for kind, locations in events:
        AdverseEvent.objects.create(session=session, kind=kind, onset_at=out, locations=locations)
    return session


@pytest.fixture
def data_set(
    clinic_a: Clinic, clinic_b: Clinic, practitioner_a: User, owner_a: User, practitioner_b: User
) -> None:
    owner_a.first_name, owner_a.last_name = "=HYPERLINK(1)", "Owner"
    owner_a.save()
    st2 = [["ST2", "right"]]
    # Clinic A is in London: BST starts on 29 March 2026, so local = UTC + 1 after it.
    make_session(
        clinic_a,
        practitioner_a,
        dt.datetime(2026, 3, 2, 10, tzinfo=UTC),
        [("ST2", "right"), ("GB1", "left")],
        [("bleeding", []), ("bruising", st2)],
    )
    make_session(
        clinic_a,
        practitioner_a,
        dt.datetime(2026, 3, 10, 10, tzinfo=UTC),
        [("ST2", "right")],
        [("bruising", st2), ("bruising", st2)],
    )  # one session, counted once
    make_session(clinic_a, owner_a, dt.datetime(2026, 3, 20, 10, tzinfo=UTC), [("GB1", "left")], [])
    make_session(
        clinic_a, owner_a, dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC), [], [("bleeding", [])]
    )  # 23:30 local: in
    make_session(
        clinic_a,
        practitioner_a,
        dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
        [],
        [("bleeding", [])],
    )  # 1 Apr: out
    make_session(
        clinic_b, practitioner_b, dt.datetime(2026, 3, 5, 10, tzinfo=UTC), [], [("rash", [])]
    )  # other clinic


def rows_by_kind(rows: list[selectors.ReportRow]) -> dict[str, selectors.ReportRow]:
    return {r.kind: r for r in rows}


def test_figures_match_the_hand_computed_ones(data_set: None, clinic_a: Clinic) -> None:
    report = selectors.safety_report(clinic=clinic_a, start=START, end=END)
    assert report.sessions == 4
    rows = rows_by_kind(report.rows)
    # 2 of 4 sessions: p = 0.5, n = 4, z = 1.96 → centre 0.5, half 0.34996 → 15.00 % to 85.00 %.
    for kind in ("bleeding", "bruising"):
        rate = rows[kind].rate
        assert (rate.events, rate.sessions, rate.percent) == (2, 4, 50.0)
        assert rate.low == pytest.approx(15.00, abs=0.01) and rate.high == pytest.approx(
            85.00, abs=0.01
        )
    assert rows["bleeding"].published == 4.9 and rows["bruising"].published == 0.7
    # 0 of 4: upper bound z²/(n + z²) = 3.8415 / 7.8415 = 48.99 %.
    assert rows["rash"].rate.events == 0 and rows["rash"].rate.high == pytest.approx(
        48.99, abs=0.01
    )


def test_by_practitioner(data_set: None, clinic_a: Clinic) -> None:
    report = selectors.safety_report(clinic=clinic_a, start=START, end=END)
    by_name = {name: (count, rows_by_kind(rows)) for name, count, rows in report.by_practitioner}
    count, rows = by_name["=HYPERLINK(1) Owner"]
    assert count == 2 and rows["bleeding"].rate.events == 1 and rows["bruising"].rate.events == 0
    count, rows = by_name[next(n for n in by_name if n != "=HYPERLINK(1) Owner")]
    assert count == 2 and rows["bleeding"].rate.events == 1 and rows["bruising"].rate.events == 2


def test_by_point(data_set: None, clinic_a: Clinic) -> None:
    report = selectors.safety_report(clinic=clinic_a, start=START, end=END)
    assert [(code, label, times, count) for code, label, times, count, _ in report.by_point] == [
        ("ST2", "Bruising", 2, 2)  # ST2 was needled in 2 sessions and bruised in both
    ]
    assert report.by_point[0][4].percent == 100.0


def test_the_page_is_for_the_owner_only(
    data_set: None, as_owner_a: HttpClient, as_practitioner_a: HttpClient
) -> None:
    url = reverse("aftercare:safety-report") + "?start=2026-03-01&end=2026-03-31"
    page = as_owner_a.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "15.00\u201385.00" in text and "4.9" in text
    assert as_practitioner_a.get(url).status_code == 404
    assert as_practitioner_a.get(reverse("aftercare:safety-report-csv")).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["?start=2026-03-31&end=2026-03-01", "?start=nonsense&end=", "?start=<b>&end=2026-13-45"],
)
def test_a_bad_period_shows_an_error_and_does_not_crash(
    data_set: None, as_owner_a: HttpClient, query: str
) -> None:
    page = as_owner_a.get(reverse("aftercare:safety-report") + query)
    text = page.content.decode()
    assert page.status_code == 200 and "field-error" in text
    assert 'value="<b>"' not in text


def test_csv_export_is_neutralised_and_audited(
    data_set: None, as_owner_a: HttpClient, clinic_a: Clinic
) -> None:
    response = as_owner_a.get(
        reverse("aftercare:safety-report-csv") + "?start=2026-03-01&end=2026-03-31"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["section", "group", "type"]
    bleeding = next(r for r in rows if r[0] == "clinic" and r[2] == "Minor bleeding")
    assert bleeding[3:] == ["4", "2", "50.00", "15.00", "85.00", "4.90"]
    groups = {r[1] for r in rows if r[0] == "practitioner"}
    assert "'=HYPERLINK(1) Owner" in groups and "=HYPERLINK(1) Owner" not in groups
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert AuditEvent.objects.filter(clinic=clinic_a, action="exported").exists()


def test_empty_period(clinic_a: Clinic, as_owner_a: HttpClient) -> None:
    report = selectors.safety_report(clinic=clinic_a, start=START, end=END)
    assert report.sessions == 0 and all(r.rate.percent is None for r in report.rows)
    assert as_owner_a.get(reverse("aftercare:safety-report")).status_code == 200
