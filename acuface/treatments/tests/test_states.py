"""The transition table and its guards, row by row."""

from __future__ import annotations

import pytest

from acuface.treatments import states as st
from acuface.treatments.states import SessionFacts, SessionStateError, legal_actions, next_state

# (action, from state, counts in/out/filed, expected next state or the error's words)
LEGAL = [
    (st.CHECK_IN, st.SCHEDULED, (0, 0, 0), st.CHECKED_IN),
    (st.ASSESS_SKIN, st.CHECKED_IN, (0, 0, 0), st.SKIN_ASSESSED),
    (st.CLEANSE, st.SKIN_ASSESSED, (0, 0, 0), st.CLEANSED),
    (st.INSERT_NEEDLE, st.CLEANSED, (0, 0, 0), st.NEEDLING),
    (st.INSERT_NEEDLE, st.NEEDLING, (3, 0, 0), st.NEEDLING),
    (st.REMOVE_NEEDLE, st.NEEDLING, (3, 0, 0), st.NEEDLING),
    (st.START_RETENTION, st.NEEDLING, (3, 0, 0), st.RETENTION),
    (st.EXTEND_RETENTION, st.RETENTION, (3, 0, 0), st.RETENTION),
    (st.REMOVE_NEEDLE, st.RETENTION, (3, 0, 0), st.REMOVAL),
    (st.REMOVE_NEEDLE, st.REMOVAL, (3, 2, 0), st.REMOVAL),
    (st.FILE_INCIDENT, st.REMOVAL, (3, 2, 0), st.REMOVAL),
    (st.MOISTURIZE, st.REMOVAL, (3, 3, 0), st.MOISTURIZED),
    (st.MOISTURIZE, st.REMOVAL, (3, 2, 1), st.MOISTURIZED),
    (st.ISSUE_AFTERCARE, st.MOISTURIZED, (3, 3, 0), st.AFTERCARE_ISSUED),
    (st.COMPLETE_SESSION, st.AFTERCARE_ISSUED, (3, 3, 0), st.COMPLETE),
    (st.COMPLETE_SESSION, st.AFTERCARE_ISSUED, (3, 1, 2), st.COMPLETE),
    (st.CANCEL, st.SCHEDULED, (0, 0, 0), st.CANCELLED),
    (st.CANCEL, st.CLEANSED, (0, 0, 0), st.CANCELLED),
    (st.ABANDON, st.RETENTION, (2, 2, 0), st.ABANDONED),
    (st.ABANDON, st.NEEDLING, (2, 1, 1), st.ABANDONED),
    (st.RECORD_EVENT, st.RETENTION, (2, 0, 0), st.RETENTION),
    (st.CHOOSE_LOT, st.NEEDLING, (2, 0, 0), st.NEEDLING),
]

ILLEGAL = [
    (st.CHECK_IN, st.CHECKED_IN, (0, 0, 0), "session is checked in"),
    (st.CLEANSE, st.CHECKED_IN, (0, 0, 0), "cannot mark the skin cleansed now"),
    (st.INSERT_NEEDLE, st.SKIN_ASSESSED, (0, 0, 0), "cannot insert a needle"),
    (st.INSERT_NEEDLE, st.RETENTION, (2, 0, 0), "session is in retention"),
    (
        st.START_RETENTION,
        st.REMOVAL,
        (2, 1, 0),
        "start retention now: the session is at needle removal.",
    ),
    (st.START_RETENTION, st.NEEDLING, (2, 2, 0), "No needle is in"),
    (st.START_RETENTION, st.CLEANSED, (0, 0, 0), "cannot"),
    (st.EXTEND_RETENTION, st.REMOVAL, (2, 1, 0), "cannot add minutes"),
    (st.REMOVE_NEEDLE, st.REMOVAL, (2, 2, 0), "already out"),
    (st.FILE_INCIDENT, st.REMOVAL, (2, 2, 0), "nothing to file"),
    (st.FILE_INCIDENT, st.REMOVAL, (3, 1, 2), "nothing to file"),
    (st.MOISTURIZE, st.REMOVAL, (3, 2, 0), "1 still unaccounted"),
    (st.MOISTURIZE, st.REMOVAL, (4, 1, 2), "1 still unaccounted"),
    (st.MOISTURIZE, st.RETENTION, (3, 3, 0), "cannot"),
    (st.COMPLETE_SESSION, st.MOISTURIZED, (3, 3, 0), "cannot complete"),
    (st.COMPLETE_SESSION, st.AFTERCARE_ISSUED, (3, 2, 0), "unaccounted"),
    (st.CANCEL, st.NEEDLING, (1, 0, 0), "cannot cancel"),
    (st.ABANDON, st.SCHEDULED, (0, 0, 0), "cannot abandon"),
    (st.ABANDON, st.RETENTION, (2, 0, 0), "2 still unaccounted"),
    (st.RECORD_EVENT, st.SCHEDULED, (0, 0, 0), "cannot record an event"),
    (st.RECORD_EVENT, st.COMPLETE, (2, 2, 0), "cannot"),
    (st.CHOOSE_LOT, st.RETENTION, (2, 0, 0), "cannot"),
    ("teleport", st.SCHEDULED, (0, 0, 0), "Unknown action"),
]


