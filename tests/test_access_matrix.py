"""Every URL that takes an object id, opened by everyone who might try.

Built from the URL configuration: a new URL is covered without editing this file, as long
as its kwargs are provided by some app's tests/world.py (the test says which one is missing).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from acuface.core.access import Access
from acuface.core.models import Clinic, User
from conftest import login
from tests.world import build_world

SKIP_NAMESPACES = {"admin"}  # Django's admin: superusers only, its own permission checks
SKIP_NAMES = {"password_reset_confirm"}  # Django's signed reset link, no clinic object behind it


def object_url_patterns() -> list[tuple[str, list[str]]]:
    """(url name, kwargs) for every named URL with at least one kwarg."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> Iterator[None]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIP_NAMESPACES:
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, inner)
            elif entry.name and entry.name not in SKIP_NAMES and entry.pattern.regex.groupindex:
                found.append((f"{namespace}{entry.name}", sorted(entry.pattern.regex.groupindex)))
        return
        yield

    list(walk(get_resolver().url_patterns, ""))
    return sorted({(name, tuple(kw)) for name, kw in found})  # type: ignore[misc]


OBJECT_URLS = object_url_patterns()
PUBLIC = "public_link"  # views opened by clients from a signed link, tested on their own


def test_the_matrix_finds_object_urls() -> None:
    names = {name for name, _ in OBJECT_URLS}
    assert "clients:client-detail" in names
    assert "core:staff-set-active" in names


@pytest.mark.parametrize(("url_name", "kwargs"), OBJECT_URLS, ids=[n for n, _ in OBJECT_URLS])
def test_object_url_access(
    url_name: str,
    kwargs: tuple[str, ...],
    clinic_a: Clinic,
    owner_a: User,
    practitioner_a: User,
    front_desk_a: User,
    practitioner_b: User,
) -> None:
    world = build_world(clinic_a, owner_a, practitioner_a, front_desk_a)
    missing = [kw for kw in kwargs if kw not in world.ids]
    assert not missing, f"{url_name} takes {missing}: add them in an app's tests/world.py"
    url = reverse(url_name, kwargs={kw: world.ids[kw] for kw in kwargs})
    view = resolve(url).func
    if getattr(view, PUBLIC, False):
        pytest.skip("opened by a client's signed link; covered by that app's link tests")
    access = getattr(view, "access", None)
    assert isinstance(access, Access), f"{url_name} is not wrapped in core.access.staff_view"

    anonymous = HttpClient().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"], url_name

    outsider = login(practitioner_b)
    # 405 answers a method the URL does not take before any lookup: it says nothing about the
    # object. The method the URL does take must answer 404.
    outsider_statuses = {outsider.get(url).status_code, outsider.post(url).status_code}
    assert outsider_statuses <= {404, 405} and 404 in outsider_statuses, f"clinic B opened {url}"

    desk_status = login(front_desk_a).get(url).status_code
    if access in (Access.CLINICAL, Access.OWNER):
        assert desk_status == 404, f"front desk opened clinical {url}"
    else:
        assert desk_status in (200, 302, 405), f"front desk got {desk_status} on {url}"

    allowed = owner_a if access is Access.OWNER else practitioner_a
    assert login(allowed).get(url).status_code in (200, 302, 405), f"{allowed.role} refused {url}"


@pytest.mark.parametrize(
    "bad_id", ["0", "99999999", "9223372036854775808", "999999999999999999999999"]
)
def test_malformed_or_unknown_ids_are_404(as_practitioner_a: HttpClient, bad_id: str) -> None:
    assert as_practitioner_a.get(f"/clients/{bad_id}/").status_code == 404
    assert as_practitioner_a.get("/clients/abc/").status_code == 404
