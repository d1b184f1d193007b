"""The side-effect catalogue as data, and the small pure functions that read it.

Nothing here touches the database: check-in answers go in, adverse-event findings come out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "side_effects.json"

MILD, MODERATE, SEVERE = "mild", "moderate", "severe"
GRADES = (MILD, MODERATE, SEVERE)
DAY_1, DAY_7 = "24h", "7d"

# Sending: a failed e-mail is tried again after 5, 10, 20, 40, 80 minutes, then given up
# (the follow-up goes to the call list).
MAX_SEND_ATTEMPTS = 6
FIRST_RETRY = dt.timedelta(minutes=5)
MAX_RETRY = dt.timedelta(hours=6)
# A claim older than this with no "sent" mark is shown as unconfirmed: never resent by itself.
UNCONFIRMED_AFTER = dt.timedelta(minutes=15)
CALL_AFTER = dt.timedelta(hours=48)
LINK_DAYS = 14

# The client's questions. Each is answered by the client or the check-in is refused: no default
# ever stands in for an answer. Pain is one of 0..10; a symptom is True (yes) or False (no), or
# NOT_SURE where a client can honestly not tell (a faint mark, a spot of blood); a sign list is
# the signs ticked, [] when the client ticked "None of these".
PAIN_SCALE = range(11)
NOT_SURE = "not_sure"
SYMPTOM_QUESTIONS = ("bruising", "bleeding", "rash", "nausea", "dizziness")
NOT_SURE_ALLOWED = frozenset({"bruising", "bleeding", "rash"})
SIGN_QUESTIONS = {"allergy_signs": "allergy", "infection_signs": "infection"}
MAKEUP_ANSWERS = ("yes", "no", "none")
ASK_AGAIN = {
    "pain": "Choose a number from 0 (no pain) to 10.",
    "symptom": "Please answer yes or no.",
    "symptom_not_sure": "Please answer yes, no or not sure.",
    "signs": "Tick the signs you have, or “None of these”.",
    "signs_and_none": "Tick either “None of these” or the signs you have, not both.",
    "makeup": "Please choose one answer.",
}


@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, Any]:
    """The side-effect catalogue (types, expected course, escalation rules, published rates)."""
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def kind_choices() -> list[tuple[str, str]]:
    return [(key, entry["label"]) for key, entry in catalogue()["kinds"].items()]


def kind_label(kind: str) -> str:
    entry = catalogue()["kinds"].get(kind)
    return entry["label"] if entry else kind


def expected_course(kind: str) -> str:
    entry = catalogue()["kinds"].get(kind)
    return entry["expected_course"] if entry else ""


def published_percent(kind: str) -> float | None:
    entry = catalogue()["kinds"].get(kind)
    value = entry.get("published_percent") if entry else None
    return float(value) if value is not None else None


def adverse_kind_for_session_event(session_event_kind: str) -> str | None:
    """The adverse-event type a couch event becomes, or None (e.g. "asked to stop")."""
    mapped: str | None = catalogue()["session_event_kinds"].get(session_event_kind)
    return mapped


def stage_at(elapsed: dt.timedelta, schedule: Mapping[str, dt.timedelta]) -> str:
    """The latest follow-up whose time has come `elapsed` after the needles came out.

    "" before the first one. A problem reported between check-ins is judged as that check-in
    would judge it (pain at hour 3 is expected; the same pain on day 3 is off course).
    """
    reached = [
        kind for kind, after in sorted(schedule.items(), key=lambda kv: kv[1]) if elapsed >= after
    ]
    return reached[-1] if reached else ""


@dataclasses.dataclass(frozen=True)
class Finding:
    """One adverse event read from a check-in's answers."""

    kind: str
    grade: str
    off_course: str  # why it is off its expected course; "" when it is not
    locations: tuple[tuple[str, str], ...] = ()
    detail: str = ""


def off_course_reason(
    *, kind: str, grade: str, follow_up_kind: str, pain: int | None = None
) -> str:
    """Why an event is off its expected course (and must be escalated), or ""."""
    data = catalogue()
    rules = data["rules"]
    entry = data["kinds"].get(kind, {})
    if grade in rules["escalate_grades"]:
        return f"{kind_label(kind)}, graded {grade}."
    if entry.get("always_escalate"):
        return f"{kind_label(kind)}: {entry['escalate_when']}"
    pain_limit = rules["pain_escalate_from"].get(follow_up_kind)
    if kind == "pain" and pain is not None and pain_limit is not None and pain >= pain_limit:
        when = "24 hours" if follow_up_kind == DAY_1 else "7 days"
        return f"Pain {pain}/10 at {when} or later (expected to settle within 24 hours)."
    if kind == "bruising" and follow_up_kind in rules["bruise_escalates_at"]:
        return "Bruise still there at 7 days or later (expected to fade within 7 days)."
    return ""


def pain_of(answers: Mapping[str, Any]) -> int | None:
    """The pain the client chose (0..10), or None when there is no such choice in `answers`."""
    value = answers.get("pain")
    if isinstance(value, bool) or not isinstance(value, int) or value not in PAIN_SCALE:
        return None
    return value


def symptom_of(answers: Mapping[str, Any], question: str) -> bool | None:
    """True for the client's yes, False for their no; None for not sure or no answer."""
    value = answers.get(question)
    return value if isinstance(value, bool) else None


