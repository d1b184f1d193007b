"""Reads of sessions, needles and stock: the session page, the counts, the dashboard tiles."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from acuface.atlas.models import PlannedPoint
from acuface.atlas.planning import Restrictions
from acuface.atlas.selectors import restrictions_from_screening
from acuface.clients.models import Client
from acuface.clients.selectors import client_has_consent
from acuface.core.models import Clinic
from acuface.intake import selectors as intake_selectors
from acuface.treatments import states
from acuface.treatments.models import (
    MissingNeedleIncident,
    Needle,
    NeedleLot,
    NeedleProduct,
    PointOverride,
    SessionEvent,
    TreatmentSession,
)
from acuface.treatments.retention import RetentionClock


def clinic_today(clinic: Clinic, now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now(), clinic.zone)


def needle_counts(*, session: TreatmentSession) -> tuple[int, int]:
    """(needle_count_in, needle_count_out) from the needle rows."""
    facts = session_facts(session=session)
    return facts.needle_count_in, facts.needle_count_out


# The counts in one plain statement (tables and columns as the migrations name them).
FACTS_SQL = (
    "SELECT COUNT(*), COUNT(removed_at), ("
    "SELECT COALESCE(SUM(needles_missing), 0) FROM treatments_missingneedleincident"
    " WHERE session_id = %s"
    ") FROM treatments_needle WHERE session_id = %s"
)


def session_facts(*, session: TreatmentSession) -> states.SessionFacts:
    """What the state table needs: the state and the needle counts.

    One plain statement rather than two ORM aggregates: every tap reads these twice (to decide,
    then to answer), and the ORM's compiling of the aggregates cost more than running them.
    """
    with connection.cursor() as cursor:
        cursor.execute(FACTS_SQL, [session.pk, session.pk])
        count_in, count_out, missing = cursor.fetchone()
    return states.SessionFacts(
        state=session.state,
        needle_count_in=int(count_in),
        needle_count_out=int(count_out),
        needles_missing_filed=int(missing),
    )


# --- check-in -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CheckInReadiness:
    problems: tuple[str, ...]  # each blocks check-in
    has_defer: bool  # blocks unless the practitioner gives a reason
    defer_messages: tuple[str, ...]
    restrictions: Restrictions  # what screening forbids today, each with its reason

    @property
    def is_ready(self) -> bool:
        return not self.problems and not self.has_defer


def check_in_readiness(*, client: Client, on: dt.date) -> CheckInReadiness:
    """What still stands between the client and the couch today."""
    problems: list[str] = []
    if intake_selectors.today_check_for(client=client, on=on) is None:
        problems.append("Today's check (meal, illness, pregnancy, new medicines) is not recorded.")
    if not client_has_consent(client=client, kind="treatment"):
        problems.append("The client's treatment consent is missing, withdrawn or out of date.")
    status = intake_selectors.intake_status(client=client, on=on)
    if not status.has_valid_intake:
        problems.append("The client has no valid health intake for today.")
    elif status.unacknowledged:
        problems.append(
            f"{len(status.unacknowledged)} screening flag(s) are not acknowledged yet: "
            "review the intake first."
        )
    result = intake_selectors.screening_for_client(client=client, on=on)
    defer = tuple(f.message for f in result.flags if f.level == "defer") if result else ()
    return CheckInReadiness(
        problems=tuple(problems),
        has_defer=bool(defer),
        defer_messages=defer,
        restrictions=restrictions_from_screening(result) if result else Restrictions(),
    )


def client_risk_notes(*, client: Client, on: dt.date) -> list[str]:
    """The client's own words for their raised or high risks (for the aftercare sheet)."""
    result = intake_selectors.screening_for_client(client=client, on=on)
    if result is None:
        return []
    notes: list[str] = []
    for risk in result.risks:
        if risk.level in ("raised", "high"):
            notes.extend(r for r in risk.reasons_client if r not in notes)
    return notes


# --- stock ----------------------------------------------------------------------------------


