"""Every write to intakes: versions, links, drafts, submit, the day's check, acknowledgements."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from acuface.clients.models import Client
from acuface.core.audit import audit_record
from acuface.core.models import AuditEvent, Clinic, User
from acuface.intake import selectors
from acuface.intake.models import FlagAcknowledgement, Intake, Questionnaire, RuleSet, TodayCheck
from acuface.intake.questionnaire import (
    SchemaError,
    check_answers,
    check_submission,
    parse_schema,
)
from acuface.intake.screening import RulesError, parse_rules

CLIENT_LABEL = "client (intake link)"


def _clinic_today(clinic: Clinic) -> dt.date:
    return timezone.localtime(timezone.now(), clinic.zone).date()


# --- clinic versions ----------------------------------------------------------------------------


def questionnaire_publish(
    *, actor: User, clinic: Clinic, schema: Mapping[str, Any], notes: str = ""
) -> Questionnaire:
    """Publish a clinic's own questionnaire version; it is used for intakes started from now on."""
    try:
        parsed = parse_schema(schema)
    except SchemaError as error:
        raise ValidationError({"schema": str(error)}) from None
    with transaction.atomic():
        based_on = selectors.questionnaire_current(clinic=clinic)
        last = Questionnaire.objects.filter(clinic=clinic).aggregate(v=Max("version"))["v"]
        row = Questionnaire(
            clinic=clinic,
            version=(last or 0) + 1,
            title=parsed.title,
            schema=dict(schema),
            notes=notes,
            based_on=based_on,
            published_by=actor,
        )
        row.full_clean()
        row.save()
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.CREATED,
            obj=row,
            actor=actor,
            changes={"version": [None, row.version], "based_on": [None, str(based_on)]},
        )
    return row


def ruleset_publish(
    *, actor: User, clinic: Clinic, rules: Mapping[str, Any], notes: str = ""
) -> RuleSet:
    """Publish a clinic's own screening rules; screening uses them from now on."""
    try:
        parse_rules(rules)
    except RulesError as error:
        raise ValidationError({"rules": str(error)}) from None
    with transaction.atomic():
        based_on = selectors.ruleset_current(clinic=clinic)
        last = RuleSet.objects.filter(clinic=clinic).aggregate(v=Max("version"))["v"]
        row = RuleSet(
            clinic=clinic,
            version=(last or 0) + 1,
            rules=dict(rules),
            notes=notes,
            based_on=based_on,
            published_by=actor,
        )
        row.full_clean()
        row.save()
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.CREATED,
            obj=row,
            actor=actor,
            changes={"version": [None, row.version], "based_on": [None, str(based_on)]},
        )
    return row


# --- links --------------------------------------------------------------------------------------


def intake_start(*, actor: User, client: Client) -> Intake:
    """Open an intake for the client (or reuse the open draft) with a fresh link expiry."""
    expires_at = timezone.now() + dt.timedelta(days=settings.INTAKE_LINK_DAYS)
    with transaction.atomic():
        draft = (
            Intake.objects.select_for_update()
            .filter(client=client, status=Intake.Status.DRAFT)
            .order_by("-created_at")
            .first()
        )
        if draft is not None:
            before = draft.link_expires_at
            draft.link_expires_at = expires_at
            draft.save(update_fields=["link_expires_at"])
            audit_record(
                clinic=client.clinic,
                action=AuditEvent.Action.UPDATED,
                obj=draft,
                actor=actor,
                client=client,
                changes={"link_expires_at": [before.isoformat(), expires_at.isoformat()]},
            )
            return draft
        intake = Intake(
            client=client,
            questionnaire=selectors.questionnaire_current(clinic=client.clinic),
            link_expires_at=expires_at,
            created_by=actor,
        )
        intake.full_clean()
        intake.save()
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.CREATED,
            obj=intake,
            actor=actor,
            client=client,
            changes={"questionnaire": [None, str(intake.questionnaire)]},
        )
    return intake


def intake_link_send(*, actor: User, intake: Intake, email: str, link_url: str) -> Intake:
    """E-mail the client their link."""
    if intake.is_submitted:
        raise ValidationError("This intake is already submitted; start a new one.")
    email = email.strip()
    if not email:
        raise ValidationError({"email": "The client has no e-mail address: show the QR code."})
    clinic = intake.client.clinic
    expires = timezone.localtime(intake.link_expires_at, clinic.zone)
    body = (
        f"Hello {intake.client.first_name},\n\n"
        f"Before your facial acupuncture, {clinic.name} would like to ask a few questions "
        "about your health. It takes about 10 minutes on your phone, and you can stop and carry "
        "on later: your answers are saved as you go.\n\n"
        f"{link_url}\n\n"
        f"The link works until {expires:%-d %B %Y, %H:%M} and only for you. "
        "Please do not forward it.\n\n"
        f"{clinic.name}"
    )
    with transaction.atomic():
        try:
            send_mail(
                subject=f"{clinic.name}: your health questions",
                message=body,
                from_email=None,
                recipient_list=[email],
            )
        except (OSError, smtplib.SMTPException):
            raise ValidationError(
                "The e-mail could not be sent just now: show the client the QR code instead."
            ) from None
        intake.link_sent_at = timezone.now()
        intake.link_sent_to = email
        intake.full_clean()
        intake.save(update_fields=["link_sent_at", "link_sent_to"])
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.SENT,
            obj=intake,
            actor=actor,
            client=intake.client,
            changes={"link_sent_to": [None, email]},
        )
    return intake


# --- the client filling in ----------------------------------------------------------------------


def _locked_draft(intake: Intake) -> Intake:
    locked = Intake.objects.select_for_update().select_related("questionnaire", "client__clinic")
    found = locked.get(pk=intake.pk)
    if found.is_submitted:
        raise ValidationError(
            "These answers were already sent and cannot be changed. "
            "Ask the clinic for a new form if something has changed.",
            code="submitted",
        )
    return found


