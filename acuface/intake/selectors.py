"""Reads of intakes and screening that other apps call (check-in, the plan, aftercare)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core import signing
from django.utils import timezone

from acuface.clients.models import Client
from acuface.core.models import Clinic
from acuface.intake.loading import defaults_ensure
from acuface.intake.models import FlagAcknowledgement, Intake, Questionnaire, RuleSet, TodayCheck
from acuface.intake.questionnaire import Question, Schema, Section, answer_display, parse_schema
from acuface.intake.screening import Flag, RuleBook, ScreeningResult, parse_rules, screen

LINK_SALT = "acuface.intake.link"
CONCERN_KEYS = (
    "forehead_lines",
    "frown_lines",
    "crows_feet",
    "under_eye",
    "nasolabial_folds",
    "jowls_marionette",
    "jaw_tension",
    "dull_complexion",
)


def questionnaire_current(*, clinic: Clinic) -> Questionnaire:
    """The clinic's own newest version, else Acuface's newest."""
    own = Questionnaire.objects.filter(clinic=clinic).order_by("-version").first()
    chosen = own or Questionnaire.objects.filter(clinic__isnull=True).order_by("-version").first()
    if chosen is None:
        defaults_ensure()
        chosen = Questionnaire.objects.filter(clinic__isnull=True).order_by("-version").first()
    if chosen is None:
        raise Questionnaire.DoesNotExist("No questionnaire is published; run migrate.")
    return chosen


def ruleset_current(*, clinic: Clinic) -> RuleSet:
    """The clinic's own newest rules, else Acuface's newest."""
    own = RuleSet.objects.filter(clinic=clinic).order_by("-version").first()
    chosen = own or RuleSet.objects.filter(clinic__isnull=True).order_by("-version").first()
    if chosen is None:
        defaults_ensure()
        chosen = RuleSet.objects.filter(clinic__isnull=True).order_by("-version").first()
    if chosen is None:
        raise RuleSet.DoesNotExist("No screening rules are published; run migrate.")
    return chosen


def schema_of(questionnaire: Questionnaire) -> Schema:
    return parse_schema(questionnaire.schema)


def rulebook_for(*, clinic: Clinic) -> RuleBook:
    return parse_rules(ruleset_current(clinic=clinic).rules)


# --- links ------------------------------------------------------------------------------------


def intake_link_token(intake: Intake) -> str:
    """The signed part of a client's link: names one intake, and cannot be altered."""
    return signing.Signer(salt=LINK_SALT).sign(f"{intake.pk}.{intake.link_nonce}")


@dataclasses.dataclass(frozen=True)
class LinkCheck:
    intake: Intake | None
    problem: str  # "" when the link may be used; else "tampered", "expired" or "used"


def intake_from_link(token: str, *, now: dt.datetime | None = None) -> LinkCheck:
    """The intake a client's link opens, or why it cannot be opened."""
    try:
        value = signing.Signer(salt=LINK_SALT).unsign(token)
        pk_text, nonce = value.split(".", 1)
        pk = int(pk_text)
    except (signing.BadSignature, ValueError):
        return LinkCheck(None, "tampered")
    intake = (
        Intake.objects.select_related("client__clinic", "questionnaire")
        .filter(pk=pk, link_nonce=nonce)
        .first()
    )
    if intake is None:
        return LinkCheck(None, "tampered")
    if intake.is_submitted:
        return LinkCheck(intake, "used")
    if intake.link_expires_at <= (now or timezone.now()):
        return LinkCheck(intake, "expired")
    return LinkCheck(intake, "")


# --- intakes and screening --------------------------------------------------------------------


def latest_valid_intake(*, client: Client, on: dt.date) -> Intake | None:
    """The newest submitted intake still valid on `on`."""
    return (
        Intake.objects.filter(
            client=client,
            status=Intake.Status.SUBMITTED,
            valid_until__gte=on,
            submitted_at__date__lte=on,
        )
        .select_related("questionnaire", "client__clinic")
        .order_by("-submitted_at", "-id")
        .first()
    )


