"""Every clinical answer on the check-in is given by the client; nothing stands in for one.

The defect (issue 12, part 2): the pain slider showed "Pain: 0/10" while an untouched page sent
5, which raised a false "pain ≥ 4 at 24 h" escalation, and every yes/no question was
pre-answered "No".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.aftercare import forms, rules, selectors, services
from acuface.aftercare.models import AdverseEvent, CheckIn, Escalation
from acuface.aftercare.tests.browser_form import untouched_post
from acuface.aftercare.tests.factories import answers, checkins_of, completed_session, post_data
from acuface.core.models import Clinic, User

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
DAY_1 = T0 + dt.timedelta(days=1, hours=1)
SYMPTOMS = ("bruising", "bleeding", "rash", "nausea", "dizziness")
REQUIRED = ("pain", *SYMPTOMS, "allergy_signs", "infection_signs")


@pytest.fixture
def checkins(clinic_a: Clinic, practitioner_a: User) -> dict[str, CheckIn]:
    with time_machine.travel(T0, tick=False):
        session = completed_session(clinic=clinic_a, actor=practitioner_a, email="mia@example.com")
        return checkins_of(session)


@pytest.fixture(autouse=True)
def at_day_1() -> Any:
    with time_machine.travel(DAY_1, tick=False):
        yield


def url(checkin: CheckIn) -> str:
    return reverse(
        "aftercare:checkin-fill", kwargs={"token": selectors.checkin_link_token(checkin)}
    )


# --- the page a client opens ------------------------------------------------------------------


def test_the_untouched_page_carries_no_answer(checkins: dict[str, CheckIn]) -> None:
    page = HttpClient().get(url(checkins["24h"])).content.decode()
    assert "Pain: 0/10" not in page and 'type="range"' not in page
    sent = untouched_post(page)
    for question in REQUIRED:
        assert question not in sent, f"{question} is answered on a page nobody touched: {sent}"
    # Pain is a choice of 0 to 10, each a button of its own.
    for n in range(11):
        assert f'name="pain" value="{n}"' in page


def test_the_untouched_page_sent_as_it_is_stores_nothing(checkins: dict[str, CheckIn]) -> None:
    http = HttpClient()
    page = http.get(url(checkins["24h"])).content.decode()
    sent = http.post(url(checkins["24h"]), untouched_post(page))
    assert sent.status_code == 200
    text = sent.content.decode()
    for question in REQUIRED:
        assert f'id="id_{question}_error"' in text, question
    assert CheckIn.objects.get(pk=checkins["24h"].pk).answered_at is None


def test_answering_only_the_makeup_question_raises_no_pain_escalation(
    checkins: dict[str, CheckIn],
) -> None:
    """The issue's path: a client taps one answer and sends; no pain is made up for them."""
    http = HttpClient()
    page = http.get(url(checkins["24h"])).content.decode()
    data = {**untouched_post(page), "makeup_waited": ["yes"], "comments": ["I feel fine"]}
    sent = http.post(url(checkins["24h"]), data)
    assert sent.status_code == 200
    text = sent.content.decode()
    assert 'id="id_pain_error"' in text and "Choose a number from 0" in text
    kept = untouched_post(text)  # what the client typed and tapped stays on the page
    assert kept["comments"] == ["I feel fine"] and kept["makeup_waited"] == ["yes"]
    assert CheckIn.objects.get(pk=checkins["24h"].pk).answered_at is None
    assert not AdverseEvent.objects.exists() and not Escalation.objects.exists()


def test_a_full_explicit_answer_is_stored_as_given(checkins: dict[str, CheckIn]) -> None:
    HttpClient().post(
        url(checkins["24h"]),
        post_data(pain="0", bruising="not_sure", rash="not_sure", comments="hard to tell"),
    )
    stored = CheckIn.objects.get(pk=checkins["24h"].pk).answers
    assert stored["pain"] == 0 and stored["bleeding"] is False
    assert stored["bruising"] == rules.NOT_SURE and stored["rash"] == rules.NOT_SURE
    assert stored["allergy_signs"] == [] and stored["infection_signs"] == []
    assert not AdverseEvent.objects.exists()


def test_the_staff_page_says_not_sure(
    checkins: dict[str, CheckIn], as_practitioner_a: HttpClient
) -> None:
    HttpClient().post(url(checkins["24h"]), post_data(bruising="not_sure"))
    page = as_practitioner_a.get(
        reverse("aftercare:checkin-detail", kwargs={"checkin_id": checkins["24h"].pk})
    ).content.decode()
    assert "not sure" in page


# --- hostile and malformed input to the form --------------------------------------------------


@pytest.mark.parametrize(
    ("field", "posted"),
    [
        ("pain", None),  # not sent at all
        ("pain", [""]),
        ("pain", ["abc"]),
        ("pain", ["²"]),  # a superscript two: a digit to Unicode, not a choice
        ("pain", ["٣"]),  # Arabic-Indic three: int() reads it as 3
        ("pain", ["+5"]),
        ("pain", [" 5"]),
        ("pain", ["5.0"]),
        ("pain", ["-0"]),
        ("pain", ["05"]),
        ("pain", ["0x5"]),
        ("pain", ["1e1"]),
        ("pain", ["11"]),
        ("pain", ["-1"]),
        ("pain", ["99999999999999999999999999999"]),
        ("pain", ["3", "7"]),  # an array: which one did the client mean?
        ("pain", ["5", "5"]),
        ("bruising", None),
        ("bruising", ["YES"]),
        ("bruising", ["true"]),
        ("bruising", ["1"]),
        ("bruising", ["yes", "no"]),
        ("nausea", ["not_sure"]),  # "not sure" is not offered for feeling sick
        ("dizziness", [""]),
        ("allergy_signs", None),  # nothing ticked is not "none of these"
        ("allergy_signs", ["none", "hives"]),
        ("infection_signs", ["pus", "drop table"]),
        ("makeup_waited", ["yes", "no"]),
    ],
)
def test_hostile_input_is_refused_next_to_its_field(
    checkins: dict[str, CheckIn], field: str, posted: list[str] | None
) -> None:
    data: dict[str, Any] = {k: [v] if isinstance(v, str) else v for k, v in post_data().items()}
    data["comments"] = ["kept words"]
    data.pop(field, None)
    if posted is not None:
        data[field] = posted
    page = HttpClient().post(url(checkins["24h"]), data)
    assert page.status_code == 200
    text = page.content.decode()
    assert f'id="id_{field}_error"' in text
    assert "kept words" in text
    assert CheckIn.objects.get(pk=checkins["24h"].pk).answered_at is None


