"""The client's check-in page from the signed link: answers, advice, hostile input, bad links."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.aftercare import selectors
from acuface.aftercare.models import AdverseEvent, CheckIn, Escalation
from acuface.aftercare.tests.factories import checkins_of, completed_session, post_data
from acuface.aftercare.tests.world import tiny_png
from acuface.core.models import AuditEvent, Clinic, User

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
DAY_1 = T0 + dt.timedelta(days=1, hours=1)


@pytest.fixture
def checkins(clinic_a: Clinic, practitioner_a: User) -> dict[str, CheckIn]:
    with time_machine.travel(T0, tick=False):
        session = completed_session(clinic=clinic_a, actor=practitioner_a, email="mia@example.com")
        return checkins_of(session)


def url(checkin: CheckIn) -> str:
    return reverse(
        "aftercare:checkin-fill", kwargs={"token": selectors.checkin_link_token(checkin)}
    )


@pytest.fixture(autouse=True)
def at_day_1() -> Any:
    with time_machine.travel(DAY_1, tick=False):
        yield


def test_the_form_opens_without_login(checkins: dict[str, CheckIn]) -> None:
    page = HttpClient().get(url(checkins["24h"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="pain"' in text and "data-face-chart" in text and 'name="photo"' in text
    assert "Clinic A" in text


def test_answers_are_saved_once_and_the_link_is_then_used(
    checkins: dict[str, CheckIn], django_capture_on_commit_callbacks: Any
) -> None:
    http = HttpClient()
    with django_capture_on_commit_callbacks(execute=True):
        answer = http.post(url(checkins["24h"]), post_data(pain="2", comments="All fine"))
    assert answer.status_code == 302
    checkin = CheckIn.objects.get(pk=checkins["24h"].pk)
    assert checkin.answered_at is not None and checkin.answers["pain"] == 2
    audit = AuditEvent.objects.get(
        action="submitted", object_type="aftercare.checkin", object_id=str(checkin.pk)
    )
    assert audit.actor is None and audit.actor_label == "client (check-in link)"
    thanks = http.get(url(checkin))
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
    again = http.post(url(checkin), post_data(pain="9"))
    assert again.status_code == 200 and "Thank you" in again.content.decode()
    assert CheckIn.objects.get(pk=checkin.pk).answers["pain"] == 2
    assert not Escalation.objects.exists() and mail.outbox == []


def test_allergy_signs_show_emergency_advice_at_once(
    checkins: dict[str, CheckIn], django_capture_on_commit_callbacks: Any
) -> None:
    http = HttpClient()
    with django_capture_on_commit_callbacks(execute=True):
        http.post(url(checkins["24h"]), post_data(allergy_signs=["lips_eyes"]))
    page = http.get(url(checkins["24h"])).content.decode()
    # The clinic's own local emergency number (999 for the test clinics).
    assert 'data-advice="emergency"' in page and "Call 999 now" in page
    assert 'data-advice="see_doctor"' not in page
    event = AdverseEvent.objects.get(kind="allergy")
    assert event.escalation.is_open
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["practitioner@a.test"]


def test_infection_signs_show_see_a_doctor_advice(checkins: dict[str, CheckIn]) -> None:
    http = HttpClient()
    http.post(url(checkins["7d"]), post_data(infection_signs=["pus", "warmth"]))
    page = http.get(url(checkins["7d"])).content.decode()
    assert 'data-advice="see_doctor"' in page and 'data-advice="emergency"' not in page
    assert AdverseEvent.objects.get(kind="infection").escalation.is_open


def test_the_form_shows_the_advice_before_sending_too(checkins: dict[str, CheckIn]) -> None:
    page = HttpClient().get(url(checkins["24h"])).content.decode()
    assert 'data-advice="emergency"' in page and 'data-advice="see_doctor"' in page  # shown by JS


def test_bruise_places_from_the_face_chart(checkins: dict[str, CheckIn]) -> None:
    data = post_data(
        bruising="yes", bruise_points="ST2:right,GB1:left", bruise_size="small", bruise_colour="red"
    )
    HttpClient().post(url(checkins["24h"]), data)
    event = AdverseEvent.objects.get(kind="bruising")
    assert event.locations == [["ST2", "right"], ["GB1", "left"]]
    assert not event.off_course_reason  # a bruise at 24 hours is expected


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pain": "11"}, "pain"),
        ({"pain": "-1"}, "pain"),
        ({"pain": "abc"}, "pain"),
        ({"pain": ""}, "pain"),
        ({"bruising": "yes", "bruise_points": "ST2:upside"}, "bruise_points"),
        ({"bruising": "yes", "bruise_points": "NOPE:right"}, "bruise_points"),
        ({"bruising": "yes", "bruise_points": "<script>alert(1)</script>:left"}, "bruise_points"),
        ({"comments": "x" * 2001}, "comments"),
        ({"allergy_signs": ["drop table"]}, "allergy_signs"),
        ({"makeup_waited": "maybe"}, "makeup_waited"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_kept(
    checkins: dict[str, CheckIn], overrides: dict[str, Any], field: str
) -> None:
    data = post_data(
        comments="kept words", **{k: v for k, v in overrides.items() if k != "comments"}
    )
    if "comments" in overrides:
        data["comments"] = overrides["comments"]
    page = HttpClient().post(url(checkins["24h"]), data)
    assert page.status_code == 200
    text = page.content.decode()
    assert f'id="id_{field}_error"' in text or (
        field == "bruise_points" and "Tap the face chart again" in text
    )
    if "comments" not in overrides:
        assert "kept words" in text
    assert "<script>alert(1)</script>" not in text
    assert CheckIn.objects.get(pk=checkins["24h"].pk).answered_at is None


def test_html_in_answers_is_shown_escaped_to_staff(
    checkins: dict[str, CheckIn], as_practitioner_a: HttpClient
) -> None:
    HttpClient().post(url(checkins["24h"]), post_data(comments="<script>alert('x')</script>"))
    page = as_practitioner_a.get(
        reverse("aftercare:checkin-detail", kwargs={"checkin_id": checkins["24h"].pk})
    )
    text = page.content.decode()
    assert "<script>alert('x')</script>" not in text and "&lt;script&gt;" in text


def test_a_photo_is_kept_and_shown_only_to_clinical_staff(
    checkins: dict[str, CheckIn], as_practitioner_a: HttpClient, as_front_desk_a: HttpClient
) -> None:
    photo = SimpleUploadedFile("face.png", tiny_png(), content_type="image/png")
    HttpClient().post(url(checkins["24h"]), {**post_data(), "photo": photo})
    checkin = CheckIn.objects.get(pk=checkins["24h"].pk)
    assert checkin.photo
    photo_url = reverse("aftercare:checkin-photo", kwargs={"checkin_id": checkin.pk})
    assert as_practitioner_a.get(photo_url).status_code == 200
    assert as_front_desk_a.get(photo_url).status_code == 404
    assert HttpClient().get(photo_url).status_code == 302


def test_a_check_in_photo_loses_its_gps_location(checkins: dict[str, CheckIn]) -> None:
    from PIL import Image

    from acuface.photos.tests.test_uploads import GPS_IFD, jpeg_with_gps

    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(GPS_IFD)
    photo = SimpleUploadedFile("me.jpg", jpeg_with_gps(), content_type="image/jpeg")
    HttpClient().post(url(checkins["24h"]), {**post_data(), "photo": photo})
    checkin = CheckIn.objects.get(pk=checkins["24h"].pk)
    stored = Image.open(checkin.photo.open("rb"))
    assert not stored.getexif() and "exif" not in stored.info


def test_a_file_that_is_not_an_image_is_refused(checkins: dict[str, CheckIn]) -> None:
    fake = SimpleUploadedFile("face.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    page = HttpClient().post(url(checkins["24h"]), {**post_data(comments="kept"), "photo": fake})
    assert page.status_code == 200 and 'id="id_photo_error"' in page.content.decode()
    assert "kept" in page.content.decode()


@pytest.mark.parametrize(
    "token",
    ["nonsense", "1.abc:forged", "x" * 500, "0.a:b", "99999999999999999999999.x:y"],
)
def test_tampered_links_open_nothing(checkins: dict[str, CheckIn], token: str) -> None:
    page = HttpClient().get(reverse("aftercare:checkin-fill", kwargs={"token": token}))
    assert page.status_code == 404 and "does not work" in page.content.decode()


def test_a_link_with_a_changed_id_is_refused(checkins: dict[str, CheckIn]) -> None:
    token = selectors.checkin_link_token(checkins["24h"])
    value, signature = token.rsplit(":", 1)
    other = str(checkins["7d"].pk) + value[value.index(".") :]
    page = HttpClient().get(
        reverse("aftercare:checkin-fill", kwargs={"token": f"{other}:{signature}"})
    )
    assert page.status_code == 404


def test_an_old_link_with_a_new_nonce_is_refused(checkins: dict[str, CheckIn]) -> None:
    old = url(checkins["24h"])
    CheckIn.objects.filter(pk=checkins["24h"].pk).update(link_nonce="renewed")
    assert HttpClient().get(old).status_code == 404


def test_links_expire(checkins: dict[str, CheckIn]) -> None:
    checkin = checkins["24h"]
    with time_machine.travel(checkin.link_expires_at - dt.timedelta(minutes=1), tick=False):
        assert HttpClient().get(url(checkin)).status_code == 200
    with time_machine.travel(checkin.link_expires_at, tick=False):
        page = HttpClient().get(url(checkin))
        assert page.status_code == 410 and "expired" in page.content.decode()
        posted = HttpClient().post(url(checkin), post_data(pain="5"))
        assert posted.status_code == 410
    assert CheckIn.objects.get(pk=checkin.pk).answered_at is None


def test_the_link_is_rate_limited(checkins: dict[str, CheckIn], settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.AFTERCARE_RATE_LIMIT = 3
    http = HttpClient()
    statuses = [http.get(url(checkins["24h"])).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    cache.clear()


def test_link_and_qr_code_for_the_aftercare_sheet(
    checkins: dict[str, CheckIn], settings: Any
) -> None:
    settings.SITE_URL = "https://clinic.example"
    follow_up = checkins["24h"].follow_up
    link = selectors.checkin_link_for(follow_up)
    assert link.startswith("https://clinic.example/aftercare/checkin/")
    assert HttpClient().get(link.removeprefix("https://clinic.example")).status_code == 200
    svg = selectors.checkin_qr_svg(follow_up)
    assert svg.startswith("<?xml") or "<svg" in svg


# --- the aftercare sheet's QR code: one link per session, opening whichever check-in is due ---


def sheet_url(session: Any) -> str:
    return reverse(
        "aftercare:session-checkin", kwargs={"token": selectors.session_checkin_token(session)}
    )


def test_the_sheet_link_opens_the_check_in_that_is_due(checkins: dict[str, CheckIn]) -> None:
    session = checkins["24h"].follow_up.session
    http = HttpClient()
    with time_machine.travel(T0 + dt.timedelta(hours=20), tick=False):
        early = http.get(sheet_url(session)).content.decode()
        assert "Report a problem now" in early and "Tuesday 3 March from 10:00" in early
    first = http.get(sheet_url(session))  # day 1
    assert first.status_code == 302 and first["Location"] == url(checkins["24h"])
    http.post(url(checkins["24h"]), post_data())
    between = http.get(sheet_url(session))
    assert between.status_code == 200 and "Monday 9 March from 10:00" in between.content.decode()
    with time_machine.travel(T0 + dt.timedelta(days=7, hours=1), tick=False):
        week = http.get(sheet_url(session))
        assert week["Location"] == url(checkins["7d"])
        http.post(url(checkins["7d"]), post_data())
        after = http.get(sheet_url(session)).content.decode()
        assert "Report a problem now" in after and "We will also ask" not in after


def test_the_sheet_link_before_completion_and_tampered(
    clinic_a: Clinic, practitioner_a: User
) -> None:
    from acuface.treatments.models import FollowUp

    with time_machine.travel(T0, tick=False):
        session = completed_session(clinic=clinic_a, actor=practitioner_a)
    FollowUp.objects.filter(session=session).delete()  # as when the sheet is printed
    page = HttpClient().get(sheet_url(session))
    assert page.status_code == 200 and "Report a problem now" in page.content.decode()
    token = selectors.session_checkin_token(session)
    for bad in (token[:-2] + "xx", "1.2:abc", str(session.pk)):
        bad_url = reverse("aftercare:session-checkin", kwargs={"token": bad})
        assert HttpClient().get(bad_url).status_code == 404
    svg = selectors.session_checkin_qr_svg(session)
    assert "<svg" in svg or "svg" in svg[:200]
