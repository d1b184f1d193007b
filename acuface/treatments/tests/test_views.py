"""The session page over HTTP: a whole session by its buttons, hostile input, the other pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from acuface.treatments import services, states
from acuface.treatments.models import MissingNeedleIncident, Needle, SessionEvent, TreatmentSession
from acuface.treatments.tests.factories import fresh, needle_lot, ready_client, session_in
from conftest import login

HTMX = {"HTTP_HX_REQUEST": "true"}


def tiles_for(user) -> str:
    """The treatments tiles as the dashboard includes them (the dashboard is core's page)."""
    from django.template.loader import render_to_string

    context = {"user": user, "sees_clinical": user.sees_clinical, "is_owner": user.is_owner}
    return render_to_string("treatments/dashboard_tiles.html", context)


@pytest.fixture
def lot(clinic_a):
    return needle_lot(clinic=clinic_a)


def act(http, session, action, htmx=True, **data):
    data.setdefault("version", fresh(session).version)
    url = reverse("treatments:session-act", args=[session.pk, action])
    return http.post(url, data, **(HTMX if htmx else {}))


def test_a_whole_session_through_the_page(clinic_a, practitioner_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    http = login(practitioner_a)
    started = http.post(reverse("treatments:session-start", args=[client.pk]))
    session = TreatmentSession.objects.get(client=client)
    assert started["Location"] == reverse("treatments:session-detail", args=[session.pk])
    page = http.get(started["Location"]).content.decode()
    assert "Check in" in page and "Today's check, consent and intake are in order" in page

    steps = [
        ("check-in", {}),
        ("assess", {"fitzpatrick": "III", "glogau": "II", "grade_forehead": "2", "notes": "dry"}),
        ("cleanse", {}),
        ("lot", {"facial_lot": lot.pk, "body_lot": lot.pk}),
        ("tap", {"code": "ST2", "side": "right"}),
        ("tap", {"code": "ST2", "side": "left"}),
        ("tap", {"code": "EX-HN3", "side": "midline"}),
        ("retention", {"minutes": "30", "reason": ""}),
        ("extend", {"minutes": "5"}),
        ("event", {"kind": "pain_at_point", "code": "ST2", "side": "left", "note": "brief"}),
        ("tap", {"code": "ST2", "side": "right", "reason": "client asked to stop"}),
        ("take-out", {"code": "ST2", "side": "left", "reason": ""}),
        ("tap", {"code": "EX-HN3", "side": "midline"}),
        ("moisturize", {}),
        ("aftercare", {}),
        ("complete", {}),
    ]
    for action, data in steps:
        answer = act(http, session, action, **data)
        body = answer.content.decode()
        assert answer.status_code == 200, action
        assert "data-error" not in body, (action, body[body.find("data-error") :][:300])
    done = fresh(session)
    assert done.state == states.COMPLETE
    assert done.region_grades == {"forehead": 2}
    assert Needle.objects.filter(session=session, removed_at__isnull=True).count() == 0
    assert SessionEvent.objects.filter(session=session).count() == 1
    final = http.get(reverse("treatments:session-detail", args=[session.pk])).content.decode()
    assert "data-count-in>3<" in final and "data-count-out>3<" in final
    assert "No makeup before" in final


def test_without_htmx_the_page_redirects_or_shows_the_error(clinic_a, practitioner_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.SKIN_ASSESSED, actor=practitioner_a, client=client)
    http = login(practitioner_a)
    ok = act(http, session, "cleanse", htmx=False)
    assert ok.status_code == 302
    refused = act(http, session, "moisturize", htmx=False)
    assert refused.status_code == 200 and (
        b"You cannot mark the skin cleansed and moisturized now: the session is cleansed"
        in refused.content
    )


def test_the_page_offers_only_legal_actions(clinic_a, practitioner_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(
        states.REMOVAL,
        actor=practitioner_a,
        client=client,
        lot=lot,
        points=[("ST2", "right"), ("ST2", "left")],
    )
    page = login(practitioner_a).get(reverse("treatments:session-detail", args=[session.pk]))
    body = page.content.decode()
    assert "Skin cleansed and moisturized" in body  # every needle is out
    assert "/act/check-in/" not in body and "/act/retention/" not in body
    assert "/act/complete/" not in body and "/act/cancel/" not in body


def test_check_in_problems_are_listed_with_where_to_fix_them(client_a, practitioner_a):
    session = services.session_schedule(
        actor=practitioner_a, client=client_a, scheduled_at=timezone.now()
    )
    body = login(practitioner_a).get(reverse("treatments:session-detail", args=[session.pk]))
    text = body.content.decode()
    assert "data-check-in-problems" in text
    assert reverse("intake:today-check", args=[client_a.pk]) in text
    assert "/act/check-in/" not in text


# --- hostile input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/sessions/0/",
        "/sessions/99999999/",
        "/sessions/9223372036854775808/",
        "/sessions/abc/",
        "/sessions/-1/",
        "/sessions/1/act/../",
    ],
)
def test_malformed_session_ids_are_404(as_practitioner_a, path):
    assert as_practitioner_a.get(path).status_code == 404


def test_an_unknown_action_is_404(clinic_a, practitioner_a, lot):
    session = services.session_schedule(
        actor=practitioner_a,
        client=ready_client(clinic=clinic_a, actor=practitioner_a),
        scheduled_at=timezone.now(),
    )
    http = login(practitioner_a)
    assert act(http, session, "delete-everything").status_code == 404


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"code": "ZZ1", "side": "right"}, "not a point in the atlas"),
        ({"code": "ST2", "side": "upside-down"}, "Select a valid choice"),
        ({"code": "X" * 500, "side": "right"}, "at most 12 characters"),
        ({"code": "ST2", "side": "right", "version": "banana"}, "Enter a whole number"),
        ({"code": "ST2", "side": "right", "version": "99999999999999999999"}, "less than or equal"),
        ({"code": "ST2", "side": "right", "version": "-4"}, "greater than or equal"),
        ({"code": "EX-HN3", "side": "right"}, "midline"),
    ],
)
def test_bad_taps_get_a_clear_message(clinic_a, practitioner_a, lot, data, words):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.NEEDLING, actor=practitioner_a, client=client, lot=lot)
    body = act(login(practitioner_a), session, "tap", **data).content.decode()
    assert words in body.replace("&#x27;", "'")
    assert Needle.objects.filter(session=session).count() == 2


