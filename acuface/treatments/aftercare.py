"""The aftercare sheet: one template, shown as a printable page, made into a PDF, e-mailed."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from acuface.treatments import selectors
from acuface.treatments.models import TreatmentSession
from acuface.treatments.retention import local_clock

DATA = Path(__file__).resolve().parent / "data" / "aftercare.json"


@functools.lru_cache(maxsize=1)
def aftercare_texts() -> dict[str, Any]:
    """The sheet's wording, from data the clinic can edit."""
    texts: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return texts


def aftercare_context(session: TreatmentSession) -> dict[str, Any]:
    clinic = session.client.clinic
    if session.makeup_free_at is None:
        raise ValueError("The aftercare sheet is made once it has been issued.")
    next_session = selectors.next_session_of(session=session)
    return {
        "session": session,
        "client": session.client,
        "clinic": clinic,
        "texts": aftercare_texts(),
        "makeup_free_clock": local_clock(session.makeup_free_at, clinic.zone),
        "needles_out_clock": local_clock(session.needles_out_at, clinic.zone)
        if session.needles_out_at
        else "",
        "risk_notes": list(session.aftercare_risk_notes or []),
        "next_session_clock": local_clock(next_session.scheduled_at, clinic.zone)
        if next_session
        else "",
    }


def aftercare_html(session: TreatmentSession) -> str:
    return render_to_string("treatments/aftercare_sheet.html", aftercare_context(session))


def aftercare_pdf(session: TreatmentSession, *, base_url: str = "") -> bytes:
    """The sheet as a PDF (WeasyPrint)."""
    import weasyprint

    html = weasyprint.HTML(string=aftercare_html(session), base_url=base_url or str(DATA.parent))
    pdf: bytes = html.write_pdf()
    return pdf


def aftercare_filename(session: TreatmentSession) -> str:
    day = session.scheduled_at.astimezone(session.client.clinic.zone)
    return f"aftercare-{day:%Y-%m-%d}-session-{session.pk}.pdf"


def aftercare_email(session: TreatmentSession) -> EmailMessage:
    clinic = session.client.clinic
    context = aftercare_context(session)
    body = render_to_string("treatments/aftercare_email.txt", context)
    message = EmailMessage(
        subject=f"Your aftercare from {clinic.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[session.client.email],
        reply_to=[clinic.email] if clinic.email else None,
    )
    message.attach(aftercare_filename(session), aftercare_pdf(session), "application/pdf")
    return message
