"""The session's state machine as data: which action is legal in which state, and where it leads.

Pure Python (no ORM), so the table and its guards are tested on their own. Services ask
`next_state(action, facts)` before they change anything; the page asks `legal_actions(facts)`
so it only offers what the server would accept.
"""

from __future__ import annotations

import dataclasses

SCHEDULED = "scheduled"
CHECKED_IN = "checked_in"
SKIN_ASSESSED = "skin_assessed"
CLEANSED = "cleansed"
NEEDLING = "needling"
RETENTION = "retention"
REMOVAL = "removal"
MOISTURIZED = "moisturized"
AFTERCARE_ISSUED = "aftercare_issued"
COMPLETE = "complete"
CANCELLED = "cancelled"
ABANDONED = "abandoned"

STATE_LABELS = {
    SCHEDULED: "Scheduled",
    CHECKED_IN: "Checked in",
    SKIN_ASSESSED: "Skin assessed",
    CLEANSED: "Cleansed",
    NEEDLING: "Needling",
    RETENTION: "Retention",
    REMOVAL: "Removal",
    MOISTURIZED: "Cleansed and moisturized",
    AFTERCARE_ISSUED: "Aftercare issued",
    COMPLETE: "Complete",
    CANCELLED: "Cancelled",
    ABANDONED: "Abandoned",
}
STATES = tuple(STATE_LABELS)
FINAL_STATES = frozenset({COMPLETE, CANCELLED, ABANDONED})
# States in which a tap on the chart puts a needle in (later ones take needles out).
TAPPING_IN = frozenset({CLEANSED, NEEDLING})
# States in which needles may be in the client's skin.
NEEDLE_STATES = frozenset({NEEDLING, RETENTION, REMOVAL})
# States in which something can happen to the client (events are recorded in these).
ACTIVE_STATES = frozenset(
    {CHECKED_IN, SKIN_ASSESSED, CLEANSED, NEEDLING, RETENTION, REMOVAL, MOISTURIZED}
    | {AFTERCARE_ISSUED}
)

# Actions, in the order a session goes through them.
CHECK_IN = "check_in"
ASSESS_SKIN = "assess_skin"
CLEANSE = "cleanse"
INSERT_NEEDLE = "insert_needle"
START_RETENTION = "start_retention"
EXTEND_RETENTION = "extend_retention"
REMOVE_NEEDLE = "remove_needle"
FILE_INCIDENT = "file_incident"
MOISTURIZE = "moisturize"
ISSUE_AFTERCARE = "issue_aftercare"
COMPLETE_SESSION = "complete"
CANCEL = "cancel"
ABANDON = "abandon"
RECORD_EVENT = "record_event"
CHOOSE_LOT = "choose_lot"

# (action, from state) → state after. An action missing for a state is illegal in it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (CHECK_IN, SCHEDULED): CHECKED_IN,
    (ASSESS_SKIN, CHECKED_IN): SKIN_ASSESSED,
    (CLEANSE, SKIN_ASSESSED): CLEANSED,
    (INSERT_NEEDLE, CLEANSED): NEEDLING,
    (INSERT_NEEDLE, NEEDLING): NEEDLING,
    (START_RETENTION, NEEDLING): RETENTION,
    (EXTEND_RETENTION, RETENTION): RETENTION,
    # A needle taken out while needling (the client flinched) keeps the session needling.
    (REMOVE_NEEDLE, NEEDLING): NEEDLING,
    (REMOVE_NEEDLE, RETENTION): REMOVAL,
    (REMOVE_NEEDLE, REMOVAL): REMOVAL,
    (FILE_INCIDENT, NEEDLING): NEEDLING,
    (FILE_INCIDENT, RETENTION): RETENTION,
    (FILE_INCIDENT, REMOVAL): REMOVAL,
    (MOISTURIZE, REMOVAL): MOISTURIZED,
    (ISSUE_AFTERCARE, MOISTURIZED): AFTERCARE_ISSUED,
    (COMPLETE_SESSION, AFTERCARE_ISSUED): COMPLETE,
    **{(CANCEL, s): CANCELLED for s in (SCHEDULED, CHECKED_IN, SKIN_ASSESSED, CLEANSED)},
    **{(ABANDON, s): ABANDONED for s in (NEEDLING, RETENTION, REMOVAL)},
    **{(RECORD_EVENT, s): s for s in ACTIVE_STATES},
    **{(CHOOSE_LOT, s): s for s in (SCHEDULED, CHECKED_IN, SKIN_ASSESSED, CLEANSED, NEEDLING)},
}

ACTION_LABELS = {
    CHECK_IN: "Check in",
    ASSESS_SKIN: "Record the skin assessment",
    CLEANSE: "Skin cleansed",
    INSERT_NEEDLE: "Insert a needle",
    START_RETENTION: "Last needle is in: start retention",
    EXTEND_RETENTION: "Add minutes",
    REMOVE_NEEDLE: "Remove a needle",
    FILE_INCIDENT: "File a missing-needle incident",
    MOISTURIZE: "Skin cleansed and moisturized",
    ISSUE_AFTERCARE: "Issue the aftercare sheet",
    COMPLETE_SESSION: "Complete the session",
    CANCEL: "Cancel the session",
    ABANDON: "Abandon the session",
    RECORD_EVENT: "Record an event",
    CHOOSE_LOT: "Choose the needle lot",
}


