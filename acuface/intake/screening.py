"""Screening: flags, the side-effect risk profile and the constitution, from answers and rules.

Pure functions, no ORM. The rules come from a rules file (`data/screening_rules.json`, or a
clinic's published version of it); every clinical decision is in that data, not in this code.

A condition is a small JSON tree:
  {"answer": KEY, "equals": V} | {"answer": KEY, "in": [V, ...]}
  {"answer": KEY, "includes_any": [V, ...]}      (a multiple-choice answer contains one of them)
  {"answer": KEY, "mentions_any": ["warfarin"]}  (a medication list or text mentions a word)
  {"answer": KEY, "gte": N} | {"answer": KEY, "lte": N}
  {"any": [COND, ...]} | {"all": [COND, ...]} | {"not": COND}
A rule with "recent": {"date": KEY, "days": N} (or "days_by": {"answer": KEY, "days": {...}})
fires only while the planned session date is before that date + N days, and says until when.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from acuface.intake.questionnaire import Schema

Level = Literal["defer", "caution", "note"]
RiskLevel = Literal["usual", "raised", "high"]
Classification = Literal["yes", "tendency", "no"]

LEVELS: tuple[Level, ...] = ("defer", "caution", "note")
RISK_LEVELS: tuple[RiskLevel, ...] = ("usual", "raised", "high")
EFFECTS = (
    "bruising",
    "minor_bleeding",
    "pain",
    "dizziness_nausea",
    "rash",
    "allergic_reaction",
    "skin_infection",
)
EFFECT_LABELS = {
    "bruising": "Bruising",
    "minor_bleeding": "Minor bleeding",
    "pain": "Pain or tenderness",
    "dizziness_nausea": "Dizziness or nausea",
    "rash": "Rash",
    "allergic_reaction": "Allergic reaction",
    "skin_infection": "Skin infection",
}
REGIONS = (
    "forehead",
    "glabella",
    "crow_feet_right",
    "crow_feet_left",
    "under_eye_right",
    "under_eye_left",
    "cheek_right",
    "cheek_left",
    "nasolabial_right",
    "nasolabial_left",
    "perioral",
    "chin",
    "jowl_right",
    "jowl_left",
    "whole_face",
)
CONSTITUTION_TYPES = (
    "balanced",
    "qi_deficiency",
    "yang_deficiency",
    "yin_deficiency",
    "phlegm_dampness",
    "damp_heat",
    "blood_stasis",
    "qi_stagnation",
    "special",
)


class RulesError(ValueError):
    """A rules file that cannot be used; the message says which rule and why."""


@dataclasses.dataclass(frozen=True)
class Flag:
    rule_id: str
    level: Level
    message: str
    client_message: str
    triggered_by: tuple[str, ...]
    forbidden_points: frozenset[str] = frozenset()
    deferred_regions: frozenset[str] = frozenset()
    restrictions: tuple[str, ...] = ()
    until: dt.date | None = None
    # The most needles this flag allows: ("total" | "facial", count) pairs.
    needle_limits: tuple[tuple[str, int], ...] = ()

    @property
    def needs_acknowledgement(self) -> bool:
        return self.level in ("defer", "caution")


@dataclasses.dataclass(frozen=True)
class Risk:
    effect: str
    level: RiskLevel
    reasons_practitioner: tuple[str, ...]
    reasons_client: tuple[str, ...]

    @property
    def label(self) -> str:
        return EFFECT_LABELS.get(self.effect, self.effect)


@dataclasses.dataclass(frozen=True)
class TypeScore:
    type: str
    label: str
    score: float
    classification: Classification
    points: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Constitution:
    types: tuple[TypeScore, ...]
    suggested_points: tuple[str, ...]
    withheld_points: tuple[str, ...]  # suggested by the constitution but forbidden by a flag

    @property
    def scores(self) -> dict[str, float]:
        return {t.type: t.score for t in self.types}

    @property
    def classification(self) -> dict[str, Classification]:
        return {t.type: t.classification for t in self.types}

    @property
    def leading(self) -> tuple[TypeScore, ...]:
        """Non-balanced types classed yes or tendency, highest score first."""
        found = [t for t in self.types if t.type != "balanced" and t.classification != "no"]
        return tuple(sorted(found, key=lambda t: (-t.score, t.type)))


@dataclasses.dataclass(frozen=True)
class ScreeningResult:
    flags: tuple[Flag, ...]
    risks: tuple[Risk, ...]
    constitution: Constitution | None = None
    on: dt.date | None = None  # the planned session date the time rules were evaluated for

    @property
    def forbidden_points(self) -> frozenset[str]:
        return frozenset().union(*(f.forbidden_points for f in self.flags))

    @property
    def deferred_regions(self) -> frozenset[str]:
        return frozenset().union(*(f.deferred_regions for f in self.flags))

    @property
    def has_defer(self) -> bool:
        return any(f.level == "defer" for f in self.flags)

    @property
    def flags_to_acknowledge(self) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.needs_acknowledgement)

    def risk(self, effect: str) -> Risk:
        for risk in self.risks:
            if risk.effect == effect:
                return risk
        raise KeyError(effect)


# --- rules ------------------------------------------------------------------------------------

LEAF_TESTS = ("equals", "in", "includes_any", "mentions_any", "gte", "lte")


@dataclasses.dataclass(frozen=True)
class Recent:
    date_key: str
    days: int | None
    days_by_key: str = ""
    days_by: tuple[tuple[str, int], ...] = ()

    def interval(self, answers: Mapping[str, Any]) -> int | None:
        if self.days is not None:
            return self.days
        kind = answers.get(self.days_by_key)
        for key, days in self.days_by:
            if key == kind:
                return days
        # Unknown kind of procedure: the longest interval is the safe one.
        return max((d for _, d in self.days_by), default=None)


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    when: Mapping[str, Any]
    message: str
    client_message: str
    forbidden_points: frozenset[str] = frozenset()
    deferred_regions: frozenset[str] = frozenset()
    restrictions: tuple[str, ...] = ()
    recent: Recent | None = None
    regions_from: str = ""
    needle_limits: tuple[tuple[str, int], ...] = ()


NEEDLE_LIMIT_KINDS = ("total", "facial")
NEEDLE_LIMIT_MAX = 100


def _needle_limits(where: str, raw: Any) -> tuple[tuple[str, int], ...]:
    """A rule's "needle_limit": {"total": 15} or {"facial": 12}; each a whole number 1-100."""
    if raw is None:
        return ()
    if not isinstance(raw, Mapping) or not raw:
        raise RulesError(f"{where}: 'needle_limit' maps 'total' or 'facial' to a number")
    limits = []
    for kind, count in raw.items():
        if kind not in NEEDLE_LIMIT_KINDS:
            raise RulesError(f"{where}: needle_limit kind must be one of {NEEDLE_LIMIT_KINDS}")
        if isinstance(count, bool) or not isinstance(count, int):
            raise RulesError(f"{where}: needle_limit {kind} must be a whole number")
        if not 1 <= count <= NEEDLE_LIMIT_MAX:
            raise RulesError(f"{where}: needle_limit {kind} must be 1 to {NEEDLE_LIMIT_MAX}")
        limits.append((str(kind), count))
    return tuple(limits)


