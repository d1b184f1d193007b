"""Property tests for every parser of outside input: link tokens, the check-in form, the period."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuface.aftercare import forms, selectors

TEXT = st.text(max_size=300)
FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.django_db
@FAST
@given(token=TEXT)
def test_any_token_is_refused_without_error(token: str) -> None:
    assert selectors.checkin_from_link(token).problem == "tampered"
    assert selectors.checkin_from_session_link(token).problem == "tampered"


@pytest.mark.django_db
@FAST
@given(
    values=st.dictionaries(
        st.sampled_from(
            [
                "pain",
                "bruising",
                "bruise_points",
                "bruise_size",
                "bruise_colour",
                "bleeding",
                "rash",
                "nausea",
                "dizziness",
                "makeup_waited",
                "comments",
            ]
        ),
        TEXT,
    ),
    signs=st.lists(TEXT, max_size=5),
)
def test_any_post_gives_answers_or_field_errors(values: dict[str, str], signs: list[str]) -> None:
    data: MultiValueDict[str, Any] = MultiValueDict({k: [v] for k, v in values.items()})
    data.setlist("allergy_signs", signs)
    form = forms.CheckInForm(data)
    if form.is_valid():
        answers = form.answers()
        assert 0 <= answers["pain"] <= 10
        assert set(answers["allergy_signs"]) <= set(dict(form.fields["allergy_signs"].choices))  # type: ignore[attr-defined]
        assert len(answers["comments"]) <= 2000
    else:
        assert all(name in form.fields or name == "__all__" for name in form.errors)


@FAST
@given(start=TEXT, end=TEXT)
def test_any_period_is_valid_or_has_errors(start: str, end: str) -> None:
    form = forms.ReportPeriodForm({"start": start, "end": end})
    if form.is_valid():
        assert form.cleaned_data["start"] <= form.cleaned_data["end"]