@pytest.mark.parametrize("lot_value", ["abc", "0", "99999999", "-1", "9223372036854775808"])
def test_bad_lot_ids_get_a_clear_message(clinic_a, practitioner_a, lot, lot_value):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    answer = act(login(practitioner_a), session, "lot", facial_lot=lot_value)
    assert answer.status_code == 200
    assert fresh(session).facial_lot_id is None
    assert b"data-error" in answer.content


def test_another_clinics_lot_id_is_not_accepted(clinic_a, clinic_b, practitioner_a):
    theirs = needle_lot(clinic=clinic_b, lot_number="B-LOT")
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    body = act(login(practitioner_a), session, "lot", body_lot=theirs.pk).content.decode()
    assert "not in this clinic" in body and "B-LOT" not in body


@pytest.mark.parametrize("minutes", ["-5", "0", "100000000000000000000", "2.5", "thirty", "91"])
def test_bad_retention_minutes_are_refused(clinic_a, practitioner_a, lot, minutes):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.NEEDLING, actor=practitioner_a, client=client, lot=lot)
    body = act(login(practitioner_a), session, "retention", minutes=minutes).content.decode()
    assert "data-error" in body
    assert fresh(session).state == states.NEEDLING


def test_overlong_notes_are_refused_and_kept(clinic_a, practitioner_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.RETENTION, actor=practitioner_a, client=client, lot=lot)
    long_note = "tingling " * 300
    body = act(login(practitioner_a), session, "event", kind="other", note=long_note)
    text = body.content.decode()
    assert "at most 2000 characters" in text
    assert long_note.strip()[:200] in text
    assert not SessionEvent.objects.filter(session=session).exists()


def test_what_people_typed_is_shown_escaped(clinic_a, practitioner_a, owner_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.RETENTION, actor=practitioner_a, client=client, lot=lot)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    act(login(practitioner_a), session, "event", kind="other", note=evil)
    for side in ("right", "left"):
        act(login(practitioner_a), session, "tap", code="ST2", side=side, reason=evil)
    page = login(practitioner_a).get(reverse("treatments:session-detail", args=[session.pk]))
    assert evil not in page.content.decode()
    assert "&lt;script&gt;alert(" in page.content.decode()
    body = act(login(practitioner_a), session, "abandon", reason=evil).content.decode()
    assert "<script>alert" not in body


# --- the other pages ------------------------------------------------------------------------------