@dataclasses.dataclass(frozen=True)
class RiskRule:
    id: str
    effect: str
    level: RiskLevel
    when: Mapping[str, Any]
    reason_practitioner: str
    reason_client: str
    recent: Recent | None = None


@dataclasses.dataclass(frozen=True)
class ConstitutionRules:
    labels: Mapping[str, str]
    points: Mapping[str, tuple[str, ...]]
    yes_at: float = 40
    tendency_at: float = 30
    balanced_yes_at: float = 60
    points_for: tuple[str, ...] = ("yes", "tendency")


@dataclasses.dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    risks: tuple[RiskRule, ...]
    constitution: ConstitutionRules


def _check_condition(where: str, cond: Any) -> None:
    if not isinstance(cond, Mapping) or len(cond) == 0:
        raise RulesError(f"{where}: a condition must be an object")
    if "any" in cond or "all" in cond:
        parts = cond.get("any", cond.get("all"))
        if not isinstance(parts, list) or not parts:
            raise RulesError(f"{where}: 'any'/'all' needs a list of conditions")
        for part in parts:
            _check_condition(where, part)
        return
    if "not" in cond:
        _check_condition(where, cond["not"])
        return
    if "answer" not in cond or not any(test in cond for test in LEAF_TESTS):
        raise RulesError(f"{where}: a condition needs 'answer' and one of {LEAF_TESTS}")