def signs_of(answers: Mapping[str, Any], question: str) -> list[str] | None:
    """The known signs the client ticked ([] for "None of these"); None when not answered."""
    value = answers.get(question)
    if not isinstance(value, list):
        return None
    return [s for s in value if s in catalogue()[question]]


def unanswered(answers: Mapping[str, Any], *, asks_makeup: bool) -> dict[str, str]:
    """The questions `answers` gives no explicit answer to, each with what to ask the client."""
    problems: dict[str, str] = {}
    if pain_of(answers) is None:
        problems["pain"] = ASK_AGAIN["pain"]
    for question in SYMPTOM_QUESTIONS:
        value = answers.get(question)
        not_sure = question in NOT_SURE_ALLOWED
        if not isinstance(value, bool) and not (not_sure and value == NOT_SURE):
            problems[question] = ASK_AGAIN["symptom_not_sure" if not_sure else "symptom"]
    for question in SIGN_QUESTIONS:
        value = answers.get(question)
        if not isinstance(value, list) or value != signs_of(answers, question):
            problems[question] = ASK_AGAIN["signs"]
    if asks_makeup and answers.get("makeup_waited") not in MAKEUP_ANSWERS:
        problems["makeup_waited"] = ASK_AGAIN["makeup"]
    return problems


def kinds_said_absent(answers: Mapping[str, Any]) -> set[str]:
    """The event types the client explicitly said they do not have (pain 0, a no, no signs).

    Only these may close an open event: "not sure" or a missing answer closes nothing.
    """
    absent = {q for q in SYMPTOM_QUESTIONS if symptom_of(answers, q) is False}
    if pain_of(answers) == 0:
        absent.add("pain")
    for question, kind in SIGN_QUESTIONS.items():
        if signs_of(answers, question) == []:
            absent.add(kind)
    return absent


def _grade_pain(pain: int) -> str:
    return MODERATE if pain >= catalogue()["rules"]["pain_moderate_from"] else MILD


def findings_from_answers(
    answers: Mapping[str, Any], *, follow_up_kind: str, earlier_pain: int | None = None
) -> list[Finding]:
    """The adverse events a client's check-in answers report, each with its course verdict.

    `earlier_pain` is the pain the client reported at the previous check-in, if any: pain that
    is rising is off course whatever its level. Only explicit answers count: a pain that is not
    one of 0..10, a "not sure" or a missing answer reports nothing.
    """
    data = catalogue()
    found: list[Finding] = []
    before = pain_of({"pain": earlier_pain})

    def add(kind: str, grade: str, *, pain: int | None = None, **extra: Any) -> None:
        reason = off_course_reason(kind=kind, grade=grade, follow_up_kind=follow_up_kind, pain=pain)
        rising = kind == "pain" and pain is not None and before is not None and pain > before
        if not reason and rising:
            reason = f"Pain rising: {before}/10 before, {pain}/10 now."
        found.append(Finding(kind=kind, grade=grade, off_course=reason, **extra))

    pain = pain_of(answers)
    if pain:
        add("pain", _grade_pain(pain), pain=pain, detail=f"{pain}/10")
    if symptom_of(answers, "bruising") is True:
        where = tuple((str(c), str(s)) for c, s in answers.get("bruise_points") or [])
        size, colour = answers.get("bruise_size", ""), answers.get("bruise_colour", "")
        add("bruising", MILD, locations=where, detail=", ".join(x for x in (size, colour) if x))
    for kind in ("bleeding", "rash", "nausea", "dizziness"):
        if symptom_of(answers, kind) is True:
            add(kind, MILD)
    allergy = signs_of(answers, "allergy_signs") or []
    if allergy:
        severe = any(s in data["severe_allergy_signs"] for s in allergy)
        add("allergy", SEVERE if severe else MODERATE, detail=", ".join(allergy))
    infection = signs_of(answers, "infection_signs") or []
    if infection:
        severe = any(s in data["severe_infection_signs"] for s in infection)
        add("infection", SEVERE if severe else MODERATE, detail=", ".join(infection))
    return found


def advice_for(answers: Mapping[str, Any]) -> list[str]:
    """Advice the client must see at once: emergency first, then see-a-doctor."""
    shown = []
    if signs_of(answers, "allergy_signs"):
        shown.append("emergency")
    if signs_of(answers, "infection_signs"):
        shown.append("see_doctor")
    return shown


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after the `attempts`-th failed send: 5 min, doubling, at most 6 hours."""
    delay: dt.timedelta = FIRST_RETRY * (2 ** max(0, attempts - 1))
    return min(delay, MAX_RETRY)


@dataclasses.dataclass(frozen=True)
class Rate:
    """A proportion with its 95% Wilson score interval, as percentages."""

    events: int
    sessions: int
    percent: float | None
    low: float | None
    high: float | None


def wilson_interval(events: int, trials: int, *, z: float = 1.959963984540054) -> Rate:
    """The Wilson score interval of events/trials (percent); None figures when trials is 0."""
    if trials < 0 or events < 0 or events > trials:
        raise ValueError(f"impossible proportion {events}/{trials}")
    if trials == 0:
        return Rate(events, trials, None, None, None)
    p = events / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return Rate(
        events, trials, 100 * p, 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)
    )


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A spreadsheet cannot run a cell as a formula: text starting like one gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values: Sequence[Any]) -> list[Any]:
    return [csv_safe(v) for v in values]