def test_the_client_panel_and_dashboard_tiles(clinic_a, practitioner_a, owner_a, front_desk_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(
        states.REMOVAL,
        actor=practitioner_a,
        client=client,
        lot=lot,
        points=[("ST2", "right"), ("ST2", "left"), ("GB1", "right")],
    )
    record = login(practitioner_a).get(reverse("clients:client-detail", args=[client.pk]))
    assert reverse("treatments:session-detail", args=[session.pk]) in record.content.decode()
    desk = login(front_desk_a).get(reverse("clients:client-detail", args=[client.pk]))
    assert reverse("treatments:session-start", args=[client.pk]) not in desk.content.decode()
    dashboard = tiles_for(practitioner_a)
    assert 'data-tile="sessions-today"' in dashboard and client.full_name in dashboard
    assert 'data-tile="incidents"' not in dashboard  # owners only
    assert tiles_for(front_desk_a).strip() == ""


def test_the_owner_sees_missing_needle_incidents(clinic_a, practitioner_a, owner_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.RETENTION, actor=practitioner_a, client=client, lot=lot)
    services.needle_remove(
        actor=practitioner_a,
        session=session,
        version=session.version,
        code="ST2",
        side="right",
        reason="client asked to stop",
    )
    incident = services.missing_needle_incident_file(
        actor=practitioner_a,
        session=session,
        version=fresh(session).version,
        searched_where="couch and floor",
        outcome="not found",
    )
    owner = login(owner_a)
    assert 'data-tile="incidents"' in tiles_for(owner_a)
    listing = owner.get(reverse("treatments:incident-list")).content.decode()
    assert "couch and floor" in listing
    owner.post(reverse("treatments:incident-review", args=[incident.pk]))
    assert MissingNeedleIncident.objects.get(pk=incident.pk).reviewed_by == owner_a
    assert login(practitioner_a).get(reverse("treatments:incident-list")).status_code == 404


def test_stock_pages(clinic_a, owner_a, practitioner_a, lot):
    needle_lot(clinic=clinic_a, lot_number="OLD-9", expires_on=dt.date(2021, 5, 1))
    page = login(practitioner_a).get(reverse("treatments:stock-list")).content.decode()
    assert "expired: cannot be used" in page and lot.lot_number in page
    assert reverse("treatments:product-create") not in page
    owner = login(owner_a)
    bad = owner.post(
        reverse("treatments:product-create"),
        {
            "brand": "X",
            "needle_type": "filiform",
            "gauge_mm": "-1",
            "length_mm": "13",
            "material": "steel",
            "is_active": "on",
        },
    )
    assert bad.status_code == 200 and b"field-error" in bad.content
    good = owner.post(
        reverse("treatments:lot-receive", args=[lot.product_id]),
        {
            "lot_number": "NEW-1",
            "expires_on": "2031-01-01",
            "quantity_received": "300",
            "low_stock_at": "30",
        },
    )
    assert good.status_code == 302
    assert login(practitioner_a).get(reverse("treatments:product-create")).status_code == 404


def test_the_page_reads_a_fixed_number_of_queries(clinic_a, practitioner_a, lot):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from acuface.treatments.tests.factories import POINTS

    http = login(practitioner_a)
    counts = []
    for points in (POINTS[:1], POINTS):
        client = ready_client(clinic=clinic_a, actor=practitioner_a)
        session = session_in(
            states.RETENTION, actor=practitioner_a, client=client, lot=lot, points=points
        )
        services.session_event_record(
            actor=practitioner_a, session=session, version=session.version, kind="nausea"
        )
        url = reverse("treatments:session-detail", args=[session.pk])
        http.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def oob_pieces(body: str) -> list[str]:
    """The ids an htmx answer replaces out of band (appends are named by their target)."""
    replaced = re.findall(r'id="([\w-]+)"[^>]*hx-swap-oob="true"', body)
    appended = re.findall(r'hx-swap-oob="beforeend:#([\w-]+)"', body)
    return sorted(replaced + [f"+{target}" for target in appended])


def test_a_tap_that_keeps_the_steps_answers_with_only_what_changed(clinic_a, practitioner_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    http = login(practitioner_a)
    act(http, session, "lot", facial_lot=lot.pk, body_lot=lot.pk)

    first = act(http, session, "tap", code="ST2", side="right")  # cleansed → needling
    assert "HX-Reswap" not in first
    assert 'id="session-state"' in first.content.decode()

    second = act(http, session, "tap", code="ST2", side="left")
    body = second.content.decode()
    assert second["HX-Reswap"] == "none"
    version = fresh(session).version
    assert json.loads(second["HX-Trigger-After-Swap"]) == {"session-version": {"version": version}}
    assert 'id="session-state"' not in body  # the panel stays; its pieces are swapped in
    assert oob_pieces(body) == sorted(
        [
            "session-messages",
            "session-counts",
            "face-chart-ST2-left",  # the point tapped, now needled
            "+session-needle-rows",  # its needle, a new row at the end of the list
            "session-still-in",  # two needles in: the stop box says so
        ]
    )
    needle = Needle.objects.get(session=session, point__code="ST2", side="left")
    assert f'id="needle-{needle.pk}"' in body
    assert "data-count-in>2<" in body and "ST2 (client&#x27;s left) in" in body
    assert 'data-code="ST2" data-side="left" data-state="needled"' in body

    # A refused tap (the version is stale) brings the whole panel back with the message.
    stale = act(http, session, "tap", code="GB1", side="right", version=version - 1)
    assert "HX-Reswap" not in stale and "data-error" in stale.content.decode()
    assert 'id="session-state"' in stale.content.decode()

    # Removal: the first needle out moves retention to removal (the whole panel); the next one,
    # with a needle still in, replaces its row, its point and the removal counts.
    act(http, session, "tap", code="GB1", side="right")
    act(http, session, "retention", minutes="30", reason="")
    early = "client asked to stop"
    assert (
        'id="session-state"'
        in act(http, session, "tap", code="ST2", side="right", reason=early).content.decode()
    )
    out = act(http, session, "take-out", code="ST2", side="left", reason="").content.decode()
    assert oob_pieces(out) == sorted(
        [
            "session-messages",
            "session-counts",
            "face-chart-ST2-left",
            f"needle-{needle.pk}",
            "session-removal-count",
            "session-to-account",  # GB1 is still in
        ]
    )
    assert 'data-code="ST2" data-side="left" data-state="removed"' in out


class _Pieces(HTMLParser):
    """The raw markup of the elements with the given ids (nested tags followed, void tags not)."""

    VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "circle", "line", "path"})

    def __init__(self, ids: set[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.ids, self.found, self.open = ids, {}, []  # open: [id, depth, start offset]
        self.text = ""

    def feed_all(self, text: str) -> dict[str, str]:
        self.text = text
        self.lines = [0]
        for line in text.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.feed(text)
        return self.found

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for entry in self.open:
            entry[1] += tag not in self.VOID
        found = dict(attrs).get("id")
        if found in self.ids and tag not in self.VOID:
            self.open.append([found, 1, self._offset()])

    def handle_endtag(self, tag: str) -> None:
        for entry in list(self.open):
            entry[1] -= 1
            if entry[1] == 0:
                end = self.text.index(">", self._offset()) + 1
                self.found[entry[0]] = self.text[entry[2] : end]
                self.open.remove(entry)


def _normal(markup: str) -> str:
    markup = markup.replace(' hx-swap-oob="true"', "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", markup)


def test_every_short_answer_matches_the_whole_panel(clinic_a, practitioner_a, lot):
    """What a tap's short answer swaps in is exactly what the whole panel shows at that version."""
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    http = login(practitioner_a)
    act(http, session, "lot", facial_lot=lot.pk, body_lot=lot.pk)
    points = [("ST2", "right"), ("ST2", "left"), ("EX-HN3", "midline"), ("LI4", "left")]
    taps = [("tap", code, side, "") for code, side in points]
    taps += [("take-out", "ST2", "left", ""), ("tap", "ST2", "left", "")]  # a flinch, then again
    taps += [("retention", "", "", "")]
    taps += [("tap", code, side, "early: client asked") for code, side in points]
    short = 0
    for action, code, side, reason in taps:
        if action == "retention":
            act(http, session, "retention", minutes="30", reason="")
            continue
        answer = act(http, session, action, code=code, side=side, reason=reason)
        body = answer.content.decode()
        assert "data-error" not in body, body[body.find("data-error") :][:300]
        if answer.get("HX-Reswap") != "none":
            continue
        short += 1
        ids = set(re.findall(r'id="([\w-]+)"[^>]*hx-swap-oob="true"', body)) - {"session-messages"}
        appended = re.findall(
            r'<tbody hx-swap-oob="beforeend:#session-needle-rows">(.*?)</tbody>', body, re.S
        )
        ids |= set(re.findall(r'<tr id="(needle-\d+)"', "".join(appended)))
        panel = http.get(
            reverse("treatments:session-state", args=[session.pk]), {"version": 0}, **HTMX
        )
        whole = _Pieces(ids).feed_all(panel.content.decode())
        mine = _Pieces(ids).feed_all(body)
        assert set(whole) == set(mine) == ids, (action, code, side, ids, set(whole), set(mine))
        for piece in ids:
            assert _normal(mine[piece]) == _normal(whole[piece]), (action, code, side, piece)
    assert short >= 6  # most taps were answered short; the others changed the step


def test_a_lost_needle_can_be_filed_while_needling_and_then_the_session_stopped(
    clinic_a, practitioner_a, lot
):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.NEEDLING, actor=practitioner_a, client=client, lot=lot)
    http = login(practitioner_a)
    page = http.get(reverse("treatments:session-detail", args=[session.pk])).content.decode()
    assert "2 needle(s) still in" in page and "File the missing-needle incident" in page
    assert "data-stop-blocked" in page and ">Stop the session</button>" not in page
    act(http, session, "take-out", code="ST2", side="right", reason="")
    filed = act(http, session, "incident", searched_where="couch, floor", outcome="not found")
    body = filed.content.decode()
    assert "data-error" not in body and ">Stop the session</button>" in body
    assert "data-stop-blocked" not in body
    stopped = act(http, session, "abandon", reason="client felt faint")
    assert "data-error" not in stopped.content.decode()
    assert fresh(session).state == states.ABANDONED
