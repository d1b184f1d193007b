"""The fixed people of every test: an owner, a practitioner and a front desk user in clinic A,
a practitioner in clinic B, and a client of clinic A."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as HttpClient
from hypothesis import settings

from acuface.clients.models import Client
from acuface.core.models import Clinic, Role, User
from tests.factories import ClientFactory, ClinicFactory, UserFactory
from tests.shared_data import in_ci

pytest_plugins = ["tests.browser.fixtures"]

# Property tests: the same examples on every CI run (a red build never depends on luck), random
# ones on a developer's machine to explore. A test's own settings refine the profile.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if in_ci() else "dev")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    """Uploaded files of a test go to its own folder, never into data/."""
    settings.MEDIA_ROOT = tmp_path / "media"


PASSWORD = "correct horse battery"  # noqa: S105


@pytest.fixture
def clinic_a(db: None) -> Clinic:
    return ClinicFactory(name="Clinic A", slug="clinic-a")


@pytest.fixture
def clinic_b(db: None) -> Clinic:
    return ClinicFactory(name="Clinic B", slug="clinic-b")


@pytest.fixture
def owner_a(clinic_a: Clinic) -> User:
    return UserFactory(email="owner@a.test", clinic=clinic_a, role=Role.OWNER)


@pytest.fixture
def practitioner_a(clinic_a: Clinic) -> User:
    return UserFactory(email="practitioner@a.test", clinic=clinic_a, role=Role.PRACTITIONER)


@pytest.fixture
def front_desk_a(clinic_a: Clinic) -> User:
    return UserFactory(email="desk@a.test", clinic=clinic_a, role=Role.FRONT_DESK)


@pytest.fixture
def practitioner_b(clinic_b: Clinic) -> User:
    return UserFactory(email="practitioner@b.test", clinic=clinic_b, role=Role.PRACTITIONER)


@pytest.fixture
def client_a(clinic_a: Clinic) -> Client:
    return ClientFactory(
        clinic=clinic_a,
        first_name="Zoë",
        last_name="O'Brien",
        date_of_birth=dt.date(1984, 3, 12),
        phone="+44 7700 900101",
        email="zoe@example.com",
    )


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="acuface.core.backends.StaffBackend")
    return http


@pytest.fixture
def as_owner_a(owner_a: User) -> HttpClient:
    return login(owner_a)


@pytest.fixture
def as_practitioner_a(practitioner_a: User) -> HttpClient:
    return login(practitioner_a)


@pytest.fixture
def as_front_desk_a(front_desk_a: User) -> HttpClient:
    return login(front_desk_a)


@pytest.fixture
def as_practitioner_b(practitioner_b: User) -> HttpClient:
    return login(practitioner_b)