def usable_lots(*, clinic: Clinic, on: dt.date) -> QuerySet[NeedleLot]:
    """Lots a needle may come from today: active product, not expired, some left."""
    return (
        NeedleLot.objects.filter(
            product__clinic=clinic,
            product__is_active=True,
            expires_on__gte=on,
            quantity_left__gt=0,
        )
        .select_related("product")
        .order_by("expires_on", "id")
    )


def stock_products(*, clinic: Clinic) -> list[NeedleProduct]:
    return list(
        NeedleProduct.objects.filter(clinic=clinic).prefetch_related("lots").order_by("brand", "id")
    )


def low_stock_lots(*, clinic: Clinic, on: dt.date) -> list[NeedleLot]:
    return [lot for lot in usable_lots(clinic=clinic, on=on) if lot.is_low]


# --- the session page -----------------------------------------------------------------------


def plan_lines_of(session: TreatmentSession) -> list[PlannedPoint]:
    if session.plan_id is None:
        return []
    return list(
        PlannedPoint.objects.filter(plan_id=session.plan_id)
        .select_related("point")
        .order_by("order", "id")
    )


def chart_states(
    lines: list[PlannedPoint],
    needles: list[Needle],
    forbidden: Mapping[tuple[str, str], str] | None = None,
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """(states, titles) for the face chart: planned / excluded from the plan, then what the
    session's screening forbids (struck out, with the reason), then the needles."""
    found: dict[tuple[str, str], str] = {}
    titles: dict[tuple[str, str], str] = {}
    for line in lines:
        key = (line.point.code, line.side)
        found[key] = line.state
        if line.is_excluded:
            titles[key] = line.exclusion_reason
    for key, reason in (forbidden or {}).items():
        found[key], titles[key] = "excluded", reason
    for needle in needles:  # oldest first: a needle in wins over an earlier one removed
        key = (needle.point.code, needle.side)
        found[key], titles[key] = needle_chart_state(needle)
    return found, titles


def needle_chart_state(needle: Needle) -> tuple[str, str]:
    """(state, title) of a needle's point on the face chart."""
    when = timezone.localtime(needle.inserted_at, needle.session.client.clinic.zone)
    state = "needled" if needle.is_in else "removed"
    return state, f"in at {when:%H:%M}, lot {needle.lot.lot_number}"


def chart_is_tappable(session: TreatmentSession) -> bool:
    """Taps on the chart put needles in (lot chosen) or take them out, in those steps only."""
    if session.state in states.TAPPING_IN:
        return session.facial_lot_id is not None or session.body_lot_id is not None
    return session.state in (states.RETENTION, states.REMOVAL)


@dataclasses.dataclass
class SessionPage:
    session: TreatmentSession
    facts: states.SessionFacts
    needles: list[Needle]
    events: list[SessionEvent]
    incidents: list[MissingNeedleIncident]
    overrides: list[PointOverride]
    plan_lines: list[PlannedPoint]
    legal: frozenset[str]
    now: dt.datetime
    lots: list[NeedleLot]
    readiness: CheckInReadiness | None
    next_visit: TreatmentSession | None = None  # asked before the aftercare sheet is issued

    @property
    def clock(self) -> RetentionClock | None:
        ends = self.session.retention_ends_at
        if ends is None or self.session.state != states.RETENTION:
            return None
        return RetentionClock(ends_at=ends, now=self.now)

    @property
    def can_remove(self) -> bool:
        return states.REMOVE_NEEDLE in self.legal

    @property
    def needles_in(self) -> list[Needle]:
        return [n for n in self.needles if n.is_in]

    @property
    def expected_needles(self) -> int:
        return sum(1 for line in self.plan_lines if not line.is_excluded)

    @property
    def is_early(self) -> bool:
        """Retention has not ended yet: taking needles out now needs a reason (once)."""
        clock = self.clock
        return clock is not None and not clock.is_overdue and not self.session.early_removal_reason


def session_page(*, session: TreatmentSession, now: dt.datetime | None = None) -> SessionPage:
    """Everything the session page shows, read in a fixed number of queries."""
    now = now or timezone.now()
    clinic = session.client.clinic
    needles = list(
        Needle.objects.filter(session=session)
        .select_related("point", "lot")
        .order_by("inserted_at", "id")
    )
    for needle in needles:  # the session (and its clinic) is already here: no join for it
        needle.session = session
    count_in = len(needles)
    count_out = sum(1 for n in needles if not n.is_in)
    incidents = list(
        MissingNeedleIncident.objects.filter(session=session).select_related("filed_by")
    )
    facts = states.SessionFacts(
        state=session.state,
        needle_count_in=count_in,
        needle_count_out=count_out,
        needles_missing_filed=sum(i.needles_missing for i in incidents),
    )
    today = clinic_today(clinic, now)
    readiness = None
    if session.state == states.SCHEDULED:
        readiness = check_in_readiness(client=session.client, on=today)
    wants_lots = states.CHOOSE_LOT in states.legal_actions(facts)
    return SessionPage(
        session=session,
        facts=facts,
        needles=needles,
        events=list(SessionEvent.objects.filter(session=session).select_related("point")),
        incidents=incidents,
        overrides=list(PointOverride.objects.filter(session=session).select_related("point")),
        plan_lines=plan_lines_of(session),
        legal=states.legal_actions(facts),
        now=now,
        lots=list(usable_lots(clinic=clinic, on=today)) if wants_lots else [],
        readiness=readiness,
        next_visit=next_session_of(session=session)
        if session.state == states.MOISTURIZED
        else None,
    )


@dataclasses.dataclass(frozen=True)
class ClientSessions:
    """A client's sessions as the record lists them: today, then past, then upcoming."""

    today: list[TreatmentSession]
    past: list[TreatmentSession]  # newest first
    upcoming: list[TreatmentSession]  # soonest first


def client_sessions(*, client: Client, now: dt.datetime | None = None) -> ClientSessions:
    """Every session of the client, grouped by the clinic's local day of `now`."""
    now = now or timezone.now()
    day = clinic_today(client.clinic, now)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=client.clinic.zone)
    end = start + dt.timedelta(days=1)
    rows = list(sessions_of_client(client=client))  # newest first
    return ClientSessions(
        today=sorted((s for s in rows if start <= s.scheduled_at < end), key=_by_time),
        past=[s for s in rows if s.scheduled_at < start],
        upcoming=sorted((s for s in rows if s.scheduled_at >= end), key=_by_time),
    )


