"""The aftercare sheet: its facts fixed when it is issued, then shown, made into a PDF, e-mailed.

A sheet is a record of what the client was told. `sheet_facts` gathers everything it prints at
the moment it is issued (clock times in the clinic's time zone, the clinic's phone and emergency
number, the next session as it was booked then, the check-in times, the check-in link, the
wording); the page, the PDF and the e-mail are made from those stored facts only, so a later
booking, a new phone number or a reworded text never changes a sheet already issued.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from acuface.treatments import retention, selectors
from acuface.treatments.models import AftercareSheet, FollowUpKind, TreatmentSession
from acuface.treatments.retention import local_clock

DATA = Path(__file__).resolve().parent / "data" / "aftercare.json"
FACTS_SCHEMA = 1
SHEET_TEMPLATE = "treatments/aftercare_sheet.html"
EMAIL_TEMPLATE = "treatments/aftercare_email.txt"


@functools.lru_cache(maxsize=1)
def aftercare_texts() -> dict[str, Any]:
    """The sheet's wording, from data the clinic can edit."""
    texts: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return texts


def emergency_advice(emergency_number: str, texts: dict[str, Any]) -> str:
    """ "Call 999 straight away.", or the general wording when the clinic has not set it."""
    if emergency_number:
        return str(texts["emergency_advice"]).format(emergency_number=emergency_number)
    return str(texts["emergency_advice_without_number"])


def sheet_facts(*, session: TreatmentSession, issued_at: dt.datetime) -> dict[str, Any]:
    """Everything the sheet prints, as it stands at `issued_at` (JSON-ready)."""
    from acuface.aftercare.selectors import session_checkin_link

    if session.needles_out_at is None or session.makeup_free_at is None:
        raise ValueError("An aftercare sheet is made once the needles are out.")
    client = session.client
    clinic = client.clinic
    zone = clinic.zone
    texts = aftercare_texts()
    next_session = selectors.next_session_of(session=session)
    day = session.scheduled_at.astimezone(zone)
    return {
        "schema": FACTS_SCHEMA,
        "texts_version": texts["version"],
        "issued_at": issued_at.isoformat(),
        "issued_clock": local_clock(issued_at, zone),
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
        "client": {"full_name": client.full_name, "first_name": client.first_name},
        "needles_out_at": session.needles_out_at.isoformat(),
        "needles_out_clock": local_clock(session.needles_out_at, zone),
        "makeup_free_at": session.makeup_free_at.isoformat(),
        "makeup_free_clock": local_clock(session.makeup_free_at, zone),
        "risk_notes": [str(note) for note in session.aftercare_risk_notes or []],
        "next_session": {
            "at": next_session.scheduled_at.isoformat(),
            "clock": local_clock(next_session.scheduled_at, zone),
        }
        if next_session is not None
        else None,
        "checkins": [
            {
                "kind": kind,
                "label": FollowUpKind(kind).label,
                "due_at": (session.needles_out_at + after).isoformat(),
                "due_clock": local_clock(session.needles_out_at + after, zone),
            }
            for kind, after in retention.FOLLOW_UPS.items()
        ],
        "checkin_link": session_checkin_link(session),
        # Points screening advised against that the practitioner needled, each with its reason.
        "point_overrides": [
            {
                "point": override.point.code,
                "side": override.get_side_display(),
                "restriction": override.restriction,
                "reason": override.reason,
            }
            for override in session.point_overrides.select_related("point")
        ],
        "texts": {
            "what_to_expect": list(texts["what_to_expect"]),
            "emergency_signs": list(texts["emergency_signs"]),
            "emergency_advice": emergency_advice(clinic.emergency_number, texts),
            "doctor_signs": list(texts["doctor_signs"]),
            "doctor_advice": texts["doctor_advice"],
            "call_clinic_signs": list(texts["call_clinic_signs"]),
        },
    }


def qr_svg(link: str) -> SafeString:
    """`link` as an inline SVG QR code (our own generated markup, no user text)."""
    if not link:
        return SafeString("")
    image = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage)
    return mark_safe(str(image.to_string(encoding="unicode")))


def sheet_html(facts: dict[str, Any]) -> str:
    """The sheet's page, from its stored facts only."""
    return render_to_string(SHEET_TEMPLATE, {"sheet": facts, "qr": qr_svg(facts["checkin_link"])})


def sheet_pdf_render(facts: dict[str, Any]) -> bytes:
    """The sheet as a PDF (WeasyPrint), from its stored facts only."""
    import weasyprint

    html = weasyprint.HTML(string=sheet_html(facts), base_url=str(DATA.parent))
    pdf: bytes = html.write_pdf()
    return pdf


def sheet_make(*, session: TreatmentSession, issued_at: dt.datetime) -> AftercareSheet:
    """A new (unsaved) sheet of `session`: its facts as of `issued_at` and its PDF."""
    facts = sheet_facts(session=session, issued_at=issued_at)
    pdf = sheet_pdf_render(facts)
    return AftercareSheet(
        session=session,
        issued_at=issued_at,
        facts=facts,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )


def issued_sheet(session: TreatmentSession) -> AftercareSheet | None:
    """The sheet issued for `session`, or None before it is issued."""
    return AftercareSheet.objects.filter(session_id=session.pk).first()


def sheet_pdf(sheet: AftercareSheet) -> bytes:
    """The PDF as issued. A sheet issued before PDFs were stored is rendered from its facts."""
    stored = bytes(sheet.pdf or b"")
    return stored if stored else sheet_pdf_render(sheet.facts)


def sheet_email(sheet: AftercareSheet, *, to: str) -> EmailMessage:
    """The e-mail to the client, with the sheet's PDF as issued attached."""
    facts = sheet.facts
    clinic = facts["clinic"]
    message = EmailMessage(
        subject=f"Your aftercare from {clinic['name']}",
        body=render_to_string(EMAIL_TEMPLATE, {"sheet": facts}),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[clinic["email"]] if clinic["email"] else None,
    )
    message.attach(facts["filename"], sheet_pdf(sheet), "application/pdf")
    return message