# How a sentence names an action and a state: "You cannot start retention now: the session is at
# needle removal." (the labels above are for buttons and chips, not for sentences).
ACTION_PHRASES = {
    CHECK_IN: "check in",
    ASSESS_SKIN: "record the skin assessment",
    CLEANSE: "mark the skin cleansed",
    INSERT_NEEDLE: "insert a needle",
    START_RETENTION: "start retention",
    EXTEND_RETENTION: "add minutes",
    REMOVE_NEEDLE: "remove a needle",
    FILE_INCIDENT: "file a missing-needle incident",
    MOISTURIZE: "mark the skin cleansed and moisturized",
    ISSUE_AFTERCARE: "issue the aftercare sheet",
    COMPLETE_SESSION: "complete the session",
    CANCEL: "cancel the session",
    ABANDON: "abandon the session",
    RECORD_EVENT: "record an event",
    CHOOSE_LOT: "choose the needle lot",
}
STATE_PHRASES = {
    SCHEDULED: "scheduled and not checked in yet",
    CHECKED_IN: "checked in",
    SKIN_ASSESSED: "past the skin assessment",
    CLEANSED: "cleansed, before the first needle",
    NEEDLING: "at needling",
    RETENTION: "in retention",
    REMOVAL: "at needle removal",
    MOISTURIZED: "cleansed and moisturized",
    AFTERCARE_ISSUED: "past the aftercare sheet",
    COMPLETE: "complete",
    CANCELLED: "cancelled",
    ABANDONED: "abandoned",
}


class SessionStateError(Exception):
    """An action the session's state or its needles do not allow; the message is for people."""


@dataclasses.dataclass(frozen=True)
class SessionFacts:
    """What the guards look at: the state and the needle counts."""

    state: str
    needle_count_in: int = 0
    needle_count_out: int = 0
    needles_missing_filed: int = 0  # needles covered by missing-needle incidents

    @property
    def needles_in_skin(self) -> int:
        return self.needle_count_in - self.needle_count_out

    @property
    def needles_unaccounted(self) -> int:
        return max(0, self.needles_in_skin - self.needles_missing_filed)


def needles_accounted(facts: SessionFacts) -> bool:
    """Count out equals count in, or incidents cover every needle still not out."""
    return facts.needles_unaccounted == 0


def _unaccounted_message(facts: SessionFacts, doing: str) -> str:
    return (
        f"{facts.needle_count_out} of {facts.needle_count_in} needles are out: "
        f"{facts.needles_unaccounted} still unaccounted for. Remove every needle, or file a "
        f"missing-needle incident, before you {doing}."
    )


def guard_problem(action: str, facts: SessionFacts) -> str | None:
    """Why the needles forbid `action` now, or None."""
    if action == START_RETENTION and facts.needles_in_skin <= 0:
        return "No needle is in: insert at least one before retention starts."
    if action == REMOVE_NEEDLE and facts.needles_in_skin <= 0:
        return "Every needle is already out."
    if action == FILE_INCIDENT and facts.needles_unaccounted <= 0:
        return "No needle is unaccounted for: there is nothing to file."
    if action == MOISTURIZE and not needles_accounted(facts):
        return _unaccounted_message(facts, "cleanse and moisturize")
    if action == COMPLETE_SESSION and not needles_accounted(facts):
        return _unaccounted_message(facts, "complete the session")
    if action == ABANDON and not needles_accounted(facts):
        return _unaccounted_message(facts, "abandon the session")
    return None


def next_state(action: str, facts: SessionFacts) -> str:
    """The state after `action`, or SessionStateError saying why it cannot be done."""
    if action not in ACTION_LABELS:
        raise SessionStateError(f"Unknown action {action!r}.")
    after = TRANSITIONS.get((action, facts.state))
    if after is None:
        what = ACTION_PHRASES[action]
        where = STATE_PHRASES.get(facts.state, "in a step that allows no change")
        raise SessionStateError(f"You cannot {what} now: the session is {where}.")
    problem = guard_problem(action, facts)
    if problem:
        raise SessionStateError(problem)
    return after


def legal_actions(facts: SessionFacts) -> frozenset[str]:
    """Every action the server would accept now (what the page offers)."""
    found = set()
    for action, state in TRANSITIONS:
        if state == facts.state and guard_problem(action, facts) is None:
            found.add(action)
    return frozenset(found)


def tap_keeps_steps(before_state: str, after: SessionFacts, *, needle_went_in: bool) -> bool:
    """Whether a needle tap left the session's steps as they were: the same state and the same
    legal actions, so the page needs only its counts, chart and needle list redrawn."""
    before = dataclasses.replace(
        after,
        state=before_state,
        needle_count_in=after.needle_count_in - int(needle_went_in),
        needle_count_out=after.needle_count_out - int(not needle_went_in),
    )
    return before.state == after.state and legal_actions(before) == legal_actions(after)
