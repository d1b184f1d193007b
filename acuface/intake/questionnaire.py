"""The questionnaire as data: parsing a version's schema and checking answers against it.

Pure Python, no ORM. Answers are JSON values keyed by question key:
yes_no → bool; single → choice key; multi → list of choice keys; number → int or float;
date → "YYYY-MM-DD"; scale_0_10 / scale_1_5 → int; text → str;
medications → list of {"name": str, "dose": str}.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

QUESTION_TYPES = (
    "yes_no",
    "single",
    "multi",
    "number",
    "date",
    "scale_0_10",
    "scale_1_5",
    "text",
    "medications",
)
SCALES = {"scale_0_10": (0, 10), "scale_1_5": (1, 5)}
TEXT_MAX = 2000
MEDICATION_ROWS_MAX = 20
MEDICATION_FIELD_MAX = 120
EARLIEST_DATE = dt.date(1900, 1, 1)


class SchemaError(ValueError):
    """A questionnaire file that cannot be used (unknown type, missing choices, bad reference)."""


@dataclasses.dataclass(frozen=True)
class Choice:
    key: str
    label: str


@dataclasses.dataclass(frozen=True)
class Condition:
    """Show a question only when another answer equals a value or (multi) includes one."""

    question: str
    equals: Any = None
    includes: str | None = None

    def holds(self, answers: Mapping[str, Any]) -> bool:
        value = answers.get(self.question)
        if self.includes is not None:
            return isinstance(value, list) and self.includes in value
        return value is not None and value == self.equals


@dataclasses.dataclass(frozen=True)
class Question:
    key: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    unit: str = ""
    not_future: bool = False
    must_be: bool | None = None
    max_length: int | None = None
    show_if: Condition | None = None
    constitution_type: str = ""
    constitution_reverse: bool = False

    def is_shown(self, answers: Mapping[str, Any]) -> bool:
        return self.show_if is None or self.show_if.holds(answers)

    def choice_label(self, key: str) -> str:
        for choice in self.choices:
            if choice.key == key:
                return choice.label
        return key

    @property
    def choice_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.choices)

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.type)


@dataclasses.dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    questions: tuple[Question, ...]

    def shown(self, answers: Mapping[str, Any]) -> list[Question]:
        return [q for q in self.questions if q.is_shown(answers)]


@dataclasses.dataclass(frozen=True)
class Schema:
    title: str
    sections: tuple[Section, ...]
    today_check: Section

    @property
    def questions(self) -> dict[str, Question]:
        found = {q.key: q for s in self.sections for q in s.questions}
        found.update({q.key: q for q in self.today_check.questions})
        return found

    def section_index(self, key: str) -> int:
        for index, section in enumerate(self.sections):
            if section.key == key:
                return index
        raise KeyError(key)


def _question(raw: Mapping[str, Any], choice_sets: Mapping[str, Any]) -> Question:
    try:
        key, kind, label = str(raw["key"]), str(raw["type"]), str(raw["label"])
    except KeyError as missing:
        raise SchemaError(f"A question lacks {missing}: {raw!r}") from None
    if kind not in QUESTION_TYPES:
        raise SchemaError(f"{key}: unknown type {kind!r} (one of {', '.join(QUESTION_TYPES)})")
    choices_raw = raw.get("choices", [])
    if isinstance(choices_raw, str):
        if choices_raw not in choice_sets:
            raise SchemaError(f"{key}: unknown choice set {choices_raw!r}")
        choices_raw = choice_sets[choices_raw]
    choices = tuple(Choice(str(c["key"]), str(c["label"])) for c in choices_raw)
    if kind in ("single", "multi") and not choices:
        raise SchemaError(f"{key}: a {kind} question needs choices")
    show_if = None
    if raw.get("show_if"):
        cond = raw["show_if"]
        show_if = Condition(
            question=str(cond["question"]), equals=cond.get("equals"), includes=cond.get("includes")
        )
    constitution = raw.get("constitution") or {}
    if constitution and kind != "scale_1_5":
        raise SchemaError(f"{key}: constitution items are rated 1-5")
    return Question(
        key=key,
        type=kind,
        label=label,
        help=str(raw.get("help", "")),
        required=bool(raw.get("required", False)),
        choices=choices,
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        step=raw.get("step"),
        unit=str(raw.get("unit", "")),
        not_future=bool(raw.get("not_future", False)),
        must_be=raw.get("must_be"),
        max_length=raw.get("max_length"),
        show_if=show_if,
        constitution_type=str(constitution.get("type", "")),
        constitution_reverse=bool(constitution.get("reverse", False)),
    )


def _section(raw: Mapping[str, Any], choice_sets: Mapping[str, Any]) -> Section:
    return Section(
        key=str(raw.get("key", "today")),
        title=str(raw["title"]),
        intro=str(raw.get("intro", "")),
        questions=tuple(_question(q, choice_sets) for q in raw["questions"]),
    )


def parse_schema(raw: Mapping[str, Any]) -> Schema:
    """Build a Schema from a questionnaire file's JSON, or raise SchemaError saying why not."""
    try:
        choice_sets = raw.get("choice_sets", {})
        sections = tuple(_section(s, choice_sets) for s in raw["sections"])
        today = _section(raw["today_check"], choice_sets)
        schema = Schema(title=str(raw["title"]), sections=sections, today_check=today)
    except (KeyError, TypeError) as error:
        raise SchemaError(f"The questionnaire is missing {error}") from None
    keys = [q.key for s in (*sections, today) for q in s.questions]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise SchemaError(f"Question keys used twice: {sorted(duplicates)}")
    known = set(keys)
    for question in schema.questions.values():
        if question.show_if and question.show_if.question not in known:
            raise SchemaError(f"{question.key}: depends on unknown {question.show_if.question!r}")
    return schema