def _by_time(session: TreatmentSession) -> tuple[dt.datetime, int]:
    return session.scheduled_at, session.pk


def sessions_of_client(*, client: Client) -> QuerySet[TreatmentSession]:
    return TreatmentSession.objects.filter(client=client).order_by("-scheduled_at", "-id")


def next_session_of(*, session: TreatmentSession) -> TreatmentSession | None:
    return (
        TreatmentSession.objects.filter(
            client_id=session.client_id,
            state=states.SCHEDULED,
            scheduled_at__gt=session.scheduled_at,
        )
        .exclude(pk=session.pk)
        .order_by("scheduled_at")
        .first()
    )


# --- the dashboard --------------------------------------------------------------------------


def sessions_today(*, clinic: Clinic, now: dt.datetime | None = None) -> list[TreatmentSession]:
    """Sessions scheduled for the clinic's local today."""
    now = now or timezone.now()
    day = clinic_today(clinic, now)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=clinic.zone)
    end = start + dt.timedelta(days=1)
    return list(
        TreatmentSession.objects.filter(
            client__clinic=clinic, scheduled_at__gte=start, scheduled_at__lt=end
        )
        .select_related("client")
        .order_by("scheduled_at")
    )


def sessions_in_retention(*, clinic: Clinic) -> list[TreatmentSession]:
    return list(
        TreatmentSession.objects.filter(client__clinic=clinic, state=states.RETENTION)
        .select_related("client")
        .order_by("retention_ends_at")
    )


def incidents_open(*, clinic: Clinic) -> QuerySet[MissingNeedleIncident]:
    return MissingNeedleIncident.objects.filter(
        session__client__clinic=clinic, reviewed_at__isnull=True
    ).select_related("session__client", "filed_by")


def incidents_all(*, clinic: Clinic) -> QuerySet[MissingNeedleIncident]:
    return MissingNeedleIncident.objects.filter(session__client__clinic=clinic).select_related(
        "session__client", "filed_by", "reviewed_by"
    )