def test_the_form_alone_refuses_an_array_of_pains() -> None:
    from django.utils.datastructures import MultiValueDict

    data: MultiValueDict[str, Any] = MultiValueDict({k: [v] for k, v in post_data().items()})
    data.setlist("pain", ["2", "9"])
    form = forms.CheckInForm(data)
    assert not form.is_valid() and "pain" in form.errors


# --- the service refuses what the form would refuse -------------------------------------------


@pytest.mark.parametrize(
    "pain",
    ["missing", None, "", "5", 5.0, True, False, 11, -1, [5], {"value": 5}],
)
def test_the_service_refuses_answers_without_an_explicit_pain(
    checkins: dict[str, CheckIn], pain: Any
) -> None:
    given = answers()
    if pain == "missing":
        del given["pain"]
    else:
        given["pain"] = pain
    with pytest.raises(ValidationError) as refused:
        services.checkin_answer(checkin=checkins["24h"], answers=given)
    assert "pain" in refused.value.message_dict
    assert CheckIn.objects.get(pk=checkins["24h"].pk).answered_at is None
    assert not AdverseEvent.objects.exists()


@pytest.mark.parametrize("question", SYMPTOMS)
def test_the_service_refuses_an_unanswered_symptom(
    checkins: dict[str, CheckIn], question: str
) -> None:
    given = answers()
    del given[question]
    with pytest.raises(ValidationError) as refused:
        services.checkin_answer(checkin=checkins["24h"], answers=given)
    assert question in refused.value.message_dict


def test_the_view_shows_a_service_refusal_next_to_the_field(
    checkins: dict[str, CheckIn], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the form and the service ever disagree, the client still sees why, by the field."""
    refusal = ValidationError({"pain": "Choose a number from 0 (no pain) to 10."})
    monkeypatch.setattr(services, "checkin_answer", lambda **_: (_ for _ in ()).throw(refusal))
    page = HttpClient().post(url(checkins["24h"]), post_data(comments="kept words"))
    text = page.content.decode()
    assert page.status_code == 200 and 'id="id_pain_error"' in text and "kept words" in text


# --- the rules never fire from an unanswered value --------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"pain": None}, []),
        ({"pain": "5"}, []),  # a string is not a choice the form makes
        ({"pain": True}, []),  # True is 1 to Python, not a pain score
        ({"pain": 5.0}, []),
        ({"pain": 12}, []),
        ({"pain": 5}, [("pain", True)]),
        ({"bruising": rules.NOT_SURE}, []),
        ({"bruising": "yes"}, []),  # only a real yes (True) reports a bruise
        ({"bruising": True}, [("bruising", True)]),
        ({"bleeding": rules.NOT_SURE, "rash": rules.NOT_SURE}, []),
    ],
)
def test_findings_only_from_explicit_answers(
    given: dict[str, Any], expected: list[tuple[str, bool]]
) -> None:
    base = answers(**given)
    found = rules.findings_from_answers(base, follow_up_kind="7d", earlier_pain=None)
    assert [(f.kind, bool(f.off_course)) for f in found] == expected


@pytest.mark.parametrize("earlier", [None, "3", True, 2.0, -1])
def test_rising_pain_needs_an_explicit_earlier_pain(earlier: Any) -> None:
    found = rules.findings_from_answers(answers(pain=3), follow_up_kind="7d", earlier_pain=earlier)
    assert [bool(f.off_course) for f in found] == [False]


@pytest.mark.parametrize(
    ("given", "absent"),
    [
        (
            {},
            {"pain", "bruising", "bleeding", "rash", "nausea", "dizziness", "allergy", "infection"},
        ),
        (
            {"pain": 2},
            {"bruising", "bleeding", "rash", "nausea", "dizziness", "allergy", "infection"},
        ),
        (
            {"bruising": rules.NOT_SURE, "allergy_signs": None},
            {"pain", "bleeding", "rash", "nausea", "dizziness", "infection"},
        ),
    ],
)
def test_what_the_client_said_they_do_not_have(given: dict[str, Any], absent: set[str]) -> None:
    assert rules.kinds_said_absent(answers(**given)) == absent


def test_a_bruise_not_sure_at_7_days_is_neither_over_nor_escalated(
    checkins: dict[str, CheckIn],
) -> None:
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        services.checkin_answer(checkin=checkins["24h"], answers=answers(bruising=True))
    with time_machine.travel(T0 + dt.timedelta(days=7), tick=False):
        services.checkin_answer(checkin=checkins["7d"], answers=answers(bruising=rules.NOT_SURE))
    bruise = AdverseEvent.objects.get(kind="bruising")
    assert bruise.resolved_at is None  # "not sure" is not "gone"
    assert not Escalation.objects.exists()  # nor is it "still there"