# --- checking answers ------------------------------------------------------------------------


class AnswerError(ValueError):
    """One answer that does not fit its question; the message is shown to the client."""


def _number(question: Question, value: Any) -> int | float:
    if isinstance(value, bool):
        raise AnswerError("Please enter a number.")
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise AnswerError("Please enter a number, for example 7 or 7.5.") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise AnswerError("Please enter a number.")
    if question.minimum is not None and value < question.minimum:
        raise AnswerError(
            f"Please enter a number from {question.minimum:g} to {question.maximum:g}."
        )
    if question.maximum is not None and value > question.maximum:
        raise AnswerError(
            f"Please enter a number from {question.minimum:g} to {question.maximum:g}."
        )
    if float(value).is_integer():
        return int(value)
    return round(float(value), 2)


def _date(question: Question, value: Any, today: dt.date) -> str:
    if not isinstance(value, str):
        raise AnswerError("Please enter a date.")
    try:
        parsed = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise AnswerError("Please enter a real date, for example 2025-03-14.") from None
    if parsed < EARLIEST_DATE:
        raise AnswerError("Please check the year.")
    if question.not_future and parsed > today:
        raise AnswerError("This date is in the future. Please check it.")
    return parsed.isoformat()


def _scale(question: Question, value: Any) -> int:
    low, high = SCALES[question.type]
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise AnswerError(f"Please choose a number from {low} to {high}.")
    return value


