"""Sheets issued before sheets were stored get their record, rebuilt from what the rows kept.

Such a sheet was rendered live on every download. Its record is rebuilt here once, so that
from now on every download is the same sheet: the times are the session's stored ones; the
wording is version 1, the one those sheets were printed with; the next session is the one that
was booked (made before the sheet was issued, not cancelled or started by then); the check-in
link is the one the sheet printed (it names the session and the moment its needles came out).
What the rows cannot tell is taken as it stands now and marked: the clinic's contact details.
These sheets have no stored PDF; each download renders one from this record, without writing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core import signing
from django.db import migrations
from django.urls import reverse

FOLLOW_UPS = (("24h", "24 hours after", 24 * 3600), ("7d", "7 days after", 7 * 24 * 3600))
SESSION_LINK_SALT = "acuface.aftercare.session-link"
TEXTS_V1 = {
    "what_to_expect": [
        "Tenderness or a little pain where the needles were usually settles within 24 hours.",
        "A small bruise can appear; bruising can take up to a week to fade.",
        "Minor bleeding at a needle site stops with light pressure from a clean tissue.",
        "Rarer: a rash, nausea, dizziness, an allergic reaction or a skin infection.",
    ],
    "emergency_signs": [
        "Swelling of your lips, eyes or throat",
        "Hives (raised, itchy patches) spreading over your skin",
        "Trouble breathing",
    ],
    "emergency_advice": (
        "Call your local emergency number (999 in the UK, 112 in the EU, 911 in the US) "
        "straight away."
    ),
    "doctor_signs": [
        "Redness, warmth or swelling that is growing after the first 24 hours",
        "Pus at a needle site",
        "A fever",
    ],
    "doctor_advice": "See a doctor the same day, and let the clinic know.",
    "call_clinic_signs": [
        "Bleeding that does not stop after 2 minutes of firm pressure",
        "Pain still 4 out of 10 or worse after 24 hours, or getting worse",
        "A bruise that is growing, or still there after 7 days",
        "Dizziness or feeling faint after you have left",
    ],
}


def _clock(moment, zone):
    local = moment.astimezone(zone)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B}"


def _link(session):
    stamp = int(session.needles_out_at.timestamp())
    token = signing.Signer(salt=SESSION_LINK_SALT).sign(f"{session.pk}.{stamp}")
    path = reverse("aftercare:session-checkin", kwargs={"token": token})
    return str(settings.SITE_URL).rstrip("/") + path


def _facts(session, sessions, overrides):
    client = session.client
    clinic = client.clinic
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    issued_at = session.aftercare_issued_at or session.completed_at or session.needles_out_at
    booked = (
        sessions.filter(
            client_id=session.client_id,
            scheduled_at__gt=session.scheduled_at,
            created_at__lte=issued_at,
        )
        .exclude(pk=session.pk)
        .exclude(cancelled_at__lte=issued_at)
        .exclude(checked_in_at__lte=issued_at)
        .order_by("scheduled_at")
        .first()
    )
    day = session.scheduled_at.astimezone(zone)
    return issued_at, {
        "schema": 1,
        "texts_version": 1,
        "reconstructed": (
            "Rebuilt from the stored session when sheets began to be kept; the clinic's "
            "contact details are those it had when this record was made."
        ),
        "issued_at": issued_at.isoformat(),
        "issued_clock": _clock(issued_at, zone),
        "session_id": session.pk,
        "filename": f"aftercare-{day:%Y-%m-%d}-session-{session.pk}.pdf",
        "clinic": {
            "name": clinic.name,
            "phone": clinic.phone,
            "email": clinic.email,
            "address": clinic.address,
            "emergency_number": clinic.emergency_number,
            "time_zone": clinic.time_zone,
        },
        "client": {
            "full_name": f"{client.first_name} {client.last_name}".strip(),
            "first_name": client.first_name,
        },
        "needles_out_at": session.needles_out_at.isoformat(),
        "needles_out_clock": _clock(session.needles_out_at, zone),
        "makeup_free_at": session.makeup_free_at.isoformat(),
        "makeup_free_clock": _clock(session.makeup_free_at, zone),
        "risk_notes": [str(note) for note in session.aftercare_risk_notes or []],
        "next_session": {
            "at": booked.scheduled_at.isoformat(),
            "clock": _clock(booked.scheduled_at, zone),
        }
        if booked is not None
        else None,
        "checkins": [
            {
                "kind": kind,
                "label": label,
                "due_at": (session.needles_out_at + dt.timedelta(seconds=after)).isoformat(),
                "due_clock": _clock(session.needles_out_at + dt.timedelta(seconds=after), zone),
            }
            for kind, label, after in FOLLOW_UPS
        ],
        "checkin_link": _link(session),
        "point_overrides": [
            {
                "point": o.point.code,
                "side": {"right": "client's right", "left": "client's left"}.get(o.side, o.side),
                "restriction": o.restriction,
                "reason": o.reason,
            }
            for o in overrides.filter(session=session).select_related("point")
        ],
        "texts": TEXTS_V1,
    }


def sheets_for_earlier_issues(apps, schema_editor):
    TreatmentSession = apps.get_model("treatments", "TreatmentSession")
    AftercareSheet = apps.get_model("treatments", "AftercareSheet")
    PointOverride = apps.get_model("treatments", "PointOverride")
    earlier = (
        TreatmentSession.objects.filter(
            makeup_free_at__isnull=False,
            needles_out_at__isnull=False,
            aftercare_sheet__isnull=True,
        )
        .select_related("client__clinic")
        .order_by("pk")
    )
    for session in earlier.iterator(chunk_size=200):
        issued_at, facts = _facts(session, TreatmentSession.objects.all(), PointOverride.objects)
        AftercareSheet.objects.create(session=session, issued_at=issued_at, facts=facts)


def forget_rebuilt_sheets(apps, schema_editor):
    AftercareSheet = apps.get_model("treatments", "AftercareSheet")
    AftercareSheet.objects.filter(facts__has_key="reconstructed").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_clinic_contact_address_emergency_number"),
        ("treatments", "0003_aftercare_sheet_as_issued"),
    ]

    operations = [
        migrations.RunPython(sheets_for_earlier_issues, forget_rebuilt_sheets, elidable=False),
    ]
