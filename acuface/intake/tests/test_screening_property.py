"""Any answer set the questionnaire allows: the engine never crashes and answers the same twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuface.intake.questionnaire import Question, clean_answer
from acuface.intake.screening import EFFECTS, LEVELS, REGIONS, RISK_LEVELS, screen
from acuface.intake.tests.test_screening import BOOK, SCHEMA

LATEST = dt.date(2027, 12, 31)


def _multi(keys: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    def tidy(chosen: list[str]) -> list[str]:
        if "none" in chosen and len(chosen) > 1:
            chosen = [c for c in chosen if c != "none"]
        return [k for k in keys if k in chosen]

    return st.lists(st.sampled_from(keys), unique=True, min_size=1).map(tidy)


def value_strategy(q: Question) -> st.SearchStrategy[Any]:
    if q.type == "yes_no":
        return st.just(q.must_be) if q.must_be is not None else st.booleans()
    if q.type == "single":
        return st.sampled_from(q.choice_keys)
    if q.type == "multi":
        return _multi(q.choice_keys)
    if q.type == "number":
        low, high = q.minimum or 0, q.maximum or 100
        return st.one_of(
            st.integers(int(low), int(high)), st.floats(low, high).map(lambda x: round(x, 2))
        )
    if q.type == "date":
        return st.dates(dt.date(1900, 1, 1), LATEST).map(dt.date.isoformat)
    if q.scale:
        return st.integers(*q.scale)
    if q.type == "text":
        return st.text(min_size=1, max_size=80)
    row = st.fixed_dictionaries(
        {"name": st.text(min_size=1, max_size=30).filter(str.strip), "dose": st.text(max_size=20)}
    )
    return st.lists(row, min_size=1, max_size=5)


def answers_strategy(questions: list[Question]) -> st.SearchStrategy[dict[str, Any]]:
    parts = {q.key: st.one_of(st.none(), value_strategy(q)) for q in questions}
    return st.fixed_dictionaries(parts).map(lambda d: {k: v for k, v in d.items() if v is not None})


INTAKE_QUESTIONS = [q for s in SCHEMA.sections for q in s.questions]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    answers=answers_strategy(INTAKE_QUESTIONS),
    today=st.one_of(st.none(), answers_strategy(list(SCHEMA.today_check.questions))),
    on=st.dates(dt.date(2020, 1, 1), LATEST),
)
def test_engine_never_crashes_and_is_repeatable(
    answers: dict[str, Any], today: dict[str, Any] | None, on: dt.date
) -> None:
    questions = SCHEMA.questions
    for key, value in {**answers, **(today or {})}.items():
        clean_answer(questions[key], value, today=LATEST)  # the schema allows it
    first = screen(schema=SCHEMA, book=BOOK, answers=answers, on=on, today_answers=today)
    second = screen(schema=SCHEMA, book=BOOK, answers=dict(answers), on=on, today_answers=today)
    assert first == second
    assert [r.effect for r in first.risks] == list(EFFECTS)
    assert all(r.level in RISK_LEVELS for r in first.risks)
    assert all(f.level in LEVELS for f in first.flags)
    assert first.deferred_regions <= set(REGIONS)
    levels = [LEVELS.index(f.level) for f in first.flags]
    assert levels == sorted(levels)
