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
    assert [(p.code, p.label, p.needled, p.with_event, p.not_needled) for p in report.by_point] == [
        ("ST2", "Bruising", 2, 2, 0)  # ST2 was needled in 2 sessions and bruised in both
    ]
    assert report.by_point[0].rate.percent == 100.0


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
    assert bleeding[3:] == ["4", "2", "50.00", "15.00", "85.00", "4.90", ""]
    groups = {r[1] for r in rows if r[0] == "practitioner"}
    assert "'=HYPERLINK(1) Owner" in groups and "=HYPERLINK(1) Owner" not in groups
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert AuditEvent.objects.filter(clinic=clinic_a, action="exported").exists()


def test_empty_period(clinic_a: Clinic, as_owner_a: HttpClient) -> None:
    report = selectors.safety_report(clinic=clinic_a, start=START, end=END)
    assert report.sessions == 0 and all(r.rate.percent is None for r in report.rows)
    assert as_owner_a.get(reverse("aftercare:safety-report")).status_code == 200


# --- by point: one definition for the counts, the rate and the CSV (issue 12, part 12) ----------

# Each case: the sessions (points needled, events with their places), then the rows expected:
# (point, type, sessions that needled it, of those with the event there, events there in
#  sessions that did not needle it, per 100).
BY_POINT_CASES = [
    pytest.param(
        [
            (["ST2", "ST6"], [("bruising", ["ST6"])]),
            (["ST2", "ST6"], []),
            (["GB1"], [("bruising", ["ST2"])]),  # a bruise where no needle went in
        ],
        [("ST6", "Bruising", 2, 1, 0, 50.0), ("ST2", "Bruising", 2, 0, 1, 0.0)],
        id="the report that contradicted itself: ST2 and ST6, 1 of 2 each",
    ),
    pytest.param(
        [(["ST2"], [("bruising", ["ST2"])]), (["ST2"], [("bruising", ["ST2"])])],
        [("ST2", "Bruising", 2, 2, 0, 100.0)],
        id="every session that needled it",
    ),
    pytest.param(
        [(["GB1"], [("bruising", ["ST2"])])],
        [("ST2", "Bruising", 0, 0, 1, None)],
        id="only where it was not needled: no rate",
    ),
    pytest.param(
        [(["ST2"], [("bruising", ["ST2"]), ("bleeding", ["ST2"])]), (["ST2"], [])],
        [("ST2", "Bruising", 2, 1, 0, 50.0), ("ST2", "Minor bleeding", 2, 1, 0, 50.0)],
        id="two types at one point",
    ),
    pytest.param(
        [(["ST2"], [("bruising", ["ST2"]), ("bruising", ["ST2"])])],
        [("ST2", "Bruising", 1, 1, 0, 100.0)],
        id="one session counted once",
    ),
]


@pytest.mark.parametrize(("sessions", "expected"), BY_POINT_CASES)
def test_by_point_counts_and_rates_share_one_definition(
    clinic_a: Clinic,
    practitioner_a: User,
    sessions: list[tuple[list[str], list[tuple[str, list[str]]]]],
    expected: list[tuple[str, str, int, int, int, float | None]],
) -> None:
    for n, (needled, events) in enumerate(sessions):
        make_session(
            clinic_a,
            practitioner_a,
            dt.datetime(2026, 3, 2 + n, 10, tzinfo=UTC),
            [(code, "right") for code in needled],
            [(kind, [[code, "right"] for code in where]) for kind, where in events],
        )
    report = selectors.safety_report(clinic=clinic_a, start=START, end=END)
    rows = [
        (r.code, r.label, r.needled, r.with_event, r.not_needled, r.rate.percent)
        for r in report.by_point
    ]
    assert rows == expected
    for row in report.by_point:  # the rate is always the counts shown beside it
        assert (row.rate.events, row.rate.sessions) == (row.with_event, row.needled)


def test_the_page_and_the_csv_say_the_same_by_point(
    clinic_a: Clinic, practitioner_a: User, as_owner_a: HttpClient
) -> None:
    for n, (needled, where) in enumerate(
        [(["ST2", "ST6"], "ST6"), (["ST2", "ST6"], ""), (["GB1"], "ST2")]
    ):
        make_session(
            clinic_a,
            practitioner_a,
            dt.datetime(2026, 3, 2 + n, 10, tzinfo=UTC),
            [(code, "right") for code in needled],
            [("bruising", [[where, "right"]])] if where else [],
        )
    query = "?start=2026-03-01&end=2026-03-31"
    page = as_owner_a.get(reverse("aftercare:safety-report") + query).content.decode()
    assert "of those, the sessions with the side effect at that point" in page
    st2 = page[page.index('data-point="ST2"') :].split("</tr>", 1)[0]
    assert "0.0" in st2 and "1 reported at a point not needled" in st2
    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                as_owner_a.get(reverse("aftercare:safety-report-csv") + query).content.decode()
            )
        )
    )
    by_point = {r["group"]: r for r in csv_rows if r["section"] == "point"}
    assert (by_point["ST2"]["sessions"], by_point["ST2"]["events"]) == ("2", "0")
    assert by_point["ST2"]["events_where_not_needled"] == "1"
    assert by_point["ST2"]["per_100"] == "0.00"
    assert (by_point["ST6"]["sessions"], by_point["ST6"]["events"], by_point["ST6"]["per_100"]) == (
        "2",
        "1",
        "50.00",
    )
