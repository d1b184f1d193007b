"""Reads of the aftercare app: the client's link, the dashboard, the call list, the report."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Any

import qrcode
import qrcode.image.svg
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from acuface.aftercare import rules
from acuface.aftercare.models import AdverseEvent, CheckIn, Escalation, ProblemReport, SendState
from acuface.clients.models import Client
from acuface.core.models import Clinic, User
from acuface.treatments.models import FollowUp, Needle, TreatmentSession

LINK_SALT = "acuface.aftercare.checkin-link"


# --- the client's link --------------------------------------------------------------------------


def checkin_link_token(checkin: CheckIn) -> str:
    """The signed part of a check-in link: names one check-in, cannot be altered."""
    return signing.Signer(salt=LINK_SALT).sign(f"{checkin.pk}.{checkin.link_nonce}")


@dataclasses.dataclass(frozen=True)
class LinkCheck:
    checkin: CheckIn | None
    problem: str  # "" when the link may be used; else "tampered", "expired" or "used"


def checkin_from_link(token: str, *, now: dt.datetime | None = None) -> LinkCheck:
    """The check-in a client's link opens, or why it cannot be opened."""
    if len(token) > 200:
        return LinkCheck(None, "tampered")
    try:
        value = signing.Signer(salt=LINK_SALT).unsign(token)
        pk_text, nonce = value.split(".", 1)
        pk = int(pk_text)
    except (signing.BadSignature, ValueError):
        return LinkCheck(None, "tampered")
    if not 0 < pk < 2**63:
        return LinkCheck(None, "tampered")
    checkin = (
        CheckIn.objects.select_related("follow_up__session__client__clinic")
        .filter(pk=pk, link_nonce=nonce)
        .first()
    )
    if checkin is None:
        return LinkCheck(None, "tampered")
    if checkin.answered_at is not None:
        return LinkCheck(checkin, "used")
    if checkin.link_expires_at <= (now or timezone.now()):
        return LinkCheck(checkin, "expired")
    return LinkCheck(checkin, "")


def checkin_link_for(follow_up: FollowUp) -> str:
    """The absolute check-in link of a follow-up; CheckIn.DoesNotExist before it is scheduled.

    A read: the check-in is made by the scheduling service (`followups_schedule`, the sweep).
    """
    from acuface.aftercare.services import checkin_link_url

    checkin = CheckIn.objects.filter(follow_up=follow_up).first()
    if checkin is None:
        raise CheckIn.DoesNotExist(f"No check-in scheduled yet for {follow_up}.")
    return checkin_link_url(checkin)


def checkin_qr_svg(follow_up: FollowUp) -> SafeString:
    """The check-in link as an inline SVG QR code (our own generated markup, no user text)."""
    image = qrcode.make(checkin_link_for(follow_up), image_factory=qrcode.image.svg.SvgPathImage)
    svg = str(image.to_string(encoding="unicode"))
    return mark_safe(svg)


SESSION_LINK_SALT = "acuface.aftercare.session-link"


def session_checkin_token(session: TreatmentSession) -> str:
    """The signed part of a session's check-in link (printed on the aftercare sheet as a QR code).

    It names the session and the moment its needles came out, so it is fixed once printed.
    """
    if session.needles_out_at is None:
        raise ValueError("A session's check-in link exists once its needles are out.")
    stamp = int(session.needles_out_at.timestamp())
    return signing.Signer(salt=SESSION_LINK_SALT).sign(f"{session.pk}.{stamp}")


def session_checkin_link(session: TreatmentSession) -> str:
    """The absolute link for the aftercare sheet: it opens whichever check-in is due."""
    from django.conf import settings
    from django.urls import reverse

    path = reverse("aftercare:session-checkin", kwargs={"token": session_checkin_token(session)})
    return str(settings.SITE_URL).rstrip("/") + path


def session_checkin_qr_svg(session: TreatmentSession) -> SafeString:
    """The aftercare sheet's QR code (inline SVG) of `session_checkin_link`."""
    image = qrcode.make(session_checkin_link(session), image_factory=qrcode.image.svg.SvgPathImage)
    return mark_safe(str(image.to_string(encoding="unicode")))


@dataclasses.dataclass(frozen=True)
class SessionLinkCheck:
    """What the aftercare sheet's link opens now.

    `checkin`: a scheduled check-in that is due and still open (the link goes straight to it).
    Otherwise the page offers a problem report, and says when the next check-in comes if one
    is still to come (`next_checkin_at`, never a time already past).
    """

    checkin: CheckIn | None
    problem: str  # "" or "tampered"
    session: TreatmentSession | None = None
    next_checkin_at: dt.datetime | None = None