def today_check_for(*, client: Client, on: dt.date) -> TodayCheck | None:
    return TodayCheck.objects.filter(client=client, on=on).first()


def screening_for_intake(
    *, intake: Intake, on: dt.date, today_check: TodayCheck | None = None
) -> ScreeningResult:
    return screen(
        schema=schema_of(intake.questionnaire),
        book=rulebook_for(clinic=intake.client.clinic),
        answers=intake.answers,
        on=on,
        today_answers=today_check.answers if today_check is not None else None,
    )


def screening_for_client(*, client: Client, on: dt.date) -> ScreeningResult | None:
    """Screening from the latest valid intake plus that day's check; None without a valid intake."""
    intake = latest_valid_intake(client=client, on=on)
    if intake is None:
        return None
    return screening_for_intake(
        intake=intake, on=on, today_check=today_check_for(client=client, on=on)
    )


def flag_is_from_today(flag: Flag) -> bool:
    return any(key.startswith("today_") for key in flag.triggered_by)


def unacknowledged_flags(
    *, intake: Intake, result: ScreeningResult, today_check: TodayCheck | None
) -> tuple[Flag, ...]:
    """Defer and caution flags no practitioner has acknowledged yet."""
    acks = FlagAcknowledgement.objects.filter(intake=intake)
    from_intake = {a.rule_id for a in acks if a.today_check_id is None}
    from_today = {
        a.rule_id for a in acks if today_check is not None and a.today_check_id == today_check.pk
    }
    missing = []
    for flag in result.flags_to_acknowledge:
        done = from_today if flag_is_from_today(flag) and today_check else from_intake
        if flag.rule_id not in done:
            missing.append(flag)
    return tuple(missing)


@dataclasses.dataclass(frozen=True)
class IntakeStatus:
    has_valid_intake: bool
    intake: Intake | None
    valid_until: dt.date | None
    unacknowledged: tuple[Flag, ...]
    has_defer: bool
    open_draft: Intake | None

    @property
    def expires_on(self) -> dt.date | None:
        return self.valid_until

    @property
    def is_clear_to_treat(self) -> bool:
        return self.has_valid_intake and not self.unacknowledged and not self.has_defer


def intake_status(*, client: Client, on: dt.date) -> IntakeStatus:
    """Has the client a valid intake on `on`, until when, and what is still to acknowledge."""
    intake = latest_valid_intake(client=client, on=on)
    draft = (
        Intake.objects.filter(client=client, status=Intake.Status.DRAFT)
        .order_by("-created_at")
        .first()
    )
    if intake is None:
        return IntakeStatus(False, None, None, (), False, draft)
    today = today_check_for(client=client, on=on)
    result = screening_for_intake(intake=intake, on=on, today_check=today)
    return IntakeStatus(
        has_valid_intake=True,
        intake=intake,
        valid_until=intake.valid_until,
        unacknowledged=unacknowledged_flags(intake=intake, result=result, today_check=today),
        has_defer=result.has_defer,
        open_draft=draft,
    )


def latest_submitted_intake(*, client: Client) -> Intake | None:
    return (
        Intake.objects.filter(client=client, status=Intake.Status.SUBMITTED)
        .select_related("questionnaire")
        .order_by("-submitted_at", "-id")
        .first()
    )


def concerns_for_client(*, client: Client) -> list[tuple[str, int | None]]:
    """(concern key, self-rated severity 1 to 5) from the latest submitted intake."""
    intake = latest_submitted_intake(client=client)
    if intake is None:
        return []
    chosen = intake.answers.get("concerns") or []
    found: list[tuple[str, int | None]] = []
    for key in CONCERN_KEYS:
        if key in chosen:
            severity = intake.answers.get(f"concern_{key}_severity")
            found.append((key, severity if isinstance(severity, int) else None))
    return found


def intakes_of_client(*, client: Client) -> list[Intake]:
    return list(
        Intake.objects.filter(client=client)
        .select_related("questionnaire")
        .order_by("-created_at", "-id")
    )


