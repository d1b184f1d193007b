from __future__ import annotations

import pytest

from acuface.clients.models import Client
from acuface.core.models import User
from acuface.courses import outcomes, selectors
from acuface.courses.tests.helpers import course_with_progress


@pytest.mark.django_db
def test_course_progress_charts_and_adverse_events(client_a: Client, practitioner_a: User) -> None:
    course = course_with_progress(client=client_a, practitioner=practitioner_a, done=3)
    progress = selectors.course_progress(course=course)
    assert progress["done"] == 3 and progress["remaining"] == 7 and progress["prepaid_left"] == 7
    points = outcomes.session_points(course=course)
    assert [p.label for p in points] == ["1", "2", "3"]
    assert [p.grades["forehead"] for p in points] == [3, 3, 2]
    assert [len(p.adverse_events) for p in points] == [0, 1, 0]
    charts = {c["key"]: c for c in outcomes.course_charts(course=course, points=points)}
    assert "adverse-marker" in charts["grades"]["svg"]
    wrinkles = {s.label: s.points for s in charts["wrinkles"]["series"]}
    assert wrinkles["Forehead"] == ((0, 6.0), (1, 5.5), (2, 5.0))
    assert charts["reported"]["series"][0].points == ((0, 5.0),)