def session_from_sheet_token(token: str) -> TreatmentSession | None:
    """The session a sheet's link names, or None when the link was changed or made up."""
    if len(token) > 200:
        return None
    try:
        pk_text, stamp_text = signing.Signer(salt=SESSION_LINK_SALT).unsign(token).split(".", 1)
        pk, stamp = int(pk_text), int(stamp_text)
    except (signing.BadSignature, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    session = TreatmentSession.objects.select_related("client__clinic").filter(pk=pk).first()
    if session is None or session.needles_out_at is None:
        return None
    if int(session.needles_out_at.timestamp()) != stamp:
        return None
    return session


def checkin_from_session_link(token: str, *, now: dt.datetime | None = None) -> SessionLinkCheck:
    """The check-in the aftercare sheet's link should open now, or what else to say (a read)."""
    now = now or timezone.now()
    session = session_from_sheet_token(token)
    if session is None:
        return SessionLinkCheck(None, "tampered")
    checkins = list(
        CheckIn.objects.filter(follow_up__session=session)
        .select_related("follow_up")
        .order_by("-follow_up__due_at")
    )
    for checkin in checkins:  # the newest due check-in not yet answered
        due = checkin.follow_up.due_at <= now
        if due and checkin.answered_at is None and checkin.link_expires_at > now:
            return SessionLinkCheck(checkin, "", session)
    later = session.follow_ups.filter(due_at__gt=now).order_by("due_at").first()
    return SessionLinkCheck(None, "", session, later.due_at if later else None)


def problem_report_of(session: TreatmentSession, report_id: str | None) -> ProblemReport | None:
    """One of the session's reports (for its thank-you page), or None."""
    if not report_id or not report_id.isdigit() or len(report_id) > 18:
        return None
    return ProblemReport.objects.filter(session=session, pk=int(report_id)).first()


# --- the dashboard and the call list ------------------------------------------------------------


def _checkins(clinic: Clinic) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(follow_up__session__client__clinic=clinic).select_related(
        "follow_up__session__client", "follow_up__session__practitioner"
    )


def call_list(*, clinic: Clinic, now: dt.datetime | None = None) -> list[CheckIn]:
    """Check-ins staff must phone about: unanswered 48 h after sending, or not sendable."""
    now = now or timezone.now()
    return list(
        _checkins(clinic)
        .filter(called_at__isnull=True, answered_at__isnull=True)
        .filter(
            Q(send_state=SendState.SENT, sent_at__lte=now - rules.CALL_AFTER)
            | Q(send_state__in=(SendState.PHONE, SendState.GAVE_UP), follow_up__due_at__lte=now)
        )
        .order_by("follow_up__due_at", "id")
    )


def call_reason(checkin: CheckIn) -> str:
    """Why a check-in is on the call list, in the clinic's words."""
    if checkin.send_state == SendState.PHONE:
        if not checkin.follow_up.session.client.email:
            return "not e-mailed: no e-mail address"
        return "not e-mailed: no consent to e-mail"
    if checkin.send_state == SendState.GAVE_UP:
        detail = f" ({checkin.last_error})" if checkin.last_error else ""
        return f"the e-mail could not be sent{detail}"
    hours = int(rules.CALL_AFTER.total_seconds() // 3600)
    return f"no answer in {hours} hours"


@dataclasses.dataclass(frozen=True)
class CallItem:
    checkin: CheckIn
    reason: str


@dataclasses.dataclass(frozen=True)
class CallRow:
    """One client to phone, with each check-in that puts them on the list (oldest due first)."""

    client: Client
    items: list[CallItem]


def call_rows(*, clinic: Clinic, now: dt.datetime | None = None) -> list[CallRow]:
    """The call list by client: one row per client, whose check-ins keep their own dates."""
    rows: dict[int, CallRow] = {}
    for checkin in call_list(clinic=clinic, now=now):  # ordered by due time
        client = checkin.follow_up.session.client
        row = rows.setdefault(client.pk, CallRow(client=client, items=[]))
        row.items.append(CallItem(checkin=checkin, reason=call_reason(checkin)))
    return list(rows.values())


def unconfirmed_sends(*, clinic: Clinic, now: dt.datetime | None = None) -> list[CheckIn]:
    """Claimed for sending long ago but never marked sent (a crash mid-send): staff decide."""
    now = now or timezone.now()
    return list(
        _checkins(clinic).filter(
            send_state=SendState.SENDING, claimed_at__lte=now - rules.UNCONFIRMED_AFTER
        )
    )


def failing_sends(*, clinic: Clinic) -> list[CheckIn]:
    """Check-ins whose last attempt failed and that will be tried again."""
    return list(_checkins(clinic).filter(send_state=SendState.PENDING).exclude(last_error=""))


def followups_due(*, clinic: Clinic, now: dt.datetime | None = None) -> dict[str, list[FollowUp]]:
    """Follow-ups due today (clinic time) and those overdue: due but not yet sent or answered."""
    now = now or timezone.now()
    local = timezone.localtime(now, clinic.zone)
    end_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    base = (
        FollowUp.objects.filter(session__client__clinic=clinic)
        .select_related("session__client", "checkin")
        .filter(Q(checkin__isnull=True) | Q(checkin__answered_at__isnull=True))
        .filter(
            Q(checkin__isnull=True)
            | Q(checkin__send_state__in=(SendState.PENDING, SendState.SENDING))
        )
    )
    return {
        "due": list(base.filter(due_at__gt=now, due_at__lt=end_of_day)),
        "overdue": list(base.filter(due_at__lte=now)),
    }


def escalations_open(*, clinic: Clinic, practitioner: User | None = None) -> list[Escalation]:
    found = Escalation.objects.filter(
        adverse_event__session__client__clinic=clinic, acknowledged_at__isnull=True
    ).select_related("adverse_event__session__client", "practitioner")
    if practitioner is not None:
        found = found.filter(Q(practitioner=practitioner) | Q(practitioner__isnull=True))
    return list(found.order_by("raised_at", "id"))


def dashboard(*, clinic: Clinic, user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    from acuface.treatments.selectors import sessions_today

    now = now or timezone.now()
    due = followups_due(clinic=clinic, now=now)
    return {
        "today": sessions_today(clinic=clinic, now=now),
        "due": due["due"],
        "overdue": due["overdue"],
        "escalations": escalations_open(clinic=clinic),
        "mine": {e.pk for e in escalations_open(clinic=clinic, practitioner=user)},
        "calls": call_rows(clinic=clinic, now=now),
        "unconfirmed": unconfirmed_sends(clinic=clinic, now=now),
        "failing": failing_sends(clinic=clinic),
        "notify_failed": list(
            Escalation.objects.filter(
                adverse_event__session__client__clinic=clinic, notify_state=SendState.GAVE_UP
            ).select_related("adverse_event__session__client")
        ),
    }


def client_aftercare(*, client: Client) -> dict[str, Any]:
    """The client's follow-ups with their answers, and adverse events, for the client page."""
    follow_ups = (
        FollowUp.objects.filter(session__client=client)
        .select_related("session", "checkin")
        .order_by("-due_at", "-id")[:12]
    )
    events = (
        AdverseEvent.objects.filter(session__client=client)
        .select_related("escalation")
        .order_by("-onset_at", "-id")[:20]
    )
    reports = ProblemReport.objects.filter(session__client=client).order_by("-reported_at", "-id")[
        :12
    ]
    # The sessions an event can still be recorded for: the latest ones whose needles went in.
    sessions = TreatmentSession.objects.filter(
        client=client, needling_started_at__isnull=False
    ).order_by("-needling_started_at", "-id")[:3]
    return {
        "follow_ups": list(follow_ups),
        "events": list(events),
        "sessions": list(sessions),
        "reports": list(reports),
    }


def answers_display(answered: CheckIn | ProblemReport) -> list[tuple[str, str]]:
    """The client's answers (a check-in's or a report's) as (question, answer) lines."""
    from acuface.aftercare.forms import answers_lines

    return answers_lines(answered.answers)


# --- the safety report --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReportRow:
    kind: str
    label: str
    rate: rules.Rate
    published: float | None


# One definition for the by-point table, its rate and the CSV; printed on the report page.
POINT_RATE_DEFINITION = (
    "For each point (by its code, both sides together): the sessions in the period in which "
    "that point was needled, and of those, the sessions with the side effect at that point "
    "(a bruise the client marked there, or a couch event at the point). The rate is the "
    "second number per 100 of the first. An event placed at a point that was not needled in "
    "its session is not part of the rate: it is counted apart, as reported at a point not "
    "needled."
)


@dataclasses.dataclass(frozen=True)
class PointRow:
    """One point and one side-effect type of the safety report (see POINT_RATE_DEFINITION)."""

    code: str
    kind: str
    label: str
    needled: int  # sessions that needled the point
    with_event: int  # of those, sessions with the event at the point
    not_needled: int  # sessions with the event at the point that did not needle it
    rate: rules.Rate  # with_event of needled


@dataclasses.dataclass(frozen=True)
class SafetyReport:
    start: dt.date
    end: dt.date
    sessions: int
    rows: list[ReportRow]
    by_practitioner: list[tuple[str, int, list[ReportRow]]]
    by_point: list[PointRow]


def _rows(sessions: int, session_ids_by_kind: dict[str, set[int]]) -> list[ReportRow]:
    return [
        ReportRow(
            kind=kind,
            label=label,
            rate=rules.wilson_interval(len(session_ids_by_kind.get(kind, set())), sessions),
            published=rules.published_percent(kind),
        )
        for kind, label in rules.kind_choices()
    ]


def safety_report(*, clinic: Clinic, start: dt.date, end: dt.date) -> SafetyReport:
    """Sessions with needles in `start`..`end` (clinic dates, inclusive), and their events.

    A rate is the share of sessions with at least one event of the type (as the trial counts),
    per 100 sessions, with a 95% Wilson interval.
    """
    zone = clinic.zone
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    sessions = list(
        TreatmentSession.objects.filter(
            client__clinic=clinic, needles_out_at__gte=since, needles_out_at__lt=until
        ).select_related("practitioner")
    )
    ids = {s.pk for s in sessions}
    events = list(
        AdverseEvent.objects.filter(session_id__in=ids).values("session_id", "kind", "locations")
    )
    by_kind: dict[str, set[int]] = defaultdict(set)
    for event in events:
        by_kind[event["kind"]].add(event["session_id"])

    practitioners: dict[str, set[int]] = defaultdict(set)
    for s in sessions:
        practitioners[str(s.practitioner) if s.practitioner else "(no practitioner)"].add(s.pk)
    by_practitioner = []
    for name, their in sorted(practitioners.items()):
        their_kinds = {k: v & their for k, v in by_kind.items()}
        by_practitioner.append((name, len(their), _rows(len(their), their_kinds)))

    needled: dict[str, set[int]] = defaultdict(set)
    for code, session_id in Needle.objects.filter(session_id__in=ids).values_list(
        "point__code", "session_id"
    ):
        needled[code].add(session_id)
    at_point: dict[tuple[str, str], set[int]] = defaultdict(set)
    for event in events:
        for loc in event["locations"] or []:
            if isinstance(loc, list) and loc:
                at_point[(str(loc[0]), event["kind"])].add(event["session_id"])
    by_point = []
    for (code, kind), with_event in at_point.items():
        there = needled.get(code, set())
        by_point.append(
            PointRow(
                code=code,
                kind=kind,
                label=rules.kind_label(kind),
                needled=len(there),
                with_event=len(with_event & there),
                not_needled=len(with_event - there),
                rate=rules.wilson_interval(len(with_event & there), len(there)),
            )
        )
    by_point.sort(key=lambda r: (-r.with_event, -r.not_needled, r.code, r.label))
    return SafetyReport(
        start=start,
        end=end,
        sessions=len(sessions),
        rows=_rows(len(sessions), by_kind),
        by_practitioner=by_practitioner,
        by_point=by_point,
    )


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def safety_report_csv_rows(report: SafetyReport) -> list[list[Any]]:
    """The report as CSV rows (cells made safe against spreadsheet formulas)."""
    rows: list[list[Any]] = [
        [
            "section",
            "group",
            "type",
            "sessions",
            "events",
            "per_100",
            "ci95_low",
            "ci95_high",
            "published_per_100",
            "events_where_not_needled",
        ]
    ]

    def add(section: str, group: str, row: ReportRow) -> None:
        r = row.rate
        rows.append(
            [
                section,
                group,
                row.label,
                r.sessions,
                r.events,
                _percent(r.percent),
                _percent(r.low),
                _percent(r.high),
                _percent(row.published),
                "",
            ]
        )

    for row in report.rows:
        add("clinic", f"{report.start}..{report.end}", row)
    for name, _count, their in report.by_practitioner:
        for row in their:
            add("practitioner", name, row)
    for point in report.by_point:  # the same definition as the page (POINT_RATE_DEFINITION)
        rows.append(
            [
                "point",
                point.code,
                point.label,
                point.needled,
                point.with_event,
                _percent(point.rate.percent),
                _percent(point.rate.low),
                _percent(point.rate.high),
                "",
                point.not_needled,
            ]
        )
    return [rules.csv_row(r) for r in rows]
