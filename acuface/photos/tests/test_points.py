"""The overlay and drag-to-correct: chart frame, validation of hostile input, audit, carrying."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User
from acuface.photos import selectors, services
from acuface.photos.models import Photo, PointPosition, PositionSource
from acuface.photos.tests.factories import FACE_SCALE, canonical_analysis, make_photo


@pytest.fixture
def photo(client_a: Client) -> Photo:
    return make_photo(client_a)


def move(http: HttpClient, photo: Photo, **data: Any) -> Any:
    return http.post(reverse("photos:point-move", args=[photo.pk]), data)


def suggestion(photo: Photo, code: str, side: str) -> tuple[float, float]:
    xy = selectors.suggestion_of(photo, code, side)
    assert xy is not None
    return xy[0], xy[1]


def test_the_overlay_is_drawn_in_the_face_chart_frame(photo: Photo) -> None:
    from acuface.vision.chart import chart_points

    # The test photo is the canonical chart face scaled by FACE_SCALE, so the photo -> chart
    # transform must bring every point back onto the chart's own position of that point.
    chart = {(p.code, p.side): p.xy for p in chart_points().located()}
    points = selectors.overlay_points(photo)
    assert len(points) == len(chart)
    for point in points:
        cx, cy = chart[(point.code, point.side)]
        assert point.chart_x == pytest.approx(cx, abs=0.05)
        assert point.chart_y == pytest.approx(cy, abs=0.05)
        assert point.x == pytest.approx(cx * FACE_SCALE, abs=0.05)
        assert point.state == "suggested"


def test_the_photo_page_draws_every_located_point_with_its_label(
    as_practitioner_a: HttpClient, photo: Photo
) -> None:
    html = as_practitioner_a.get(reverse("photos:photo-detail", args=[photo.pk])).content.decode()
    assert html.count('class="pt suggested"') == len(selectors.suggested_points(photo))
    assert ">ST2 R</text>" in html and ">GV25</text>" in html
    assert "cannot be found on a frontal photo" in html  # ST8, the tragus row, GV24
    assert AuditEvent.objects.filter(action="viewed", object_type="photos.photo").count() == 1


def test_dragging_a_point_saves_it_with_its_anchor_and_audits_old_to_new(
    as_practitioner_a: HttpClient, photo: Photo, practitioner_a: User
) -> None:
    old = suggestion(photo, "ST2", "right")
    response = move(as_practitioner_a, photo, code="ST2", side="right", x="140.5", y="260.25")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "code": "ST2",
        "side": "right",
        "x": 140.5,
        "y": 260.25,
        "state": "moved",
    }
    position = PointPosition.objects.get(photo=photo)
    assert (position.x, position.y, position.source) == (140.5, 260.25, PositionSource.MOVED)
    assert position.is_confirmed and position.set_by == practitioner_a
    # the anchor puts the point back where it was dropped, on this photo's landmarks
    from acuface.photos import vision_glue

    assert vision_glue.place_anchor_on(photo.analysis, position.anchor) == pytest.approx(
        (140.5, 260.25)
    )
    event = AuditEvent.objects.get(object_type="photos.pointposition")
    assert event.changes["position"] == [list(old), [140.5, 260.25]]
    assert event.changes["source"] == ["suggested", "moved"]
    assert event.actor == practitioner_a and event.client_id == photo.client_id

    move(as_practitioner_a, photo, code="ST2", side="right", x="150", y="270")
    position.refresh_from_db()
    assert position.revision == 2
    latest = AuditEvent.objects.filter(object_type="photos.pointposition").first()
    assert latest is not None and latest.changes["position"] == [[140.5, 260.25], [150.0, 270.0]]
    page = as_practitioner_a.get(reverse("photos:photo-detail", args=[photo.pk])).content.decode()
    assert (
        'class="pt moved" data-code="ST2" data-side="right" data-x="150.00" data-y="270.00"' in page
    )


@pytest.mark.parametrize(
    "data",
    [
        {"code": "ST2", "side": "right", "x": "-1", "y": "100"},
        {"code": "ST2", "side": "right", "x": "100", "y": "-0.01"},
        {"code": "ST2", "side": "right", "x": "401", "y": "100"},  # the photo is 400 x 500
        {"code": "ST2", "side": "right", "x": "100", "y": "500.5"},
        {"code": "ST2", "side": "right", "x": "nan", "y": "100"},
        {"code": "ST2", "side": "right", "x": "inf", "y": "100"},
        {"code": "ST2", "side": "right", "x": "1e309", "y": "100"},
        {"code": "ST2", "side": "right", "x": "12px", "y": "100"},
        {"code": "ST2", "side": "right", "x": "", "y": "100"},
        {"code": "ST2", "side": "right", "x": "0x10", "y": "100"},
        {"code": "ST2", "side": "right", "y": "100"},
        {"code": "ST2", "side": "up", "x": "100", "y": "100"},
        {"code": "XX99", "side": "right", "x": "100", "y": "100"},
        {"code": "GV25", "side": "right", "x": "100", "y": "100"},  # midline point given a side
        {"code": "ST8", "side": "right", "x": "100", "y": "100"},  # not locatable: no position
        {"code": "<script>", "side": "right", "x": "100", "y": "100"},
        {"code": "ST2" * 20, "side": "right", "x": "100", "y": "100"},
    ],
)
def test_bad_positions_are_refused_and_nothing_is_saved(
    as_practitioner_a: HttpClient, photo: Photo, data: dict[str, str]
) -> None:
    response = move(as_practitioner_a, photo, **data)
    assert response.status_code == 400
    assert response.json()["error"]
    assert "<script>" not in response.content.decode()
    assert not PointPosition.objects.exists()
    assert not AuditEvent.objects.filter(object_type="photos.pointposition").exists()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    x=st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True).map(repr)),
    y=st.one_of(st.text(max_size=30), st.floats(allow_nan=True, allow_infinity=True).map(repr)),
    code=st.sampled_from(["ST2", "GV25", "", "ST8", "\x00"]),
    side=st.text(max_size=10),
)
def test_any_input_is_saved_inside_the_photo_or_refused(
    as_practitioner_a: HttpClient, photo: Photo, x: str, y: str, code: str, side: str
) -> None:
    response = move(as_practitioner_a, photo, code=code, side=side, x=x, y=y)
    assert response.status_code in (200, 400)
    for position in PointPosition.objects.filter(photo=photo):
        assert 0 <= position.x <= photo.width and 0 <= position.y <= photo.height


def test_a_photo_without_points_refuses_corrections(
    as_practitioner_a: HttpClient, client_a: Client
) -> None:
    bare = make_photo(
        client_a, analysis={"image": {"width": 400, "height": 500}}, status="rejected"
    )
    response = move(as_practitioner_a, bare, code="ST2", side="right", x="10", y="10")
    assert response.status_code == 400 and "no points" in response.json()["error"]


def test_outsiders_cannot_move_points(
    as_practitioner_b: HttpClient, as_front_desk_a: HttpClient, photo: Photo
) -> None:
    for http in (as_practitioner_b, as_front_desk_a):
        assert move(http, photo, code="ST2", side="right", x="10", y="10").status_code == 404
    assert as_practitioner_b.get(reverse("photos:point-move", args=[photo.pk])).status_code == 405
    assert not PointPosition.objects.exists()


def test_confirming_marks_every_unchecked_point(
    as_practitioner_a: HttpClient, photo: Photo
) -> None:
    move(as_practitioner_a, photo, code="ST2", side="right", x="140", y="260")
    response = as_practitioner_a.post(reverse("photos:points-confirm", args=[photo.pk]))
    assert response.status_code == 302
    located = len(selectors.suggested_points(photo))
    assert PointPosition.objects.filter(photo=photo, is_confirmed=True).count() == located
    moved = PointPosition.objects.get(code="ST2", side="right")
    assert (moved.x, moved.source) == (140, PositionSource.MOVED)  # a moved point stays moved
    event = AuditEvent.objects.get(action="acknowledged")
    assert event.changes == {"points_confirmed": [None, located - 1]}
    assert {p.state for p in selectors.overlay_points(photo)} == {"confirmed", "moved"}


def test_a_moved_point_is_carried_onto_the_clients_next_photo(
    as_practitioner_a: HttpClient, client_a: Client, photo: Photo
) -> None:
    import datetime as dt

    photo.taken_on = dt.date(2026, 1, 1)
    photo.save()
    move(as_practitioner_a, photo, code="ST2", side="right", x="140", y="260")
    # The next photo: the same face 30 px to the right and 12 px down.
    later = make_photo(client_a, status="pending", taken_on=dt.date(2026, 2, 1))
    services.photo_store_analysis(photo=later, analysis=canonical_analysis(shift=(30.0, 12.0)))
    carried = PointPosition.objects.get(photo=later)
    assert (carried.code, carried.side, carried.source) == ("ST2", "right", PositionSource.CARRIED)
    assert not carried.is_confirmed  # still a suggestion the practitioner checks
    assert (carried.x, carried.y) == pytest.approx((170.0, 272.0), abs=1e-6)
    states = {(p.code, p.side): p.state for p in selectors.overlay_points(later)}
    assert states[("ST2", "right")] == "carried" and states[("ST2", "left")] == "suggested"
    # an earlier photo never receives positions from a later one
    services.photo_store_analysis(photo=photo, analysis=photo.analysis)
    assert PointPosition.objects.filter(photo=photo).count() == 1


def test_the_overlay_tag_renders_on_any_page(photo: Photo) -> None:
    from django.template import Context, Template

    html = Template("{% load photo_overlay %}{% photo_overlay photo editable=False %}").render(
        Context({"photo": photo})
    )
    assert 'data-editable="0"' in html and 'data-code="GB14"' in html
    assert "Confirm the" not in html


def test_compare_page_and_aligned_image(as_practitioner_a: HttpClient, client_a: Client) -> None:
    first = make_photo(client_a)
    second = make_photo(client_a, analysis=canonical_analysis(shift=(10.0, 0.0)))
    page = as_practitioner_a.get(reverse("photos:photo-compare", args=[first.pk, second.pk]))
    assert page.status_code == 200
    assert "compare-slider" in page.content.decode()
    image = as_practitioner_a.get(reverse("photos:photo-aligned-image", args=[first.pk, second.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "no-store" in image["Cache-Control"]


def test_the_session_page_tag_shows_the_newest_photo_or_an_upload_form(
    client_a: Client, rf: Any, practitioner_a: User
) -> None:
    from django.middleware.csrf import get_token
    from django.template import Context, Template

    request = rf.get("/sessions/3/needling/")
    request.user = practitioner_a
    template = Template("{% load photo_overlay %}{% client_photo_overlay client %}")

    def render() -> str:
        return template.render(
            Context({"client": client_a, "request": request, "csrf_token": get_token(request)})
        )

    empty = render()
    assert 'name="source" value="skin_assessment"' in empty
    assert 'name="next" value="/sessions/3/needling/"' in empty
    make_photo(client_a, status="rejected", analysis={})
    newest = make_photo(client_a)
    html = render()
    assert f"/photos/{newest.pk}/points/move/" in html
    assert 'name="csrfmiddlewaretoken"' in html and 'value="/sessions/3/needling/"' in html