# --- for the review page ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AnsweredQuestion:
    question: Question
    value: Any
    display: str


def answers_by_section(*, intake: Intake) -> list[tuple[Section, list[AnsweredQuestion]]]:
    schema = schema_of(intake.questionnaire)
    found = []
    for section in schema.sections:
        rows = [
            AnsweredQuestion(
                q, intake.answers.get(q.key), answer_display(q, intake.answers.get(q.key))
            )
            for q in section.shown(intake.answers)
        ]
        found.append((section, rows))
    return found


@dataclasses.dataclass(frozen=True)
class AnswerChange:
    label: str
    before: str
    after: str


def previous_intake(*, intake: Intake) -> Intake | None:
    if intake.submitted_at is None:
        return None
    return (
        Intake.objects.filter(
            client_id=intake.client_id,
            status=Intake.Status.SUBMITTED,
            submitted_at__lt=intake.submitted_at,
        )
        .select_related("questionnaire")
        .order_by("-submitted_at")
        .first()
    )


def changes_since_previous(*, intake: Intake) -> tuple[Intake | None, list[AnswerChange]]:
    """What the client answered differently from their previous submitted intake."""
    before = previous_intake(intake=intake)
    if before is None:
        return None, []
    schema = schema_of(intake.questionnaire)
    old_schema = schema_of(before.questionnaire)
    changes = []
    for key, question in schema.questions.items():
        if key.startswith("today_"):
            continue
        old_q = old_schema.questions.get(key, question)
        old = answer_display(old_q, before.answers.get(key))
        new = answer_display(question, intake.answers.get(key))
        if old != new:
            changes.append(AnswerChange(question.label, old, new))
    return before, changes


def acknowledgements_of(*, intake: Intake) -> list[FlagAcknowledgement]:
    return list(FlagAcknowledgement.objects.filter(intake=intake).select_related("acknowledged_by"))


@dataclasses.dataclass(frozen=True)
class RecentIntake:
    intake: Intake
    defer: int
    caution: int
    unacknowledged: int


def recent_intakes(
    *, clinic: Clinic, on: dt.date, days: int = 30, limit: int = 50
) -> list[RecentIntake]:
    """Intakes submitted in the last `days`, newest first, with their flag counts for `on`."""
    since = on - dt.timedelta(days=days)
    intakes = list(
        Intake.objects.filter(
            client__clinic=clinic, status=Intake.Status.SUBMITTED, submitted_at__date__gte=since
        )
        .select_related("client", "questionnaire")
        .order_by("-submitted_at")[:limit]
    )
    book = rulebook_for(clinic=clinic)
    schemas: dict[int, Schema] = {}
    acked: dict[int, set[str]] = {}
    for ack in FlagAcknowledgement.objects.filter(intake__in=intakes, today_check__isnull=True):
        acked.setdefault(ack.intake_id, set()).add(ack.rule_id)
    found = []
    for intake in intakes:
        schema = schemas.setdefault(intake.questionnaire_id, schema_of(intake.questionnaire))
        result = screen(schema=schema, book=book, answers=intake.answers, on=on)
        levels = [f.level for f in result.flags]
        open_flags = [
            f for f in result.flags_to_acknowledge if f.rule_id not in acked.get(intake.pk, set())
        ]
        found.append(
            RecentIntake(intake, levels.count("defer"), levels.count("caution"), len(open_flags))
        )
    return found


def intake_counts(*, clinic: Clinic) -> dict[str, int]:
    """For the dashboard: links still open, and intakes submitted in the last 7 days."""
    now = timezone.now()
    drafts = Intake.objects.filter(
        client__clinic=clinic, status=Intake.Status.DRAFT, link_expires_at__gt=now
    )
    submitted = Intake.objects.filter(
        client__clinic=clinic,
        status=Intake.Status.SUBMITTED,
        submitted_at__gte=now - dt.timedelta(days=7),
    )
    return {"open_links": drafts.count(), "submitted_week": submitted.count()}
