"""The protocol text a clinic types: "CODE needle-type" per line, hostile input refused cleanly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acuface.atlas.protocol_text import (
    MAX_LINES,
    ProtocolTextError,
    format_protocol_points,
    parse_protocol_points,
)

CODES = {"ST2", "EX-HN7", "GB1"}
TYPES = {"filiform", "intradermal"}


def parse(text: str) -> list[dict[str, str]]:
    return parse_protocol_points(text, known_codes=CODES, needle_types=TYPES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ST2 filiform", [("ST2", "filiform")]),
        (
            "st2\r\nex-hn7, INTRADERMAL\n\n  GB1 ; filiform ",
            [("ST2", "filiform"), ("EX-HN7", "intradermal"), ("GB1", "filiform")],
        ),
    ],
)
def test_reads_lines(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(p["code"], p["needle_type"]) for p in parse(text)] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one"),
        ("   \n\n", "at least one"),
        (",\n;", "at least one"),
        ("<script>alert(1)</script>", "not a point code"),
        ("ST2 laser", "not a needle type"),
        ("ST2 filiform extra", "only the code"),
        ("ST2\nST2", "already listed"),
        ("ST2 " + "x" * 200, "too long"),
        ("\n".join(["ST2"] * (MAX_LINES + 1)), "At most"),
        ("ST2\x00 filiform", "not a point code"),
    ],
)
def test_refuses_bad_text_with_the_line(text: str, message: str) -> None:
    with pytest.raises(ProtocolTextError) as caught:
        parse(text)
    assert message in str(caught.value)


def test_formatting_round_trips() -> None:
    points = [
        {"code": "GB1", "needle_type": "intradermal"},
        {"code": "ST2", "needle_type": "filiform"},
    ]
    assert parse(format_protocol_points(points)) == points


@given(st.text(max_size=400))
def test_any_text_is_read_or_refused_never_crashes(text: str) -> None:
    try:
        points = parse(text)
    except ProtocolTextError as error:
        assert error.problems
    else:
        assert all(p["code"] in CODES and p["needle_type"] in TYPES for p in points)