def _recent(where: str, raw: Any) -> Recent | None:
    if not raw:
        return None
    if "days" in raw:
        return Recent(date_key=str(raw["date"]), days=int(raw["days"]))
    if "days_by" in raw:
        by = raw["days_by"]
        return Recent(
            date_key=str(raw["date"]),
            days=None,
            days_by_key=str(by["answer"]),
            days_by=tuple(sorted((str(k), int(v)) for k, v in by["days"].items())),
        )
    raise RulesError(f"{where}: 'recent' needs 'days' or 'days_by'")


def parse_rules(raw: Mapping[str, Any]) -> RuleBook:
    """Build a RuleBook from a rules file's JSON, or raise RulesError saying what is wrong."""
    try:
        rules = []
        for row in raw["rules"]:
            where = f"rule {row.get('id', '?')}"
            if row["level"] not in LEVELS:
                raise RulesError(f"{where}: level must be one of {LEVELS}")
            _check_condition(where, row["when"])
            regions = frozenset(row.get("deferred_regions", []))
            if regions - set(REGIONS):
                raise RulesError(f"{where}: unknown regions {sorted(regions - set(REGIONS))}")
            rules.append(
                Rule(
                    id=str(row["id"]),
                    level=row["level"],
                    when=row["when"],
                    message=str(row["message"]),
                    client_message=str(row.get("client_message", "")),
                    forbidden_points=frozenset(str(p) for p in row.get("forbidden_points", [])),
                    deferred_regions=regions,
                    restrictions=tuple(str(r) for r in row.get("restrictions", [])),
                    recent=_recent(where, row.get("recent")),
                    regions_from=str(row.get("regions_from", "")),
                    needle_limits=_needle_limits(where, row.get("needle_limit")),
                )
            )
        risks = []
        for row in raw["risks"]:
            where = f"risk rule {row.get('id', '?')}"
            if row["effect"] not in EFFECTS:
                raise RulesError(f"{where}: effect must be one of {EFFECTS}")
            if row["level"] not in RISK_LEVELS:
                raise RulesError(f"{where}: level must be one of {RISK_LEVELS}")
            _check_condition(where, row["when"])
            risks.append(
                RiskRule(
                    id=str(row["id"]),
                    effect=row["effect"],
                    level=row["level"],
                    when=row["when"],
                    reason_practitioner=str(row["reason_practitioner"]),
                    reason_client=str(row["reason_client"]),
                    recent=_recent(where, row.get("recent")),
                )
            )
        const = raw["constitution"]
        types = const["types"]
        if set(types) != set(CONSTITUTION_TYPES):
            raise RulesError(f"constitution: the types must be exactly {CONSTITUTION_TYPES}")
        constitution = ConstitutionRules(
            labels={k: str(v["label"]) for k, v in types.items()},
            points={k: tuple(str(p) for p in v.get("points", [])) for k, v in types.items()},
            yes_at=float(const.get("yes_at", 40)),
            tendency_at=float(const.get("tendency_at", 30)),
            balanced_yes_at=float(const.get("balanced_yes_at", 60)),
            points_for=tuple(const.get("points_for", ("yes", "tendency"))),
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, RulesError):
            raise
        raise RulesError(f"The rules file is not usable: {error!r}") from None
    ids = [r.id for r in rules] + [r.id for r in risks]
    if len(ids) != len(set(ids)):
        raise RulesError("Rule ids must be unique")
    return RuleBook(rules=tuple(rules), risks=tuple(risks), constitution=constitution)


# --- evaluating -------------------------------------------------------------------------------


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _mentions(value: Any, words: Sequence[str]) -> bool:
    if isinstance(value, str):
        text = value
    elif isinstance(value, list):
        text = " ".join(
            " ".join(str(v) for v in row.values()) if isinstance(row, Mapping) else str(row)
            for row in value
        )
    else:
        return False
    lowered = text.casefold()
    return any(str(word).casefold() in lowered for word in words)


