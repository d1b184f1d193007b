"""Every page, with the demo clinic loaded, on the screens it is used on.

Staff pages at both tablet sizes (1024 x 768, 820 x 1180), the client's pages (intake link,
check-ins, aftercare sheet) and the public pages (log-in, password reset) on a phone
(390 x 844). A page fails when it is wider than the screen, when it hides part of its content
behind a sideways scroll or a clipped box, when two touch targets of the session chart overlap,
or when axe-core finds a serious or critical violation.

The pages are an explicit list, and `test_every_url_is_a_checked_page_or_says_why_not` holds it
against the URL configuration: a new URL fails that test until it is listed here, as a page or
with the reason it is not one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Browser, Page

from acuface.aftercare import selectors as aftercare_selectors
from acuface.aftercare.models import CheckIn, Escalation
from acuface.atlas import services as atlas_services
from acuface.atlas.models import Protocol, TreatmentPlan
from acuface.clients.models import Client
from acuface.core.demo import DEMO_PASSWORD, DemoClinic, demo_clinic
from acuface.courses import rules as course_rules
from acuface.courses.models import Booking, Course
from acuface.intake import selectors as intake_selectors
from acuface.intake import services as intake_services
from acuface.intake.examples import constitution_answers, healthy_answers
from acuface.intake.models import Intake
from acuface.photos.models import Photo
from acuface.treatments import states
from acuface.treatments.models import NeedleLot, NeedleProduct, TreatmentSession
from acuface.treatments.tests.factories import ready_client, session_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TABLETS = {"1024x768": {"width": 1024, "height": 768}, "820x1180": {"width": 820, "height": 1180}}
PHONES = {"390x844": {"width": 390, "height": 844}}
BLOCKING_IMPACTS = ("serious", "critical")


@dataclasses.dataclass
class Demo:
    """The demo clinic after `load_demo`, plus the states a session page can be in."""

    clinic: DemoClinic
    objects: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclasses.dataclass(frozen=True)
class PageCheck:
    url_name: str
    label: str
    path: Callable[[Demo], str]
    status: int = 200  # what the page answers (a link page may say 404 or 410 on purpose)


def url(name: str, query: str = "", **kwargs: Callable[[Demo], Any]) -> Callable[[Demo], str]:
    def build(demo: Demo) -> str:
        return reverse(name, kwargs={k: get(demo) for k, get in kwargs.items()}) + query

    return build


def at(name: str, label: str, query: str = "", **kwargs: Callable[[Demo], Any]) -> PageCheck:
    return PageCheck(name, label, url(name, query, **kwargs))


def zoe(d: Demo) -> int:
    return d.zoe.pk


STAFF_PAGES = [
    at("core:dashboard", "today"),
    at("core:staff-list", "staff"),
    at("core:clinic-settings", "clinic settings"),
    at("core:audit-log", "audit log"),
    at("clients:client-list", "client list"),
    at("clients:client-create", "new client"),
    at("clients:client-detail", "client record", client_id=zoe),
    at("clients:client-detail", "client record with photos", client_id=lambda d: d.jose.pk),
    at("clients:client-edit", "client edit", client_id=zoe),
    at("clients:consent-sign", "consent", client_id=zoe, kind=lambda d: "photos"),
    at("intake:client-intake", "client's intake link", client_id=zoe),
    at("intake:today-check", "today's check", client_id=zoe),
    at("intake:intake-list", "intakes"),
    at("intake:intake-review", "intake review", intake_id=lambda d: d.zoe_intake.pk),
    at("intake:intake-review", "intake review, filler", intake_id=lambda d: d.filler_intake.pk),
    at("atlas:client-plan", "plan a treatment", client_id=zoe),
    at("atlas:plan-detail", "plan", plan_id=lambda d: d.plan.pk),
    at(
        "atlas:plan-line-edit",
        "plan needle",
        plan_id=lambda d: d.plan.pk,
        line_id=lambda d: d.plan.lines.first().pk,
    ),
    at("atlas:point-list", "points"),
    at("atlas:point-detail", "point", "?code=ST2"),
    at("atlas:protocol-list", "protocols"),
    at("atlas:protocol-edit", "protocol", protocol_id=lambda d: d.protocol.pk),
    at("treatments:session-detail", "session, scheduled", session_id=lambda d: d.today.pk),
    at("treatments:session-detail", "session, needling", session_id=lambda d: d.needling.pk),
    at("treatments:session-detail", "session, overdue", session_id=lambda d: d.overdue.pk),
    at("treatments:session-detail", "session, complete", session_id=lambda d: d.done.pk),
    at("treatments:aftercare-sheet", "aftercare sheet", session_id=lambda d: d.done.pk),
    at("treatments:stock-list", "needle stock"),
    at("treatments:product-create", "new needle product"),
    at("treatments:lot-receive", "receive a lot", product_id=lambda d: d.product.pk),
    at("treatments:incident-list", "missing-needle incidents"),
    at("photos:photo-upload", "photo upload", client_id=lambda d: d.jose.pk),
    at("photos:photo-detail", "photo", photo_id=lambda d: d.later_photo.pk),
    at(
        "photos:photo-compare",
        "photo comparison",
        photo_id=lambda d: d.later_photo.pk,
        other_photo_id=lambda d: d.first_photo.pk,
    ),
    at("aftercare:dashboard", "aftercare"),
    at("aftercare:escalation-detail", "escalation", escalation_id=lambda d: d.escalation.pk),
    at("aftercare:checkin-detail", "check-in answers", checkin_id=lambda d: d.answered.pk),
    at("aftercare:event-record", "record an adverse event", session_id=lambda d: d.done.pk),
    at("aftercare:safety-report", "safety report"),
    at("courses:course-create", "plan a course", client_id=lambda d: d.zoe.pk),
    at("courses:course-detail", "course", course_id=lambda d: d.course.pk),
    at("courses:booking-create", "book a session", course_id=lambda d: d.course.pk),
    at("courses:booking-reschedule", "move a booking", booking_id=lambda d: d.booking.pk),
    at("courses:visit-book", "book a visit", client_id=zoe),
    at("courses:booking-cancel", "cancel a booking", booking_id=lambda d: d.booking.pk),
    at(
        "courses:outcome-record",
        "client's outcome answers",
        course_id=lambda d: d.course.pk,
        milestone=lambda d: course_rules.milestone_choices()[0][0],
    ),
    at("courses:course-summary", "course summary", course_id=lambda d: d.course.pk),
    at("courses:calendar", "calendar, day"),
    at("courses:calendar", "calendar, week", "?view=week"),
    at("courses:overview", "outcomes overview"),
    at("courses:opening-hours", "opening hours"),
    at("records:client-erase", "erase a client", client_id=lambda d: d.zoe.pk),
    at("records:csv-index", "CSV exports"),
    at("password_change", "password change"),
    at("password_change_done", "password changed"),
]

# Opened by the client on a phone. The aftercare sheet is printed or shown to the client, so it
# is checked on the phone too (from a staff log-in: it is a staff page).
CLIENT_PAGES = [
    *(
        PageCheck(
            "intake:intake-fill",
            f"intake page {n + 1}",
            lambda d, n=n: d.filled_link + f"?section={n}",
        )
        for n in range(10)
    ),
    PageCheck(
        "intake:intake-fill", "intake: check and send", lambda d: d.filled_link + "?section=99"
    ),
    PageCheck("intake:intake-fill", "intake, not started", lambda d: d.empty_link),
    PageCheck(
        "intake:intake-fill", "intake link altered", lambda d: d.filled_link[:-3] + "xx/", 404
    ),
    PageCheck("aftercare:checkin-fill", "check-in", lambda d: d.checkin_link),
    PageCheck("aftercare:checkin-fill", "check-in answered", lambda d: d.answered_link),
    PageCheck("aftercare:session-checkin", "aftercare sheet QR link", lambda d: d.sheet_link),
    PageCheck("aftercare:session-report", "report a problem now", lambda d: d.report_link),
    at("treatments:aftercare-sheet", "aftercare sheet", session_id=lambda d: d.done.pk),
]
CLIENT_LOGGED_IN = {"treatments:aftercare-sheet"}

PUBLIC_PAGES = [
    at("login", "log in"),
    at("password_reset", "forgotten password"),
    at("password_reset_done", "reset e-mail sent"),
    PageCheck("password_reset_confirm", "choose a new password", lambda d: d.reset_link),
    at("password_reset_complete", "password reset"),
]

POST_ONLY = "an action (POST), answered by a redirect or a piece of a page that is checked"
FILE = "a file, not a page"
PIECE = "a piece of a page that is checked whole"
NOT_PAGES = {
    "logout": POST_ONLY,
    "core:staff-set-active": POST_ONLY,
    "clients:client-set-archived": POST_ONLY,
    "clients:consent-withdraw": POST_ONLY,
    "intake:intake-link-start": POST_ONLY,
    "intake:flag-acknowledge": POST_ONLY,
    "atlas:plan-toggle": POST_ONLY,
    "atlas:plan-ready": POST_ONLY,
    "atlas:protocol-copy": POST_ONLY,
    "treatments:session-start": POST_ONLY,
    "treatments:session-act": POST_ONLY,
    "treatments:incident-review": "an action: marks the incident reviewed and redirects",
    "photos:photo-reanalyse": POST_ONLY,
    "photos:photo-delete": POST_ONLY,
    "photos:point-move": POST_ONLY,
    "photos:points-confirm": POST_ONLY,
    "aftercare:checkin-send-again": POST_ONLY,
    "aftercare:event-resolve": POST_ONLY,
    "treatments:session-state": PIECE,
    "photos:photo-status": PIECE,
    "intake:intake-qr": FILE,
    "aftercare:followup-qr": FILE,
    "aftercare:checkin-photo": FILE,
    "aftercare:report-photo": FILE,
    "photos:session-photo": PIECE,
    "aftercare:safety-report-csv": FILE,
    "photos:photo-image": FILE,
    "photos:photo-aligned-image": FILE,
    "treatments:aftercare-pdf": FILE,
    "courses:course-summary-pdf": FILE,
    "courses:booking-ics": FILE,
    "courses:feed": FILE,
    "records:client-fhir": FILE,
    "records:client-export": FILE,
    "records:csv-table": FILE,
}
SKIP_NAMESPACES = {"admin"}  # Django's own admin, not Acuface's templates


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIP_NAMESPACES:
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif entry.name:
                names.add(f"{namespace}{entry.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_is_a_checked_page_or_says_why_not() -> None:
    checked = {p.url_name for p in STAFF_PAGES + CLIENT_PAGES + PUBLIC_PAGES}
    known = url_names()
    missing = known - checked - set(NOT_PAGES)
    assert not missing, f"add these to the page lists of {__file__} (or NOT_PAGES): {missing}"
    stale = (checked | set(NOT_PAGES)) - known
    assert not stale, f"listed in {__file__} but not in the URL configuration: {stale}"
    assert not checked & set(NOT_PAGES), checked & set(NOT_PAGES)


# --- the demo clinic, and the page states the demo does not have ---------------------------------


def _client(first: str, last: str) -> Client:
    return Client.objects.get(first_name=first, last_name=last)


def _link(intake: Intake) -> str:
    token = intake_selectors.intake_link_token(intake)
    return reverse("intake:intake-fill", kwargs={"token": token})


def load_demo_world() -> Demo:
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    clinic = demo_clinic()
    demo = Demo(clinic=clinic)
    ana = clinic.staff["practitioner"]
    o = demo.objects
    o["zoe"] = _client("Zoë", "O'Brien")
    o["jose"] = _client("José", "Martínez")
    o["zoe_intake"] = Intake.objects.filter(client=o["zoe"], status="submitted").latest("id")
    o["filler_intake"] = Intake.objects.get(client=_client("Amélie", "Dubois"))
    o["plan"] = TreatmentPlan.objects.filter(client=o["zoe"]).latest("id")
    standard = Protocol.objects.filter(clinic__isnull=True, is_current=True).first()
    assert standard is not None
    o["protocol"] = atlas_services.protocol_copy(
        actor=ana, clinic=clinic.clinic, kind=standard.kind, key=standard.key
    )
    o["today"] = TreatmentSession.objects.get(client=o["zoe"], state=states.SCHEDULED)
    o["done"] = TreatmentSession.objects.filter(client=o["zoe"], state=states.COMPLETE).latest(
        "completed_at"
    )
    o["product"] = NeedleProduct.objects.filter(clinic=clinic.clinic).first()
    photos = Photo.objects.filter(client=o["jose"]).order_by("taken_on")
    o["first_photo"], o["later_photo"] = photos[0], photos[1]
    o["escalation"] = Escalation.objects.first()
    o["answered"] = CheckIn.objects.filter(answered_at__isnull=False).first()
    o["course"] = Course.objects.get(client=_client("Maria", "Rossi"))
    o["booking"] = Booking.objects.filter(starts_at__gt=timezone.now()).first()

    # A session with needles in, and one whose retention ended a few minutes ago.
    lot = NeedleLot.objects.get(lot_number="SJ-2610-A")
    for key, state in (
        ("needling", states.NEEDLING),
        ("overdue", states.RETENTION),
        ("issued", states.AFTERCARE_ISSUED),
    ):
        person = ready_client(clinic=clinic.clinic, actor=ana)
        o[key] = session_in(state, actor=ana, client=person, lot=lot)
    now = timezone.now()
    TreatmentSession.objects.filter(pk=o["overdue"].pk).update(
        needling_started_at=now - dt.timedelta(minutes=36),
        retention_started_at=now - dt.timedelta(minutes=33),
        retention_ends_at=now - dt.timedelta(minutes=3),
    )

    # An intake answered to the end but not yet sent, and one not started.
    niamh = _client("Niamh", "Kelly")
    filled = intake_services.intake_start(actor=ana, client=niamh)
    filled.answers = healthy_answers(
        concerns=["crows_feet", "nasolabial_folds"],
        concern_crows_feet_severity=4,
        concern_nasolabial_folds_severity=3,
        **constitution_answers({"balanced": 3, "qi_stagnation": 4}),
    )
    filled.save(update_fields=["answers"])
    o["filled_link"] = _link(filled)
    o["empty_link"] = _link(Intake.objects.get(client=o["jose"], status="draft"))

    unanswered = CheckIn.objects.filter(answered_at__isnull=True, sent_at__isnull=False).first()
    assert unanswered is not None
    o["checkin_link"] = reverse(
        "aftercare:checkin-fill",
        kwargs={"token": aftercare_selectors.checkin_link_token(unanswered)},
    )
    o["answered_link"] = reverse(
        "aftercare:checkin-fill",
        kwargs={"token": aftercare_selectors.checkin_link_token(o["answered"])},
    )
    o["sheet_link"] = reverse(
        "aftercare:session-checkin",
        kwargs={"token": aftercare_selectors.session_checkin_token(o["done"])},
    )
    o["report_link"] = reverse(
        "aftercare:session-report",
        kwargs={"token": aftercare_selectors.session_checkin_token(o["issued"])},
    )
    owner = clinic.staff["owner"]
    o["reset_link"] = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(owner.pk)),
            "token": default_token_generator.make_token(owner),
        },
    )
    return demo


@pytest.fixture
def demo() -> Demo:
    return load_demo_world()


def staff_page(browser: Browser, base_url: str, email: str) -> Page:
    context = browser.new_context(viewport=TABLETS["1024x768"], base_url=base_url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto("/login/")
    tab.fill("#id_username", email)
    tab.fill("#id_password", DEMO_PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/")
    return tab


@pytest.fixture
def owner_tab(chromium: Browser, live_server: Any, demo: Demo) -> Iterator[Page]:
    tab = staff_page(chromium, live_server.url, demo.clinic.staff["owner"].email)
    yield tab
    tab.context.close()


@pytest.fixture
def anonymous_tab(chromium: Browser, live_server: Any) -> Iterator[Page]:
    context = chromium.new_context(viewport=PHONES["390x844"], base_url=live_server.url)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


# --- what is measured on each page ---------------------------------------------------------------

WIDTH_JS = """() => {
  // What a person would see after opening every fold of the page.
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  const root = document.documentElement;
  const found = [];
  if (root.scrollWidth > window.innerWidth) {
    found.push(`the page is ${root.scrollWidth} px wide on a ${window.innerWidth} px screen`);
  }
  const describe = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className.trim() ?
      "." + el.className.trim().split(/\\s+/).join(".") : "") +
    ` "${(el.innerText || "").trim().slice(0, 40)}"`;
  const visible = el =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const skip = "svg, select, textarea, input, .visually-hidden, [data-sideways-ok]";
  // A box whose content runs out of it sideways: hidden behind a scroll or a clip, or spilling
  // over its edge (the innermost such box is named).
  const spilling = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(skip) || !visible(el) || el.clientWidth === 0) continue;
    const style = getComputedStyle(el);
    if (style.display.startsWith("inline") && style.display !== "inline-block") continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    spilling.push(el);
  }
  for (const el of spilling) {
    if (spilling.some(other => other !== el && el.contains(other))) continue;
    const how = getComputedStyle(el).overflowX === "visible" ? "lets" : "hides";
    const out = el.scrollWidth - el.clientWidth;
    found.push(`${describe(el)} ${how} ${out} px of its content out sideways`);
  }
  // A radio button or tick box drawn over (or against) the words of its own label.
  const controls = "label input[type=radio], label input[type=checkbox]";
  for (const control of document.querySelectorAll(controls)) {
    if (!visible(control)) continue;
    const box = control.getBoundingClientRect();
    const label = control.closest("label");
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        const overlapX = Math.min(box.right + 3, r.right) - Math.max(box.left - 3, r.left);
        const overlapY = Math.min(box.bottom + 3, r.bottom) - Math.max(box.top - 3, r.top);
        if (r.width > 0 && overlapX > 0 && overlapY > 0) {
          const words = label.innerText.trim().slice(0, 40);
          found.push(`the ${control.type} of "${words}" sits on its words`);
        }
      }
    }
  }
  return [...new Set(found)];
}"""

AXE_JS = """async (impacts) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, count: v.nodes.length, first: v.nodes[0].target.join(" "),
  }));
}"""


def visit(tab: Page, path: str, status: int = 200) -> list[str]:
    """Open the page; what went wrong in loading it (a file it asks for that fails, no icon)."""
    failed: list[str] = []

    def note(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            failed.append(f"{response.url} answered {response.status}")

    tab.on("response", note)
    try:
        answer = tab.goto(path, wait_until="load")
        assert answer is not None and answer.status == status, f"{path}: {answer and answer.status}"
        tab.wait_for_timeout(100)  # let htmx settle
    finally:
        tab.remove_listener("response", note)
    if not tab.evaluate("() => !!document.querySelector('link[rel~=icon]')"):
        failed.append("no icon: the browser asks for /favicon.ico and logs a 404")
    return failed


def width_problems(
    tab: Page, demo: Demo, pages: list[PageCheck], viewports: dict[str, dict[str, int]]
) -> list[str]:
    found: list[str] = []
    for check in pages:
        path = check.path(demo)
        for size, viewport in viewports.items():
            tab.set_viewport_size(viewport)
            problems = visit(tab, path, check.status) + tab.evaluate(WIDTH_JS)
            found += [f"{check.label} ({path}) at {size}: {p}" for p in problems]
    return found


def axe_violations(tab: Page, demo: Demo, pages: list[PageCheck]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for check in pages:
        path = check.path(demo)
        visit(tab, path, check.status)
        tab.add_script_tag(path=str(AXE))
        for violation in tab.evaluate(AXE_JS, list(BLOCKING_IMPACTS)):
            found.append({"page": check.label, "path": path, **violation})
    return found


def report(problems: list[Any]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(
        p if isinstance(p, str) else json.dumps(p, ensure_ascii=False) for p in problems
    )


def test_staff_pages_fit_both_tablets(owner_tab: Page, demo: Demo) -> None:
    problems = width_problems(owner_tab, demo, STAFF_PAGES, TABLETS)
    assert not problems, report(problems)


def test_client_and_public_pages_fit_a_phone(
    owner_tab: Page, anonymous_tab: Page, demo: Demo
) -> None:
    anonymous = [p for p in CLIENT_PAGES if p.url_name not in CLIENT_LOGGED_IN]
    logged_in = [p for p in CLIENT_PAGES if p.url_name in CLIENT_LOGGED_IN]
    problems = width_problems(anonymous_tab, demo, anonymous + PUBLIC_PAGES, PHONES)
    problems += width_problems(owner_tab, demo, logged_in, PHONES)
    problems += width_problems(anonymous_tab, demo, PUBLIC_PAGES, TABLETS)
    assert not problems, report(problems)


OVERLAP_JS = """() => {
  const targets = [...document.querySelectorAll("#session-state [data-face-chart] .pt-hit")]
    .map(hit => ({point: hit.closest("[data-code]"), box: hit.getBoundingClientRect()}))
    .map(({point, box}) => ({
      name: point.dataset.code + " " + point.dataset.side,
      x: box.x + box.width / 2, y: box.y + box.height / 2, r: box.width / 2,
    }));
  const found = [];
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const a = targets[i], b = targets[j];
      const gap = Math.hypot(a.x - b.x, a.y - b.y) - a.r - b.r;
      if (gap < 0) found.push(`${a.name} and ${b.name} overlap by ${(-gap).toFixed(1)} px`);
    }
  }
  return {count: targets.length, found};
}"""


def test_session_chart_targets_do_not_overlap(owner_tab: Page, demo: Demo) -> None:
    problems: list[str] = []
    for size, viewport in {**TABLETS, **PHONES}.items():
        owner_tab.set_viewport_size(viewport)
        visit(owner_tab, reverse("treatments:session-detail", args=[demo.needling.pk]))
        measured = owner_tab.evaluate(OVERLAP_JS)
        assert measured["count"] >= 40, measured  # every facial point, both sides
        problems += [f"at {size}: {p}" for p in measured["found"]]
    assert not problems, report(problems)


def test_every_page_kind_passes_axe(owner_tab: Page, anonymous_tab: Page, demo: Demo) -> None:
    if not AXE.exists():
        message = f"{AXE} is missing: run `npm ci` (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    anonymous = [p for p in CLIENT_PAGES if p.url_name not in CLIENT_LOGGED_IN]
    owner_tab.set_viewport_size(TABLETS["1024x768"])
    violations = axe_violations(owner_tab, demo, STAFF_PAGES)
    violations += axe_violations(anonymous_tab, demo, anonymous + PUBLIC_PAGES)
    assert not violations, report(violations)
