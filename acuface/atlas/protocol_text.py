"""A protocol's points as text a clinic edits: one point per line, "CODE needle-type"."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping

MAX_LINES = 60
MAX_LINE_LENGTH = 80
_SEPARATORS = re.compile(r"[\s,;:]+")


class ProtocolTextError(ValueError):
    """The text could not be read; `problems` says which lines and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def format_protocol_points(points: Iterable[Mapping[str, object]]) -> str:
    return "\n".join(f"{p['code']} {p['needle_type']}" for p in points)


def parse_protocol_points(
    text: str, *, known_codes: Collection[str], needle_types: Collection[str]
) -> list[dict[str, str]]:
    """Read "ST2 filiform" lines (needle type optional: filiform) into protocol points."""
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    problems: list[str] = []
    if not lines:
        raise ProtocolTextError(["Give at least one point."])
    if len(lines) > MAX_LINES:
        raise ProtocolTextError([f"At most {MAX_LINES} points."])
    by_upper = {code.upper(): code for code in known_codes}
    seen: set[str] = set()
    points: list[dict[str, str]] = []
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_LENGTH:
            problems.append(f"Line {number} is too long.")
            continue
        words = [w for w in _SEPARATORS.split(line) if w]
        if not words:  # only commas or semicolons: nothing to read
            continue
        code = by_upper.get(words[0].upper())
        needle = words[1].lower() if len(words) > 1 else "filiform"
        if code is None:
            problems.append(f"Line {number}: {words[0]!r} is not a point code of the atlas.")
        elif needle not in needle_types:
            problems.append(
                f"Line {number}: {words[1]!r} is not a needle type "
                f"({', '.join(sorted(needle_types))})."
            )
        elif len(words) > 2:
            problems.append(f"Line {number}: write only the code and the needle type.")
        elif code in seen:
            problems.append(f"Line {number}: {code} is already listed.")
        else:
            seen.add(code)
            points.append({"code": code, "needle_type": needle})
    if problems:
        raise ProtocolTextError(problems)
    if not points:
        raise ProtocolTextError(["Give at least one point."])
    return points