def intake_draft_save(
    *,
    intake: Intake,
    section_index: int,
    submitted: Mapping[str, Any],
    move_to: int | None = None,
    require: bool = False,
) -> tuple[Intake, dict[str, str]]:
    """Save one page of answers (every valid answer is kept, even when another is wrong).

    Returns the intake and the errors per question. The page moves to `move_to` only when
    there are no errors.
    """
    with transaction.atomic():
        draft = _locked_draft(intake)
        schema = selectors.schema_of(draft.questionnaire)
        if not 0 <= section_index < len(schema.sections):
            raise ValidationError("There is no such page.")
        section = schema.sections[section_index]
        cleaned, errors = check_answers(
            section.questions,
            submitted,
            context=draft.answers,
            today=_clinic_today(draft.client.clinic),
            require=require,
        )
        answers = dict(draft.answers)
        for key, value in cleaned.items():
            if value is None:
                answers.pop(key, None)
            else:
                answers[key] = value
        before = {"answered": len(draft.answers), "section_index": draft.section_index}
        draft.answers = answers
        if move_to is not None and not errors:
            draft.section_index = max(0, min(move_to, len(schema.sections)))
        draft.last_saved_at = timezone.now()
        draft.save(update_fields=["answers", "section_index", "last_saved_at"])
        after = {"answered": len(answers), "section_index": draft.section_index}
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        # Autosaves while typing would flood the log: audit when a page or the answer count changes.
        if changes:
            audit_record(
                clinic=draft.client.clinic,
                action=AuditEvent.Action.UPDATED,
                obj=draft,
                actor_label=CLIENT_LABEL,
                client=draft.client,
                changes=changes,
            )
    return draft, errors


def intake_submit(*, intake: Intake) -> Intake:
    """Submit the intake once; afterwards the client cannot change it."""
    with transaction.atomic():
        draft = _locked_draft(intake)
        clinic = draft.client.clinic
        today = _clinic_today(clinic)
        schema = selectors.schema_of(draft.questionnaire)
        cleaned, errors = check_submission(schema, draft.answers, today=today)
        if errors:
            raise ValidationError(errors)
        draft.answers = cleaned
        draft.status = Intake.Status.SUBMITTED
        draft.submitted_at = timezone.now()
        draft.valid_until = today + dt.timedelta(days=settings.INTAKE_VALID_DAYS)
        draft.full_clean()
        draft.save(update_fields=["answers", "status", "submitted_at", "valid_until"])
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.SUBMITTED,
            obj=draft,
            actor_label=CLIENT_LABEL,
            client=draft.client,
            changes={
                "status": ["draft", "submitted"],
                "valid_until": [None, str(draft.valid_until)],
            },
        )
    return draft


# --- at the visit -------------------------------------------------------------------------------


def today_check_record(
    *, actor: User, client: Client, on: dt.date, answers: Mapping[str, Any]
) -> TodayCheck:
    """Record the day's check (asked at every visit); recording it again that day replaces it."""
    intake = selectors.latest_valid_intake(client=client, on=on)
    questionnaire = (
        intake.questionnaire if intake else selectors.questionnaire_current(clinic=client.clinic)
    )
    schema = selectors.schema_of(questionnaire)
    cleaned, errors = check_answers(
        schema.today_check.questions, answers, context={}, today=on, require=True
    )
    if errors:
        raise ValidationError(errors)
    stored = {k: v for k, v in cleaned.items() if v is not None}
    with transaction.atomic():
        check = TodayCheck.objects.select_for_update().filter(client=client, on=on).first()
        before = dict(check.answers) if check else None
        if check is None:
            check = TodayCheck(client=client, on=on)
        check.intake = intake
        check.answers = stored
        check.recorded_by = actor
        check.recorded_at = timezone.now()
        check.full_clean(validate_constraints=False)
        check.save()
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.CREATED if before is None else AuditEvent.Action.UPDATED,
            obj=check,
            actor=actor,
            client=client,
            changes={"answers": [before, stored]},
        )
    return check


def flag_acknowledge(
    *, actor: User, intake: Intake, rule_id: str, on: dt.date, note: str = ""
) -> FlagAcknowledgement:
    """Record that the practitioner has read a defer or caution flag raised for `on`."""
    if not actor.sees_clinical:
        raise ValidationError("Only clinical staff acknowledge flags.")
    today = selectors.today_check_for(client=intake.client, on=on)
    result = selectors.screening_for_intake(intake=intake, on=on, today_check=today)
    flag = next((f for f in result.flags_to_acknowledge if f.rule_id == rule_id), None)
    if flag is None:
        raise ValidationError("That flag is not raised for this intake on this day.")
    link_today = today if selectors.flag_is_from_today(flag) else None
    note = note.strip()
    if len(note) > 2000:
        raise ValidationError({"note": "Please keep the note under 2000 characters."})
    with transaction.atomic():
        existing = FlagAcknowledgement.objects.filter(
            intake=intake, today_check=link_today, rule_id=rule_id
        ).first()
        if existing is not None:
            return existing
        ack = FlagAcknowledgement(
            intake=intake,
            today_check=link_today,
            rule_id=rule_id,
            level=flag.level,
            message=flag.message,
            note=note,
            acknowledged_by=actor,
        )
        ack.full_clean(validate_constraints=False)
        ack.save()
        audit_record(
            clinic=intake.client.clinic,
            action=AuditEvent.Action.ACKNOWLEDGED,
            obj=ack,
            actor=actor,
            client=intake.client,
            changes={"rule_id": [None, rule_id], "level": [None, flag.level], "note": [None, note]},
        )
    return ack
