"""What each button on the session page posts: its form, the one service it calls, what it says.

The session page has one POST endpoint (`act/<action>/`); this table keeps its view thin and
makes sure every button goes through the same services as everything else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, NamedTuple

from acuface.core.models import User
from acuface.core.wording import count_of
from acuface.treatments import forms, restrictions, services, states
from acuface.treatments.models import Needle, TreatmentSession


class Done(NamedTuple):
    notice: str  # what the page says
    session: TreatmentSession  # the session as the service left it, for the page to show
    needle: Needle | None = None  # the needle a tap put in or took out


Run = Callable[[User, TreatmentSession, dict[str, Any], Any], Done]


@dataclasses.dataclass(frozen=True)
class PageAction:
    form: type[forms.SessionForm]
    run: Run  # calls the service; returns the message to show and the session it left
    step: str  # the state machine's action: the page shows the form only when it is legal


def _step(service: Callable[..., TreatmentSession], notice: str, *fields: str) -> Run:
    """An action whose service takes the version and the named form fields, and says `notice`."""

    def run(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
        given = {name: data[name] for name in fields}
        return Done(notice, service(actor=user, session=s, version=data["version"], **given))

    return run


def _check_in(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    done = services.session_check_in(
        actor=user,
        session=s,
        version=data["version"],
        defer_override_reason=data["defer_override_reason"],
    )
    return Done("Checked in.", done)


def _assess(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    done = services.session_assess_skin(
        actor=user,
        session=s,
        version=data["version"],
        fitzpatrick=data["fitzpatrick"],
        glogau=data["glogau"],
        region_grades=form.region_grades(),
        notes=data["notes"],
    )
    return Done("Skin assessment recorded.", done)


def _lots(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    done = services.session_lots_choose(
        actor=user,
        session=s,
        version=data["version"],
        facial_lot=data["facial_lot"],
        body_lot=data["body_lot"],
    )
    chosen = [
        f"{kind} needles from lot {lot.lot_number}"
        for kind, lot in (("Facial", done.facial_lot), ("body", done.body_lot))
        if lot is not None
    ]
    return Done("; ".join(chosen) + ".", done)


def _tap(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    """A tap on the chart: a needle in while needling, a needle out from retention on."""
    if s.state in (states.RETENTION, states.REMOVAL):
        return _take_out(user, s, data, form)
    needle = services.needle_insert(
        actor=user,
        session=s,
        version=data["version"],
        code=data["code"],
        side=data["side"],
        add_to_plan=data["add_to_plan"],
        override_reason=data["override_reason"],
    )
    notice = f"{needle.point.code} ({needle.get_side_display()}) in, lot {needle.lot.lot_number}."
    if needle.is_added_at_couch:
        notice += " Added to today's plan."
    for warning in restrictions.needle_limit_warnings(needle.session):
        notice += f" More needles than a caution allows: {warning}."
    return Done(notice, needle.session, needle)


def _take_out(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    needle = services.needle_remove(
        actor=user,
        session=s,
        version=data["version"],
        code=data["code"],
        side=data["side"],
        reason=data["reason"],
    )
    return Done(f"{needle.point.code} ({needle.get_side_display()}) out.", needle.session, needle)


def _retention(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    done = services.retention_start(
        actor=user,
        session=s,
        version=data["version"],
        minutes=data["minutes"],
        reason=data["reason"],
    )
    return Done(f"Retention started: {count_of(done.retention_minutes or 0, 'minute')}.", done)


def _extend(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    done = services.retention_extend(
        actor=user, session=s, version=data["version"], minutes=data["minutes"]
    )
    return Done(f"{count_of(data['minutes'], 'minute')} added.", done)


def _event(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    event = services.session_event_record(
        actor=user,
        session=s,
        version=data["version"],
        kind=data["kind"],
        note=data["note"],
        code=data["code"],
        side=data["side"],
    )
    return Done(f"Recorded: {event}.", event.session)


def _incident(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    incident = services.missing_needle_incident_file(
        actor=user,
        session=s,
        version=data["version"],
        searched_where=data["searched_where"],
        outcome=data["outcome"],
    )
    notice = f"Incident filed: {incident.needles_missing} needle(s) missing. The owner will see it."
    return Done(notice, incident.session)


def _aftercare(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> Done:
    done = services.aftercare_issue(actor=user, session=s, version=data["version"])
    return Done("Aftercare sheet issued.", done)


PAGE_ACTIONS: dict[str, PageAction] = {
    "check-in": PageAction(forms.CheckInForm, _check_in, states.CHECK_IN),
    "assess": PageAction(forms.AssessmentForm, _assess, states.ASSESS_SKIN),
    "cleanse": PageAction(
        forms.SessionForm,
        _step(services.session_cleanse, "Skin cleansed: tap each point as its needle goes in."),
        states.CLEANSE,
    ),
    "lot": PageAction(forms.LotForm, _lots, states.CHOOSE_LOT),
    "tap": PageAction(forms.TapForm, _tap, states.INSERT_NEEDLE),
    "take-out": PageAction(forms.TapForm, _take_out, states.REMOVE_NEEDLE),
    "retention": PageAction(forms.RetentionStartForm, _retention, states.START_RETENTION),
    "extend": PageAction(forms.RetentionExtendForm, _extend, states.EXTEND_RETENTION),
    "event": PageAction(forms.EventForm, _event, states.RECORD_EVENT),
    "incident": PageAction(forms.IncidentForm, _incident, states.FILE_INCIDENT),
    "moisturize": PageAction(
        forms.SessionForm,
        _step(services.session_moisturize, "Skin cleansed and moisturized."),
        states.MOISTURIZE,
    ),
    "aftercare": PageAction(forms.SessionForm, _aftercare, states.ISSUE_AFTERCARE),
    "complete": PageAction(
        forms.SessionForm,
        _step(
            services.session_complete,
            "Session complete: follow-ups at 24 hours and 7 days are scheduled.",
        ),
        states.COMPLETE_SESSION,
    ),
    "cancel": PageAction(
        forms.ReasonForm,
        _step(services.session_cancel, "Session cancelled.", "reason"),
        states.CANCEL,
    ),
    "abandon": PageAction(
        forms.ReasonForm,
        _step(services.session_abandon, "Session stopped.", "reason"),
        states.ABANDON,
    ),
}
