"""Turning a questionnaire page into inputs, and posted inputs back into raw answers."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.http import QueryDict

from acuface.intake.questionnaire import MEDICATION_ROWS_MAX, Choice, Question

EMPTY_MEDICATION_ROWS = 3


@dataclasses.dataclass
class FieldView:
    """One question as the template draws it: what is shown in the inputs, and its error."""

    question: Question
    raw: Any
    error: str = ""

    @property
    def name(self) -> str:
        return self.question.key

    @property
    def choices(self) -> list[tuple[Choice, bool]]:
        picked = self.raw if isinstance(self.raw, list) else [self.raw]
        return [(c, c.key in picked) for c in self.question.choices]

    @property
    def scale_points(self) -> list[tuple[int, bool]]:
        low, high = self.question.scale or (0, 0)
        return [(n, str(self.raw) == str(n)) for n in range(low, high + 1)]

    @property
    def medication_rows(self) -> list[tuple[int, str, str]]:
        rows = [r for r in (self.raw or []) if isinstance(r, Mapping)]
        limit = min(self.question.max_length or MEDICATION_ROWS_MAX, MEDICATION_ROWS_MAX)
        total = min(len(rows) + EMPTY_MEDICATION_ROWS, limit)
        padded = [*rows, *([{}] * (total - len(rows)))]
        return [(i, str(r.get("name", "")), str(r.get("dose", ""))) for i, r in enumerate(padded)]

    @property
    def show_if_json(self) -> str:
        cond = self.question.show_if
        if cond is None:
            return ""
        if cond.includes is not None:
            return f"{cond.question}~{cond.includes}"
        value = cond.equals
        text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        return f"{cond.question}={text}"


def raw_from_answer(question: Question, value: Any) -> Any:
    """A stored answer as the inputs show it."""
    if value is None:
        return [] if question.type in ("multi", "medications") else ""
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "number":
        return f"{value:g}" if isinstance(value, int | float) else str(value)
    return value


def raw_from_post(question: Question, data: QueryDict) -> Any:
    """What was typed or picked for one question, before any checking."""
    key = question.key
    if question.type == "multi":
        return data.getlist(key)
    if question.type == "medications":
        rows = []
        for index in range(MEDICATION_ROWS_MAX):
            name, dose = data.get(f"{key}__name_{index}"), data.get(f"{key}__dose_{index}")
            if name is None and dose is None:
                continue
            rows.append({"name": name or "", "dose": dose or ""})
        return rows
    return data.get(key, "")


def page_fields(
    questions: Iterable[Question],
    *,
    answers: Mapping[str, Any],
    posted: QueryDict | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[FieldView]:
    errors = errors or {}
    found = []
    for question in questions:
        raw = (
            raw_from_post(question, posted)
            if posted is not None
            else raw_from_answer(question, answers.get(question.key))
        )
        found.append(FieldView(question, raw, errors.get(question.key, "")))
    return found


def submitted_from_post(questions: Iterable[Question], data: QueryDict) -> dict[str, Any]:
    return {q.key: raw_from_post(q, data) for q in questions}


class LinkSendForm(forms.Form):
    email = forms.EmailField(
        label="Client's e-mail address",
        required=False,
        max_length=254,
        help_text="Leave empty to show a QR code on this screen instead.",
    )


class AcknowledgeForm(forms.Form):
    rule_id = forms.CharField(max_length=80)
    on = forms.DateField()
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