def facts(state: str, counts: tuple[int, int, int]) -> SessionFacts:
    return SessionFacts(state, *counts)


@pytest.mark.parametrize(("action", "state", "counts", "expected"), LEGAL)
def test_legal_transitions(action: str, state: str, counts: tuple[int, int, int], expected: str):
    assert next_state(action, facts(state, counts)) == expected
    assert action in legal_actions(facts(state, counts))


@pytest.mark.parametrize(("action", "state", "counts", "words"), ILLEGAL)
def test_illegal_transitions_say_why(action: str, state: str, counts: tuple[int, int, int], words):
    with pytest.raises(SessionStateError) as raised:
        next_state(action, facts(state, counts))
    assert words in str(raised.value)
    assert action not in legal_actions(facts(state, counts))


@pytest.mark.parametrize("state", sorted(st.FINAL_STATES))
def test_nothing_happens_after_the_end(state: str):
    assert legal_actions(SessionFacts(state, 3, 3, 0)) == frozenset()


def test_every_state_but_the_final_ones_has_a_way_on():
    for state in st.STATES:
        if state in st.FINAL_STATES:
            continue
        leading_on = {a for (a, s), after in st.TRANSITIONS.items() if s == state and after != s}
        assert leading_on, f"{state} is a dead end"


@pytest.mark.parametrize(
    ("counts", "accounted"),
    [
        ((0, 0, 0), True),
        ((3, 3, 0), True),
        ((3, 2, 0), False),
        ((3, 2, 1), True),
        ((3, 0, 2), False),
    ],
)
def test_needles_accounted(counts: tuple[int, int, int], accounted: bool):
    assert st.needles_accounted(SessionFacts(st.REMOVAL, *counts)) is accounted


def test_every_state_has_a_label_and_every_action_a_name():
    assert set(st.STATE_LABELS) == set(st.STATES)
    assert {a for a, _ in st.TRANSITIONS} <= set(st.ACTION_LABELS)
    assert {s for _, s in st.TRANSITIONS} <= set(st.STATES)


# (state before the tap, facts after it, did the needle go in?, steps unchanged?)
TAPS = [
    # The first needle moves a cleansed session to needling: the whole page changes.
    (st.CLEANSED, SessionFacts(st.NEEDLING, 1, 0, 0), True, False),
    # The second needle: same state; retention could already start, so nothing new is offered.
    (st.NEEDLING, SessionFacts(st.NEEDLING, 2, 0, 0), True, True),
    # A needle out while needling (the client flinched) with others still in.
    (st.NEEDLING, SessionFacts(st.NEEDLING, 3, 1, 0), False, True),
    # The only needle out while needling: retention can no longer start.
    (st.NEEDLING, SessionFacts(st.NEEDLING, 1, 1, 0), False, False),
    # The first needle out at the end of retention: the session moves to removal.
    (st.RETENTION, SessionFacts(st.REMOVAL, 3, 1, 0), False, False),
    # A needle out during removal with more to come.
    (st.REMOVAL, SessionFacts(st.REMOVAL, 3, 2, 0), False, True),
    # The last needle out: moisturizing is offered, incidents no longer are.
    (st.REMOVAL, SessionFacts(st.REMOVAL, 3, 3, 0), False, False),
    # The last needle not covered by an incident comes out: the same change.
    (st.REMOVAL, SessionFacts(st.REMOVAL, 3, 2, 1), False, False),
]


@pytest.mark.parametrize(("before", "after", "went_in", "kept"), TAPS)
def test_which_taps_keep_the_steps(before: str, after: SessionFacts, went_in: bool, kept: bool):
    assert st.tap_keeps_steps(before, after, needle_went_in=went_in) is kept


def test_every_refusal_names_the_action_and_the_step_in_words() -> None:
    assert set(st.ACTION_PHRASES) == set(st.ACTION_LABELS)
    assert set(st.STATE_PHRASES) == set(st.STATES)
    for action in st.ACTION_LABELS:
        for state in st.STATES:
            if action in legal_actions(facts(state, (0, 0, 0))):
                continue
            with pytest.raises(SessionStateError) as raised:
                next_state(action, facts(state, (0, 0, 0)))
            message = str(raised.value)
            if message.startswith("You cannot"):
                assert message.endswith(f"the session is {st.STATE_PHRASES[state]}."), message
                assert "_" not in message, message  # no state id such as aftercare_issued
