"""Playwright (sync API) driving Debian's Chromium against the live test server.

A plugin loaded by the root conftest, so every test module shares one browser process (two
sync Playwright instances cannot run in one thread). Test modules use the fixtures by name and
never import them.

Skipped, with the reason printed, when /usr/bin/chromium is not installed. A failing test
leaves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from acuface.core.models import User
from conftest import PASSWORD
from tests.shared_data import missing

CHROMIUM = Path(os.environ.get("ACUFACE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop; Django must allow ORM calls from the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)
    return report


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Reload the migrations' reference data for a browser test or another transactional test.

    Browser tests (and the races, which need real transactions) run in transactional tests, and
    a transactional test empties every table when it ends, data migrations' rows included
    (consent texts, the atlas, the questionnaire).
    """
    database = request.node.get_closest_marker("django_db")
    transactional = database is not None and database.kwargs.get("transaction", False)
    if request.node.get_closest_marker("browser") is None and not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from acuface.atlas.loading import load_atlas_data
    from acuface.atlas.models import Point, Protocol
    from acuface.clients.models import ConsentText
    from acuface.intake.loading import defaults_ensure

    if not ConsentText.objects.exists():
        migration = importlib.import_module(
            "acuface.clients.migrations.0003_consent_texts_and_search_index"
        )
        migration.load_consent_texts(apps, None)
    if not Point.objects.exists():
        load_atlas_data(point_model=Point, protocol_model=Protocol)
    defaults_ensure()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: object, live_server: object) -> Iterator[object]:
    """A tablet-sized page whose relative URLs go to the live server."""
    context = chromium.new_context(viewport=TABLET, base_url=live_server.url)  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(page: object) -> Callable[[User], object]:
    def do(user: User, password: str = PASSWORD) -> object:
        page.goto("/login/")  # type: ignore[attr-defined]
        page.fill("#id_username", user.email)  # type: ignore[attr-defined]
        page.fill("#id_password", password)  # type: ignore[attr-defined]
        page.click("button[type=submit]")  # type: ignore[attr-defined]
        page.wait_for_url("**/")  # type: ignore[attr-defined]
        return page

    return do