def _leaf(cond: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    value = answers.get(cond["answer"])
    if value is None:
        return False
    if "equals" in cond:
        return bool(value == cond["equals"] and type(value) is type(cond["equals"]))
    if "in" in cond:
        return isinstance(value, str | int) and not isinstance(value, bool) and value in cond["in"]
    if "includes_any" in cond:
        return isinstance(value, list) and any(v in value for v in cond["includes_any"])
    if "mentions_any" in cond:
        return _mentions(value, cond["mentions_any"])
    number = _as_number(value)
    if number is None:
        return False
    if "gte" in cond:
        return number >= float(cond["gte"])
    return number <= float(cond["lte"])


def evaluate(cond: Mapping[str, Any], answers: Mapping[str, Any]) -> tuple[bool, tuple[str, ...]]:
    """Whether a condition holds, and the answer keys that made it hold."""
    if "any" in cond:
        keys: list[str] = []
        for part in cond["any"]:
            holds, found = evaluate(part, answers)
            if holds:
                keys.extend(found)
        return bool(keys), tuple(dict.fromkeys(keys))
    if "all" in cond:
        keys = []
        for part in cond["all"]:
            holds, found = evaluate(part, answers)
            if not holds:
                return False, ()
            keys.extend(found)
        return True, tuple(dict.fromkeys(keys))
    if "not" in cond:
        holds, _ = evaluate(cond["not"], answers)
        return (not holds), ()
    holds = _leaf(cond, answers)
    return holds, ((str(cond["answer"]),) if holds else ())


def _parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _recent_window(
    recent: Recent, answers: Mapping[str, Any], on: dt.date
) -> tuple[dt.date, dt.date] | None:
    """(date of the procedure, first day it is clear) while `on` is inside the interval."""
    done_on = _parse_date(answers.get(recent.date_key))
    days = recent.interval(answers)
    if done_on is None or days is None:
        return None
    until = done_on + dt.timedelta(days=days)
    return (done_on, until) if on < until else None


def human_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _regions(rule: Rule, answers: Mapping[str, Any]) -> frozenset[str]:
    if not rule.regions_from:
        return rule.deferred_regions
    chosen = answers.get(rule.regions_from)
    found = (
        frozenset(r for r in chosen if r in REGIONS) if isinstance(chosen, list) else frozenset()
    )
    return found or frozenset({"whole_face"})


def _flag(rule: Rule, answers: Mapping[str, Any], on: dt.date) -> Flag | None:
    holds, triggered = evaluate(rule.when, answers)
    if not holds:
        return None
    until = None
    values = _Blank()
    if rule.recent is not None:
        window = _recent_window(rule.recent, answers, on)
        if window is None:
            return None
        done_on, until = window
        triggered = (*triggered, rule.recent.date_key)
        values.update(date=human_date(done_on), until=human_date(until))
        if rule.recent.days_by_key:
            values["procedure"] = str(answers.get(rule.recent.days_by_key, "procedure"))
    regions = _regions(rule, answers)
    if rule.regions_from:
        triggered = (*triggered, rule.regions_from)
        values["regions"] = ", ".join(sorted(r.replace("_", " ") for r in regions))
    return Flag(
        rule_id=rule.id,
        level=rule.level,
        message=rule.message.format_map(values),
        client_message=rule.client_message.format_map(values),
        triggered_by=tuple(dict.fromkeys(triggered)),
        forbidden_points=rule.forbidden_points,
        deferred_regions=regions,
        restrictions=tuple(r.format_map(values) for r in rule.restrictions),
        until=until,
        needle_limits=rule.needle_limits,
    )


def screen_flags(book: RuleBook, answers: Mapping[str, Any], on: dt.date) -> tuple[Flag, ...]:
    """Every flag the rules raise, defer first, then caution, then note (rule order within)."""
    flags = [f for f in (_flag(rule, answers, on) for rule in book.rules) if f is not None]
    return tuple(sorted(flags, key=lambda f: LEVELS.index(f.level)))


def risk_profile(book: RuleBook, answers: Mapping[str, Any], on: dt.date) -> tuple[Risk, ...]:
    """One Risk per side effect: usual unless a rule raises it, with every reason."""
    found: dict[str, list[RiskRule]] = {effect: [] for effect in EFFECTS}
    for rule in book.risks:
        holds, _ = evaluate(rule.when, answers)
        if holds and (rule.recent is None or _recent_window(rule.recent, answers, on)):
            found[rule.effect].append(rule)
    risks = []
    for effect in EFFECTS:
        rules = found[effect]
        level: RiskLevel = max((r.level for r in rules), key=RISK_LEVELS.index, default="usual")
        risks.append(
            Risk(
                effect=effect,
                level=level,
                reasons_practitioner=tuple(dict.fromkeys(r.reason_practitioner for r in rules)),
                reasons_client=tuple(dict.fromkeys(r.reason_client for r in rules)),
            )
        )
    return tuple(risks)


def transformed_score(ratings: Sequence[int]) -> float:
    """CCMQ transformed score: (raw sum - n) / (n * 4) * 100, for n items rated 1 to 5."""
    n = len(ratings)
    return round((sum(ratings) - n) / (n * 4) * 100, 1)


def classify(scores: Mapping[str, float], rules: ConstitutionRules) -> dict[str, Classification]:
    """Yes / tendency / no per type; balanced has its own rule (see CLINICAL.md §4)."""
    found: dict[str, Classification] = {}
    for ctype, score in scores.items():
        if ctype == "balanced":
            continue
        found[ctype] = (
            "yes" if score >= rules.yes_at else "tendency" if score >= rules.tendency_at else "no"
        )
    others = [s for t, s in scores.items() if t != "balanced"]
    balanced = scores.get("balanced")
    if balanced is not None:
        if balanced >= rules.balanced_yes_at and all(s < rules.tendency_at for s in others):
            found["balanced"] = "yes"
        elif balanced >= rules.balanced_yes_at and all(s < rules.yes_at for s in others):
            found["balanced"] = "tendency"  # "basically yes" in the CCMQ's words
        else:
            found["balanced"] = "no"
    return found


def constitution_from(
    schema: Schema,
    rules: ConstitutionRules,
    answers: Mapping[str, Any],
    forbidden: frozenset[str] = frozenset(),
) -> Constitution | None:
    """Scores, classes and body points; None until every constitution item is answered."""
    ratings: dict[str, list[int]] = {t: [] for t in CONSTITUTION_TYPES}
    for question in schema.questions.values():
        if question.constitution_type not in ratings:
            continue
        value = answers.get(question.key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            return None
        ratings[question.constitution_type].append(
            6 - value if question.constitution_reverse else value
        )
    if not all(ratings.values()):
        return None
    scores = {t: transformed_score(r) for t, r in ratings.items()}
    classes = classify(scores, rules)
    types = tuple(
        TypeScore(
            type=t,
            label=rules.labels.get(t, t),
            score=scores[t],
            classification=classes[t],
            points=rules.points.get(t, ()),
        )
        for t in CONSTITUTION_TYPES
    )
    ranked = sorted(
        (t for t in types if t.classification in rules.points_for),
        key=lambda t: (-t.score, CONSTITUTION_TYPES.index(t.type)),
    )
    points = tuple(dict.fromkeys(p for t in ranked for p in t.points))
    return Constitution(
        types=types,
        suggested_points=tuple(p for p in points if p not in forbidden),
        withheld_points=tuple(p for p in points if p in forbidden),
    )


def screen(
    *,
    schema: Schema,
    book: RuleBook,
    answers: Mapping[str, Any],
    on: dt.date,
    today_answers: Mapping[str, Any] | None = None,
) -> ScreeningResult:
    """Screen one intake (plus the day's check, when there is one) for a session on `on`."""
    merged = {**answers, **(today_answers or {})}
    flags = screen_flags(book, merged, on)
    forbidden = frozenset().union(*(f.forbidden_points for f in flags))
    return ScreeningResult(
        on=on,
        flags=flags,
        risks=risk_profile(book, merged, on),
        constitution=constitution_from(schema, book.constitution, answers, forbidden),
    )
