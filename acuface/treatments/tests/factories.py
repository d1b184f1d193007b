"""Clients ready for the couch, needle stock, and sessions driven to any state through services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from acuface.clients import selectors as client_selectors
from acuface.clients import services as client_services
from acuface.clients.models import Client
from acuface.core.models import Clinic, User
from acuface.intake import services as intake_services
from acuface.intake.tests.factories import submitted_intake
from acuface.treatments import selectors, services, states
from acuface.treatments.models import NeedleLot, NeedleProduct, TreatmentSession
from tests.factories import ClientFactory

TODAY_ANSWERS: dict[str, Any] = {
    "today_eaten": True,
    "today_unwell": False,
    "today_pregnant": "not_applicable",
    "today_new_medicines": False,
    "today_new_procedure": False,
}
# Facial points on both sides: (code, side) in the order they go in.
POINTS = [
    ("ST2", "right"),
    ("ST2", "left"),
    ("GB1", "right"),
    ("GB1", "left"),
    ("EX-HN3", "midline"),
]


def consent(client: Client, kind: str, actor: User | None = None) -> None:
    text = client_selectors.consent_texts_current()[kind]
    client_services.consent_sign(client=client, text=text, signature="Test Client", actor=actor)


def ready_client(
    *,
    clinic: Clinic,
    actor: User,
    client: Client | None = None,
    today: dict[str, Any] | None = None,
    **intake_overrides: Any,
) -> Client:
    """A client with treatment consent, a valid intake and today's check recorded."""
    client = client or ClientFactory(clinic=clinic)
    consent(client, "treatment", actor)
    submitted_intake(actor=actor, client=client, **intake_overrides)
    intake_services.today_check_record(
        actor=actor,
        client=client,
        on=selectors.clinic_today(clinic),
        answers=today or TODAY_ANSWERS,
    )
    return client


def needle_lot(
    *,
    clinic: Clinic,
    gauge_mm: str = "0.16",
    length_mm: str = "15",
    lot_number: str = "LOT-A1",
    expires_on: dt.date | None = None,
    quantity: int = 200,
    low_stock_at: int = 20,
    brand: str = "Seirin J-type",
) -> NeedleLot:
    product, _ = NeedleProduct.objects.get_or_create(
        clinic=clinic,
        brand=brand,
        gauge_mm=Decimal(gauge_mm),
        length_mm=Decimal(length_mm),
        defaults={"needle_type": "filiform", "material": "stainless steel"},
    )
    return NeedleLot.objects.create(
        product=product,
        lot_number=lot_number,
        expires_on=expires_on or timezone.localdate() + dt.timedelta(days=365),
        quantity_received=quantity,
        quantity_left=quantity,
        low_stock_at=low_stock_at,
    )


def fresh(session: TreatmentSession) -> TreatmentSession:
    return TreatmentSession.objects.select_related("client__clinic").get(pk=session.pk)


def session_in(
    state: str,
    *,
    actor: User,
    client: Client,
    lot: NeedleLot | None = None,
    points: list[tuple[str, str]] | None = None,
    minutes: int = 30,
    early_reason: str = "test: taken out before the end",
) -> TreatmentSession:
    """A session driven through the real services up to `state` (needling with `points`)."""
    s = services.session_schedule(actor=actor, client=client, scheduled_at=timezone.now())
    order = list(states.STATES[: states.STATES.index(state) + 1])
    points = POINTS[:2] if points is None else points

    def v() -> int:
        return fresh(s).version

    for step in order[1:]:
        if step == states.CHECKED_IN:
            services.session_check_in(actor=actor, session=s, version=v())
        elif step == states.SKIN_ASSESSED:
            services.session_assess_skin(
                actor=actor,
                session=s,
                version=v(),
                fitzpatrick="III",
                glogau="II",
                region_grades={"forehead": 2},
            )
        elif step == states.CLEANSED:
            services.session_cleanse(actor=actor, session=s, version=v())
        elif step == states.NEEDLING:
            assert lot is not None
            services.session_lots_choose(
                actor=actor, session=s, version=v(), facial_lot=lot, body_lot=lot
            )
            for code, side in points:
                services.needle_insert(actor=actor, session=s, version=v(), code=code, side=side)
        elif step == states.RETENTION:
            services.retention_start(actor=actor, session=s, version=v(), minutes=minutes)
        elif step == states.REMOVAL:
            for code, side in points:  # before the end: the reason is asked once
                services.needle_remove(
                    actor=actor, session=s, version=v(), code=code, side=side, reason=early_reason
                )
        elif step == states.MOISTURIZED:
            services.session_moisturize(actor=actor, session=s, version=v())
        elif step == states.AFTERCARE_ISSUED:
            services.aftercare_issue(actor=actor, session=s, version=v())
        elif step == states.COMPLETE:
            services.session_complete(actor=actor, session=s, version=v())
    return fresh(s)


def ready_to_needle(session: TreatmentSession, *, actor: User, lot: NeedleLot) -> TreatmentSession:
    """A checked-in session assessed, cleansed and with its lots chosen (both kinds: `lot`)."""
    v = fresh(session).version
    services.session_assess_skin(
        actor=actor,
        session=session,
        version=v,
        fitzpatrick="III",
        glogau="II",
        region_grades={"forehead": 2},
    )
    services.session_cleanse(actor=actor, session=session, version=v + 1)
    services.session_lots_choose(
        actor=actor, session=session, version=v + 2, facial_lot=lot, body_lot=lot
    )
    return fresh(session)


def acknowledge_flags(*, client: Client, actor: User) -> None:
    """The practitioner has read every defer and caution flag for today."""
    from acuface.intake import selectors as intake_selectors

    on = selectors.clinic_today(client.clinic)
    status = intake_selectors.intake_status(client=client, on=on)
    assert status.intake is not None
    for flag in status.unacknowledged:
        intake_services.flag_acknowledge(
            actor=actor, intake=status.intake, rule_id=flag.rule_id, on=on
        )