def _medications(question: Question, value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise AnswerError("Please list each medicine on its own line.")
    rows: list[dict[str, str]] = []
    for row in value:
        if not isinstance(row, Mapping):
            raise AnswerError("Please list each medicine on its own line.")
        name = " ".join(str(row.get("name", "")).split())
        dose = " ".join(str(row.get("dose", "")).split())
        if not name and not dose:
            continue
        if not name:
            raise AnswerError("Please add the name of the medicine next to each dose.")
        if len(name) > MEDICATION_FIELD_MAX or len(dose) > MEDICATION_FIELD_MAX:
            raise AnswerError(
                f"Please keep each name and dose under {MEDICATION_FIELD_MAX} letters."
            )
        rows.append({"name": name, "dose": dose})
    if len(rows) > (question.max_length or MEDICATION_ROWS_MAX):
        raise AnswerError("That is more medicines than this form holds; list the rest in person.")
    return rows


def clean_answer(question: Question, value: Any, *, today: dt.date) -> Any:
    """The answer in its stored form, or None when empty; raises AnswerError when it is wrong."""
    if value is None or value == "" or value == []:
        return None
    kind = question.type
    if kind == "yes_no":
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered not in ("yes", "no", "true", "false"):
                raise AnswerError("Please answer yes or no.")
            value = lowered in ("yes", "true")
        if not isinstance(value, bool):
            raise AnswerError("Please answer yes or no.")
        if question.must_be is not None and value != question.must_be:
            raise AnswerError("Please tick this to continue.")
        return value
    if kind == "single":
        if not isinstance(value, str) or value not in question.choice_keys:
            raise AnswerError("Please choose one of the options.")
        return value
    if kind == "multi":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerError("Please choose from the options.")
        if any(v not in question.choice_keys for v in value):
            raise AnswerError("Please choose from the options.")
        chosen = [k for k in question.choice_keys if k in value]  # schema order, no repeats
        exclusive = {"none"} & set(chosen)
        if exclusive and len(chosen) > 1:
            raise AnswerError("You chose “none” together with other options. Please check.")
        return chosen
    if kind == "number":
        return _number(question, value)
    if kind == "date":
        return _date(question, value, today)
    if kind in SCALES:
        return _scale(question, value)
    if kind == "text":
        if not isinstance(value, str):
            raise AnswerError("Please type your answer.")
        text = value.replace("\r\n", "\n").strip()
        limit = question.max_length or TEXT_MAX
        if len(text) > limit:
            raise AnswerError(f"Please keep this under {limit} characters (it has {len(text)}).")
        return text or None
    if kind == "medications":
        return _medications(question, value) or None
    raise AnswerError("This question cannot be answered.")  # pragma: no cover - schema checked


def check_answers(
    questions: Iterable[Question],
    submitted: Mapping[str, Any],
    *,
    context: Mapping[str, Any],
    today: dt.date,
    require: bool,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean the answers to `questions`; hidden (conditional) questions are dropped.

    `context` holds the other answers a condition may depend on. Returns (cleaned, errors);
    cleaned holds every valid answer (so nothing valid is lost when another one is wrong),
    with None for a shown question left empty or wrong.
    """
    questions = list(questions)
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        try:
            cleaned[question.key] = clean_answer(question, submitted.get(question.key), today=today)
        except AnswerError as error:
            cleaned[question.key] = None
            errors[question.key] = str(error)
    merged = {**context, **cleaned}
    for question in questions:
        if not question.is_shown(merged):
            cleaned[question.key] = None
            errors.pop(question.key, None)
        elif require and question.required and cleaned[question.key] is None:
            missing = (
                "Please tick this to continue."
                if question.must_be
                else "Please answer this question."
            )
            errors.setdefault(question.key, missing)
    return cleaned, errors


def check_submission(
    schema: Schema, answers: Mapping[str, Any], *, today: dt.date
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check a whole intake before it is submitted: every section, conditions consistent."""
    questions = [q for s in schema.sections for q in s.questions]
    cleaned, errors = check_answers(questions, answers, context={}, today=today, require=True)
    return {k: v for k, v in cleaned.items() if v is not None}, errors


def first_section_with_errors(schema: Schema, errors: Mapping[str, str]) -> int:
    for index, section in enumerate(schema.sections):
        if any(q.key in errors for q in section.questions):
            return index
    return 0


def answer_display(question: Question, value: Any) -> str:
    """An answer as a person reads it (choice labels, yes/no, units)."""
    if value is None or value == [] or value == "":
        return "—"
    if question.type == "yes_no":
        return "Yes" if value else "No"
    if question.type == "single":
        return question.choice_label(str(value))
    if question.type == "multi" and isinstance(value, Sequence):
        return ", ".join(question.choice_label(str(v)) for v in value)
    if question.type == "number":
        return f"{value:g} {question.unit}".strip()
    if question.type == "date" and isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day} {day:%b %Y}"
    if question.type in SCALES:
        low, high = SCALES[question.type]
        return f"{value} (of {low} to {high})"
    if question.type == "medications" and isinstance(value, Sequence):
        return "; ".join(
            f"{row.get('name', '')} {row.get('dose', '')}".strip()
            for row in value
            if isinstance(row, Mapping)
        )
    return str(value)
