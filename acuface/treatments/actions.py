"""What each button on the session page posts: its form, the one service it calls, what it says.

The session page has one POST endpoint (`act/<action>/`); this table keeps its view thin and
makes sure every button goes through the same services as everything else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from acuface.core.models import User
from acuface.treatments import forms, services, states
from acuface.treatments.models import TreatmentSession

Run = Callable[[User, TreatmentSession, dict[str, Any], Any], str]


@dataclasses.dataclass(frozen=True)
class PageAction:
    form: type[forms.SessionForm]
    run: Run  # calls the service; returns the message to show
    step: str  # the state machine's action: the page shows the form only when it is legal


def _check_in(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.session_check_in(
        actor=user,
        session=s,
        version=data["version"],
        defer_override_reason=data["defer_override_reason"],
    )
    return "Checked in."


def _assess(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.session_assess_skin(
        actor=user,
        session=s,
        version=data["version"],
        fitzpatrick=data["fitzpatrick"],
        glogau=data["glogau"],
        region_grades=form.region_grades(),
        notes=data["notes"],
    )
    return "Skin assessment recorded."


def _cleanse(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.session_cleanse(actor=user, session=s, version=data["version"])
    return "Skin cleansed: tap each point as its needle goes in."


def _lot(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.session_lot_choose(actor=user, session=s, version=data["version"], lot=data["lot"])
    return f"Needles now come from lot {data['lot'].lot_number}."


def _tap(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    """A tap on the chart: a needle in while needling, a needle out from retention on."""
    where = {"code": data["code"], "side": data["side"]}
    if s.state in (states.RETENTION, states.REMOVAL):
        needle = services.needle_remove(
            actor=user, session=s, version=data["version"], reason=data["reason"], **where
        )
        return f"{needle.point.code} ({needle.get_side_display()}) out."
    needle = services.needle_insert(actor=user, session=s, version=data["version"], **where)
    return f"{needle.point.code} ({needle.get_side_display()}) in, lot {needle.lot.lot_number}."


def _take_out(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    needle = services.needle_remove(
        actor=user,
        session=s,
        version=data["version"],
        code=data["code"],
        side=data["side"],
        reason=data["reason"],
    )
    return f"{needle.point.code} ({needle.get_side_display()}) out."


def _retention(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    started = services.retention_start(
        actor=user,
        session=s,
        version=data["version"],
        minutes=data["minutes"],
        reason=data["reason"],
    )
    return f"Retention started: {started.retention_minutes} minutes."


def _extend(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.retention_extend(
        actor=user, session=s, version=data["version"], minutes=data["minutes"]
    )
    return f"{data['minutes']} minutes added."


def _event(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    event = services.session_event_record(
        actor=user,
        session=s,
        version=data["version"],
        kind=data["kind"],
        note=data["note"],
        code=data["code"],
        side=data["side"],
    )
    return f"Recorded: {event}."


def _incident(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    incident = services.missing_needle_incident_file(
        actor=user,
        session=s,
        version=data["version"],
        searched_where=data["searched_where"],
        outcome=data["outcome"],
    )
    return f"Incident filed: {incident.needles_missing} needle(s) missing. The owner will see it."


def _moisturize(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.session_moisturize(actor=user, session=s, version=data["version"])
    return "Skin cleansed and moisturized."


def _aftercare(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.aftercare_issue(
        actor=user, session=s, version=data["version"], next_session_at=data["next_session_at"]
    )
    return "Aftercare sheet issued."


def _complete(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.session_complete(actor=user, session=s, version=data["version"])
    return "Session complete: follow-ups at 24 hours and 7 days are scheduled."


def _cancel(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.session_cancel(actor=user, session=s, version=data["version"], reason=data["reason"])
    return "Session cancelled."


def _abandon(user: User, s: TreatmentSession, data: dict[str, Any], form: Any) -> str:
    services.session_abandon(actor=user, session=s, version=data["version"], reason=data["reason"])
    return "Session stopped."


PAGE_ACTIONS: dict[str, PageAction] = {
    "check-in": PageAction(forms.CheckInForm, _check_in, states.CHECK_IN),
    "assess": PageAction(forms.AssessmentForm, _assess, states.ASSESS_SKIN),
    "cleanse": PageAction(forms.SessionForm, _cleanse, states.CLEANSE),
    "lot": PageAction(forms.LotForm, _lot, states.CHOOSE_LOT),
    "tap": PageAction(forms.TapForm, _tap, states.INSERT_NEEDLE),
    "take-out": PageAction(forms.TapForm, _take_out, states.REMOVE_NEEDLE),
    "retention": PageAction(forms.RetentionStartForm, _retention, states.START_RETENTION),
    "extend": PageAction(forms.RetentionExtendForm, _extend, states.EXTEND_RETENTION),
    "event": PageAction(forms.EventForm, _event, states.RECORD_EVENT),
    "incident": PageAction(forms.IncidentForm, _incident, states.FILE_INCIDENT),
    "moisturize": PageAction(forms.SessionForm, _moisturize, states.MOISTURIZE),
    "aftercare": PageAction(forms.AftercareForm, _aftercare, states.ISSUE_AFTERCARE),
    "complete": PageAction(forms.SessionForm, _complete, states.COMPLETE_SESSION),
    "cancel": PageAction(forms.ReasonForm, _cancel, states.CANCEL),
    "abandon": PageAction(forms.ReasonForm, _abandon, states.ABANDON),
}
