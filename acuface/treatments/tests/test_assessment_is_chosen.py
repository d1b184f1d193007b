"""The skin assessment records only what the practitioner chose: no class is preselected,
"not assessed" is a choice of its own, and a missing choice is asked for with the rest kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from acuface.treatments import states
from acuface.treatments.forms import AssessmentForm
from acuface.treatments.tests.factories import fresh, ready_client, session_in
from conftest import login


def assess(http, session, **data):
    data.setdefault("version", fresh(session).version)
    url = reverse("treatments:session-act", args=[session.pk, "assess"])
    return http.post(url, data, HTTP_HX_REQUEST="true")


def test_no_class_is_chosen_before_the_practitioner_chooses() -> None:
    form = AssessmentForm(initial={"version": 1})
    for name in ("fitzpatrick", "glogau"):
        html = str(form[name])
        # A browser shows (and sends) the first option of a select nobody touched.
        first = html.split("<option", 2)[1]
        assert first.startswith(' value=""') and "choose" in first, html[:200]
        assert 'value="not_assessed"' in html
        assert " selected" not in html.split("</option>", 1)[1]


@pytest.fixture
def checked_in(clinic_a, practitioner_a):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    return session_in(states.CHECKED_IN, actor=practitioner_a, client=client)


def test_an_untouched_assessment_is_refused_and_keeps_the_notes(practitioner_a, checked_in):
    body = assess(login(practitioner_a), checked_in, notes="dry cheeks, sensitive").content
    text = body.decode()
    assert "Choose a class, or &quot;not assessed&quot;." in text
    assert "dry cheeks, sensitive" in text
    assert fresh(checked_in).state == states.CHECKED_IN


def test_not_assessed_is_stored_as_no_class(practitioner_a, checked_in):
    assess(
        login(practitioner_a),
        checked_in,
        fitzpatrick="not_assessed",
        glogau="III",
        grade_forehead="",
    )
    done = fresh(checked_in)
    assert done.state == states.SKIN_ASSESSED
    assert (done.fitzpatrick, done.glogau, done.region_grades) == ("", "III", {})
    page = login(practitioner_a).get(reverse("treatments:session-detail", args=[done.pk]))
    assert "Fitzpatrick not assessed, Glogau III" in page.content.decode()


@pytest.mark.parametrize("hostile", ["VII", "<script>", "i", " I", "0", "I\x00"])
def test_hostile_classes_are_refused(practitioner_a, checked_in, hostile):
    answer = assess(login(practitioner_a), checked_in, fitzpatrick=hostile, glogau="II")
    assert answer.status_code == 200 and b"data-error" in answer.content
    assert fresh(checked_in).state == states.CHECKED_IN
