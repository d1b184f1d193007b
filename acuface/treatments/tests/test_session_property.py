"""Random sequences of session actions (hypothesis, stateful): the needle rules always hold.

Every action goes through the real services against the test database, sometimes with the
version of a page another device has already changed. Invariants checked after every step:
no session gets past removal (moisturized, aftercare, complete, abandoned) with a needle
unaccounted for and no incident covering it; counts never negative, count out ≤ count in;
retention never ends before it starts; lot stock never negative and always equal to what was
received minus the needles taken from it; an illegal action raises the domain error and
changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as hs
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from acuface.core.models import Clinic, User
from acuface.treatments import selectors, services, states
from acuface.treatments.models import Needle, NeedleLot, SessionEventKind, TreatmentSession
from acuface.treatments.services import StaleSession
from acuface.treatments.states import SessionStateError
from acuface.treatments.tests.factories import POINTS, needle_lot, ready_client

PAST_REMOVAL = {states.MOISTURIZED, states.AFTERCARE_ISSUED, states.COMPLETE, states.ABANDONED}
WATCHED = (
    "state",
    "version",
    "retention_ends_at",
    "needles_out_at",
    "facial_lot_id",
    "makeup_free_at",
    "completed_at",
)


def _row(session: TreatmentSession) -> tuple[Any, ...]:
    fresh = TreatmentSession.objects.get(pk=session.pk)
    needles = list(Needle.objects.filter(session=session).values_list("id", "removed_at"))
    return (*(getattr(fresh, f) for f in WATCHED), tuple(sorted(needles)))


def make_machine(clinic: Clinic, actor: User, base: dt.datetime) -> type[RuleBasedStateMachine]:
    client = ready_client(clinic=clinic, actor=actor)
    good = needle_lot(clinic=clinic, lot_number="GOOD", quantity=100_000)
    small = needle_lot(clinic=clinic, lot_number="SMALL", quantity=3)
    expired = needle_lot(
        clinic=clinic, lot_number="OLD", expires_on=base.date() - dt.timedelta(days=1)
    )
    lots = [good, small, expired]
    reached: set[str] = set()

    class SessionMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.traveller = time_machine.travel(base, tick=False)
            self.clock = self.traveller.start()
            self.session = services.session_schedule(
                actor=actor, client=client, scheduled_at=timezone.now()
            )
            self.illegal = 0

        def teardown(self) -> None:
            self.traveller.stop()

        def attempt(self, call: Callable[[int], object], stale: bool = False) -> None:
            version = TreatmentSession.objects.get(pk=self.session.pk).version
            before = _row(self.session)
            try:
                call(version - 1 if stale else version)
            except StaleSession:
                assert stale, "a current version was called stale"
                assert _row(self.session) == before, "a stale action changed something"
            except (SessionStateError, ValidationError):
                assert _row(self.session) == before, "a refused action changed something"
                self.illegal += 1
            else:
                assert not stale, "a stale version was accepted"
                reached.add(TreatmentSession.objects.get(pk=self.session.pk).state)

        # --- the actions --------------------------------------------------------------------

        @rule(steps=hs.integers(1, 8), lose_needle=hs.booleans())
        def proceed(self, steps: int, lose_needle: bool) -> None:
            """The next steps a practitioner would take, so random runs get to the end often."""
            for _ in range(steps):
                self.proceed_one(lose_needle)

        def proceed_one(self, lose_needle: bool) -> None:
            session = TreatmentSession.objects.get(pk=self.session.pk)
            facts = selectors.session_facts(session=session)
            s = self.session
            nexts: dict[str, Callable[[int], object]] = {
                states.SCHEDULED: lambda v: services.session_check_in(
                    actor=actor, session=s, version=v
                ),
                states.CHECKED_IN: lambda v: services.session_assess_skin(
                    actor=actor, session=s, version=v, fitzpatrick="I", glogau="I", region_grades={}
                ),
                states.SKIN_ASSESSED: lambda v: services.session_cleanse(
                    actor=actor, session=s, version=v
                ),
                states.CLEANSED: lambda v: services.session_lots_choose(
                    actor=actor, session=s, version=v, facial_lot=good, body_lot=good
                ),
                states.RETENTION: lambda v: services.retention_extend(
                    actor=actor, session=s, version=v, minutes=1
                ),
                states.MOISTURIZED: lambda v: services.aftercare_issue(
                    actor=actor, session=s, version=v
                ),
                states.AFTERCARE_ISSUED: lambda v: services.session_complete(
                    actor=actor, session=s, version=v
                ),
            }
            if session.state == states.CLEANSED and session.facial_lot_id == good.pk:
                code, side = POINTS[0]
                nexts[states.CLEANSED] = lambda v: services.needle_insert(
                    actor=actor, session=s, version=v, code=code, side=side
                )
            if session.state == states.NEEDLING and facts.needle_count_in < 2:
                code2, side2 = POINTS[1]
                nexts[states.NEEDLING] = lambda v: services.needle_insert(
                    actor=actor, session=s, version=v, code=code2, side=side2
                )
            elif session.state == states.NEEDLING:
                nexts[states.NEEDLING] = lambda v: services.retention_start(
                    actor=actor, session=s, version=v
                )
            if session.state in (states.RETENTION, states.REMOVAL) and facts.needles_in_skin:
                needle = Needle.objects.filter(session=s, removed_at__isnull=True).first()
                assert needle is not None
                nexts[session.state] = lambda v: services.needle_remove(
                    actor=actor,
                    session=s,
                    version=v,
                    code=needle.point.code,
                    side=needle.side,
                    reason="client asked to stop",
                )
            if session.state == states.REMOVAL and lose_needle and facts.needles_unaccounted:
                nexts[states.REMOVAL] = lambda v: services.missing_needle_incident_file(
                    actor=actor, session=s, version=v, searched_where="couch", outcome="not found"
                )
            if session.state == states.REMOVAL and not facts.needles_unaccounted:
                nexts[states.REMOVAL] = lambda v: services.session_moisturize(
                    actor=actor, session=s, version=v
                )
            if session.state in nexts:
                self.attempt(nexts[session.state])

        @rule(stale=hs.booleans())
        def check_in(self, stale: bool) -> None:
            self.attempt(
                lambda v: services.session_check_in(actor=actor, session=self.session, version=v),
                stale,
            )

        @rule()
        def assess(self) -> None:
            self.attempt(
                lambda v: services.session_assess_skin(
                    actor=actor,
                    session=self.session,
                    version=v,
                    fitzpatrick="II",
                    glogau="II",
                    region_grades={"forehead": 1},
                )
            )

        @rule()
        def cleanse(self) -> None:
            self.attempt(
                lambda v: services.session_cleanse(actor=actor, session=self.session, version=v)
            )

        @rule(lot=hs.sampled_from(lots))
        def choose_lot(self, lot: NeedleLot) -> None:
            self.attempt(
                lambda v: services.session_lots_choose(
                    actor=actor, session=self.session, version=v, facial_lot=lot, body_lot=lot
                )
            )

        @rule(point=hs.sampled_from(POINTS), stale=hs.booleans())
        def insert(self, point: tuple[str, str], stale: bool) -> None:
            code, side = point
            self.attempt(
                lambda v: services.needle_insert(
                    actor=actor, session=self.session, version=v, code=code, side=side
                ),
                stale,
            )

        @rule(point=hs.sampled_from(POINTS), reason=hs.sampled_from(["", "client asked to stop"]))
        def remove(self, point: tuple[str, str], reason: str) -> None:
            code, side = point
            self.attempt(
                lambda v: services.needle_remove(
                    actor=actor,
                    session=self.session,
                    version=v,
                    code=code,
                    side=side,
                    reason=reason,
                )
            )

        @rule(minutes=hs.integers(-5, 120) | hs.none(), reason=hs.sampled_from(["", "short"]))
        def start_retention(self, minutes: int | None, reason: str) -> None:
            self.attempt(
                lambda v: services.retention_start(
                    actor=actor, session=self.session, version=v, minutes=minutes, reason=reason
                )
            )

        @rule(minutes=hs.integers(-5, 60))
        def extend(self, minutes: int) -> None:
            self.attempt(
                lambda v: services.retention_extend(
                    actor=actor, session=self.session, version=v, minutes=minutes
                )
            )

        @rule(minutes=hs.integers(0, 20))
        def time_passes(self, minutes: int) -> None:
            self.clock.shift(dt.timedelta(minutes=minutes))

        @rule(searched=hs.sampled_from(["", "couch and floor"]))
        def file_incident(self, searched: str) -> None:
            self.attempt(
                lambda v: services.missing_needle_incident_file(
                    actor=actor,
                    session=self.session,
                    version=v,
                    searched_where=searched,
                    outcome="not found",
                )
            )

        @rule(kind=hs.sampled_from(SessionEventKind.values))
        def event(self, kind: str) -> None:
            self.attempt(
                lambda v: services.session_event_record(
                    actor=actor, session=self.session, version=v, kind=kind, note="noted"
                )
            )

        @rule(stale=hs.booleans())
        def moisturize(self, stale: bool) -> None:
            self.attempt(
                lambda v: services.session_moisturize(actor=actor, session=self.session, version=v),
                stale,
            )

        @rule()
        def issue_aftercare(self) -> None:
            self.attempt(
                lambda v: services.aftercare_issue(actor=actor, session=self.session, version=v)
            )

        @rule(stale=hs.booleans())
        def complete(self, stale: bool) -> None:
            self.attempt(
                lambda v: services.session_complete(actor=actor, session=self.session, version=v),
                stale,
            )

        @rule(reason=hs.sampled_from(["", "client unwell"]))
        def cancel(self, reason: str) -> None:
            self.attempt(
                lambda v: services.session_cancel(
                    actor=actor, session=self.session, version=v, reason=reason
                )
            )

        @rule(reason=hs.sampled_from(["", "client asked to stop"]))
        def abandon(self, reason: str) -> None:
            self.attempt(
                lambda v: services.session_abandon(
                    actor=actor, session=self.session, version=v, reason=reason
                )
            )

        # --- what must always hold ----------------------------------------------------------

        @invariant()
        def needles_are_accounted_for_past_removal(self) -> None:
            session = TreatmentSession.objects.get(pk=self.session.pk)
            reached.add(session.state)
            if session.missing_needle_incidents.exists():
                reached.add("incident")
            facts = selectors.session_facts(session=session)
            assert facts.needle_count_out >= 0
            assert facts.needle_count_out <= facts.needle_count_in
            if session.state in PAST_REMOVAL:
                assert states.needles_accounted(facts), (session.state, facts)
            if session.state == states.COMPLETE:
                assert session.follow_ups.count() == 2

        @invariant()
        def retention_ends_after_it_starts(self) -> None:
            session = TreatmentSession.objects.get(pk=self.session.pk)
            if session.retention_started_at is not None:
                assert session.retention_ends_at is not None
                assert session.retention_ends_at > session.retention_started_at
            if session.makeup_free_at is not None:
                assert session.needles_out_at is not None
                assert session.makeup_free_at == session.needles_out_at + dt.timedelta(hours=4)

        @invariant()
        def stock_matches_the_needles(self) -> None:
            for lot in NeedleLot.objects.filter(pk__in=[x.pk for x in lots]):
                assert lot.quantity_left >= 0
                used = Needle.objects.filter(lot=lot).count()
                assert lot.quantity_received - lot.quantity_left == used, lot.lot_number
            assert not Needle.objects.filter(lot=expired).exists()

    SessionMachine.reached = reached  # type: ignore[attr-defined]
    return SessionMachine


@pytest.mark.django_db
def test_random_sessions_never_lose_a_needle(clinic_a: Clinic, practitioner_a: User) -> None:
    local = timezone.localdate(timezone.now(), clinic_a.zone)
    base = dt.datetime.combine(local, dt.time(10, 0), tzinfo=clinic_a.zone)
    machine = make_machine(clinic_a, practitioner_a, base)
    run_state_machine_as_test(
        machine,
        settings=settings(max_examples=40, stateful_step_count=30, deadline=None, derandomize=True),
    )
    # The runs must have got somewhere, or the invariants above were never put to the test;
    # derandomized, so the same sequences run every time and this check cannot flake.
    # (The incident path is rare in random runs; test_services covers it step by step.)
    wanted = {states.RETENTION, states.MOISTURIZED, states.COMPLETE}
    assert wanted <= machine.reached, sorted(machine.reached)
