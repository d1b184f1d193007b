"""Demo needle stock (one lot expired, one low) and sessions: a few completed, one today.

Past sessions are written as rows with their own past timestamps: the services stamp "now",
and history cannot be made through them. Today's session goes through the service.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from acuface.atlas.models import TreatmentPlan
from acuface.clients.models import Client
from acuface.core.demo import DemoClinic
from acuface.treatments import aftercare, services, states
from acuface.treatments.models import (
    FollowUp,
    Needle,
    NeedleLot,
    NeedleProduct,
    TreatmentSession,
)

# brand, type, gauge, length, material; then its lots: number, months to expiry, received, left
DEMO_STOCK = [
    (
        ("Seirin J-type", "filiform", "0.16", "15", "stainless steel"),
        [("SJ-2610-A", 18, 1000, 760), ("SJ-2403-Z", -2, 500, 120)],
    ),
    (
        ("DongBang DB100", "filiform", "0.12", "13", "silicone-coated"),
        [("DB-26-117", 12, 500, 35)],
    ),
    (
        ("Pyonex press", "intradermal", "0.16", "1.5", "stainless steel"),
        [("PY-5521", 24, 200, 180)],
    ),
    (
        ("Seirin L-type (body)", "filiform", "0.20", "30", "stainless steel"),
        [("SL-8870", 20, 500, 410)],
    ),
]
PAST_SESSIONS = {("Zoë", "O'Brien"): 2, ("Amélie", "Dubois"): 1, ("Grace", "Adeyemi"): 1}


def _stock(demo: DemoClinic, today: dt.date) -> NeedleLot:
    owner = demo.staff["owner"]
    for (brand, kind, gauge, length, material), lots in DEMO_STOCK:
        product = NeedleProduct.objects.filter(clinic=demo.clinic, brand=brand).first()
        if product is None:
            product = services.needle_product_create(
                actor=owner,
                clinic=demo.clinic,
                brand=brand,
                needle_type=kind,
                gauge_mm=Decimal(gauge),
                length_mm=Decimal(length),
                material=material,
            )
        for number, months, received, left in lots:
            if NeedleLot.objects.filter(product=product, lot_number=number).exists():
                continue
            lot = services.needle_lot_receive(
                actor=owner,
                product=product,
                lot_number=number,
                expires_on=today + dt.timedelta(days=30 * months),
                quantity_received=received,
                low_stock_at=50,
            )
            # Needles used before the demo began.
            NeedleLot.objects.filter(pk=lot.pk).update(quantity_left=left)
    return NeedleLot.objects.get(product__clinic=demo.clinic, lot_number="SJ-2610-A")


def past_session_timeline(at: dt.datetime) -> dict[str, Any]:
    """The step timestamps of a demo session held at `at` (30 minutes of retention)."""
    minute = dt.timedelta(minutes=1)
    needles_in = at + 12 * minute
    ends = needles_in + 30 * minute
    out = ends + 4 * minute
    return {
        "scheduled_at": at,
        "checked_in_at": at,
        "assessed_at": at + 4 * minute,
        "cleansed_at": at + 8 * minute,
        "needling_started_at": at + 10 * minute,
        "retention_started_at": needles_in,
        "retention_ends_at": ends,
        "removal_started_at": ends + minute,
        "needles_out_at": out,
        "moisturized_at": out + 3 * minute,
        "aftercare_issued_at": out + 5 * minute,
        "makeup_free_at": out + dt.timedelta(hours=4),
        "completed_at": out + 6 * minute,
        "retention_minutes": 30,
    }


def demo_sheet(session: TreatmentSession) -> None:
    """The aftercare sheet a past demo session was given, made as the service makes one."""
    assert session.needles_out_at is not None
    issued_at = session.aftercare_issued_at or session.needles_out_at
    aftercare.sheet_make(session=session, issued_at=issued_at).save()


def _past_session(
    client: Client, plan: TreatmentPlan, lot: NeedleLot, demo: DemoClinic, at: dt.datetime
) -> None:
    practitioner = demo.staff["practitioner"]
    timeline = past_session_timeline(at)
    session = TreatmentSession.objects.create(
        client=client,
        practitioner=practitioner,
        plan=plan,
        state=states.COMPLETE,
        facial_lot=lot,
        **timeline,
        fitzpatrick="II",
        glogau="III",
        region_grades={"forehead": 2, "crows_feet_right": 3, "crows_feet_left": 3},
        version=20,
    )
    lines = [line for line in plan.lines.select_related("point") if not line.is_excluded]
    Needle.objects.bulk_create(
        Needle(
            session=session,
            point=line.point,
            side=line.side,
            lot=lot,
            inserted_at=timeline["needling_started_at"],
            inserted_by=practitioner,
            removed_at=timeline["removal_started_at"],
            removed_by=practitioner,
        )
        for line in lines
    )
    demo_sheet(session)
    out = timeline["needles_out_at"]
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                session=session,
                kind="24h",
                due_at=out + dt.timedelta(hours=24),
            ),
            FollowUp(session=session, kind="7d", due_at=out + dt.timedelta(days=7)),
        ]
    )


def load(demo: DemoClinic) -> None:
    zone = demo.clinic.zone
    now = timezone.now()
    today = timezone.localdate(now, zone)
    lot = _stock(demo, today)
    for (first, last), count in PAST_SESSIONS.items():
        client = Client.objects.filter(clinic=demo.clinic, first_name=first, last_name=last).first()
        plan = TreatmentPlan.objects.filter(client=client).first() if client else None
        if client is None or plan is None:
            continue
        if TreatmentSession.objects.filter(client=client).exists():
            continue
        for weeks in range(count, 0, -1):
            day = today - dt.timedelta(weeks=weeks)
            _past_session(client, plan, lot, demo, dt.datetime.combine(day, dt.time(10, 0), zone))
