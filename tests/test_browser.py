"""A real browser, offline: headless Chromium (Debian's ``chromium``) driven by Playwright.

A class as it happens: the instructor opens a session, a team joins from another
browser, the instructor steps, injects and ends, the team follows (pushed, not polled);
the instructor re-enters from a second browser; the projector's board shows no code; the
server restarts mid-game and every page carries on; a team plays on a 390-px phone.

Every request not addressed to 127.0.0.1 is blocked and recorded (none may happen), and
any script error or Content-Security-Policy violation fails the test. Screenshots go to
test-artifacts/. Waits are generous: a slow machine is slow, not wrong.

Needs: ``apt-get install chromium`` and ``pip install playwright`` (Playwright's own
browser downloads are never used).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sim.classroom.client import Client
from sim.classroom.registry import Classroom
from sim.classroom.server import make_server, serve_in_thread, stop

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
KEY = "browser-key"
WAIT = 60_000  # ms: generous, never a speed check

pytestmark = [pytest.mark.browser, pytest.mark.slow]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def _skip_reason() -> str | None:
    if sync_playwright is None:
        return "the Python package 'playwright' is not installed (pip install playwright)"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
    return None


class Server:
    """A classroom server in a thread that can be stopped and started again on its port."""

    def __init__(self, logdir: Path):
        self.logdir = logdir
        self.port = 0
        self.start()

    def start(self):
        room = Classroom("1969_border_clash", key=KEY, logdir=self.logdir)
        self.server = make_server(room, "127.0.0.1", self.port, baseline_runs=2)
        self.thread, self.url = serve_in_thread(self.server)
        self.port = urlsplit(self.url).port

    def stop(self):
        stop(self.server, self.thread)


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "logs")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Offline:
    """Route every request: 127.0.0.1 passes, anything else is aborted and recorded."""

    def __init__(self):
        self.blocked: list[str] = []
        self.local: list[str] = []
        self.errors: list[str] = []

    def route(self, route):
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            self.local.append(url)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def watch(self, page, who: str):
        page.on("pageerror", lambda e: self.errors.append(f"{who}: {e}"))
        page.on(
            "console",
            lambda m: self.errors.append(f"{who}: {m.text}") if m.type == "error" else None,
        )

    def check(self, *allowed: str):
        """Nothing left the machine; no script or CSP error (but the ``allowed`` ones)."""
        assert self.blocked == []
        assert self.local and all(
            "127.0.0.1" in u or u.startswith(("data:", "blob:")) for u in self.local
        )
        assert [e for e in self.errors if not any(a in e for a in allowed)] == []


def new_page(browser, offline: Offline, who: str, **ctx):
    options = {"viewport": {"width": 1440, "height": 1000}, **ctx}
    context = browser.new_context(accept_downloads=True, service_workers="block", **options)
    context.route("**/*", offline.route)
    page = context.new_page()
    offline.watch(page, who)
    page.set_default_timeout(WAIT)
    return page


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"browser_{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_session(page, url: str, seats=("ROC",), pace: str | None = None) -> None:
    """The instructor opens a session from the server-key page."""
    page.goto(f"{url}/#key={KEY}")
    page.wait_for_selector("#seat-ROC")
    page.fill("#seed", "5")
    for a in seats:
        page.check(f"#seat-{a}")
    if pace:
        page.select_option("#pace", pace)
    page.click("#open-btn")
    page.wait_for_selector("#seat-table .seat-row")


def codes(page) -> dict:
    """Ask for the codes (they are hidden until asked) and read them off the page."""
    page.click("#btn-codes")
    page.wait_for_selector("#code-table .seat-code")
    out = {
        el.get_attribute("data-actor"): el.inner_text().strip()
        for el in page.query_selector_all("#code-table .seat-code")
    }
    out["instructor"] = page.inner_text("#instructor-link").strip()
    out["board"] = page.inner_text("#board-url").strip()
    return out


def test_class_in_the_browser_offline(browser, server):
    url = server.url
    offline = Offline()
    # --- the instructor opens a session with one team seat, at one month a turn --------------
    inst = new_page(browser, offline, "instructor")
    inst.goto(f"{url}/#key={KEY}")
    inst.wait_for_selector("#seat-ROC")
    assert "The 1969 Sino-Soviet border clash" in inst.inner_text("#scenario")
    assert "29 turns, about 29 min" in inst.inner_text("#pace")  # the estimate, per pace
    assert "3 months a turn: 9 turns" in inst.inner_text("#pace")
    open_session(inst, url, pace="1")
    assert "#key" not in inst.url  # the server key does not stay in the address bar
    assert inst.locator(".seat-code").count() == 0  # no code on screen until asked
    assert "29 turns" in inst.inner_text("#pace-line")
    code = codes(inst)["ROC"]
    assert len(code) >= 12
    assert inst.inner_text("#current-date") == "1969-02"
    assert inst.locator("#network .edge").count() == 6
    assert inst.inner_text("#role-badge") == "instructor"

    # --- a step shows a busy indicator while it is slow (held here for as long as needed) ---
    held = []
    inst.context.route("**/api/step", lambda route: held.append(route))
    inst.click("#btn-step")
    inst.wait_for_selector("#btn-step.busy[aria-busy=true]")
    assert inst.is_visible("#busy")
    while not held:
        inst.wait_for_timeout(50)
    inst.context.unroute("**/api/step")
    held[0].continue_()
    inst.wait_for_selector("#current-date:text-is('1969-03')")
    inst.wait_for_selector("#busy", state="hidden")
    inst.wait_for_selector("#history-markers li[data-event=zhenbao_clash]")
    assert "Zhenbao Island clash" in inst.inner_text("#log")
    assert "Patel2025" in inst.inner_text("#history-markers")

    # --- a team joins its seat from another browser ----------------------------------------
    team = new_page(browser, offline, "team")
    team.goto(f"{url}/#code=WRONG-CODE")
    team.wait_for_selector("#join-error:not(:empty)")
    assert "unknown code 'WRONG-CODE'" in team.inner_text("#join-error")
    team.fill("#join-code", code)
    team.click("#join-btn")
    team.wait_for_selector("#options .option button")
    assert team.inner_text("#role-badge") == "team: ROC (Taiwan)"
    assert team.locator("#btn-step").count() == 0 and team.locator("#btn-inject").count() == 0
    # advice: grouped by target, the top three marked, words first, numbers on demand
    groups = team.locator("#options .group h3").all_inner_texts()
    assert groups[0] == "No move this turn" and "Toward United States" in groups
    assert team.locator("#options .option.top").count() == 3
    words = set(team.locator("#options .verdict").all_inner_texts())
    assert (
        words <= {"better", "about the same", "worse", "the baseline"} and "the baseline" in words
    )
    assert not team.is_visible("#options .numbers >> nth=0")
    team.check("#show-numbers")
    assert "expected utility" in team.inner_text("#options .numbers >> nth=0")
    target = team.locator("#options .option[data-action=warm][data-target=US]")
    target.locator("button").click()
    team.wait_for_selector("#options .option.chosen[data-action=warm][data-target=US]")
    assert "Warm toward United States" in team.inner_text("#team-status")

    # --- the instructor sees the move, injects an event, and steps -------------------------
    inst.wait_for_selector(".seat-row[data-actor=ROC] .status-moved")
    inst.select_option("#inj-preset", "sanctions")
    inst.select_option("#inj-actor", "US")
    inst.select_option("#inj-target", "PRC")
    inst.click("#btn-inject")
    inst.wait_for_selector("#history-markers li.inject")
    assert "Sanctions: United States / PRC" in inst.inner_text("#history-markers")
    inst.select_option("#fb-actor", "USSR")
    inst.select_option("#fb-move", "warm")
    inst.select_option("#fb-target", "ROC")
    inst.click("#btn-forbid")
    inst.wait_for_selector("#forbidden li[data-actor=USSR]")
    shot(inst, "instructor_turn3")
    shot(team, "team_turn3")
    inst.click("#btn-step")
    inst.wait_for_selector("#current-date:text-is('1969-04')")
    log = inst.inner_text("#log")
    assert "ROC (Taiwan) warms toward United States (team)" in log
    assert "Sanctions: United States / PRC: United States imposes sanctions" in log

    # --- the team's page follows (pushed), and shows the new turn ---------------------------
    team.wait_for_selector("#current-date:text-is('1969-04')")
    assert "Choose your move for 1969-04" in team.inner_text("#team-status")
    assert "ROC (Taiwan) warms toward United States (team)" in team.inner_text("#log")
    assert team.locator("#history-markers li.inject").count() == 1

    # --- a weight change, play waits for the team, end, and download the debrief -----------
    inst.select_option("#w-actor", "US")
    inst.locator("#w-leverage").fill("0.9")
    inst.locator("#w-leverage").dispatch_event("change")
    inst.wait_for_selector("#w-effective:has-text('leverage')")
    inst.click("#btn-play")
    inst.wait_for_selector("#btn-pause:not([disabled])")
    inst.click("#btn-pause")  # the team has not moved: play waits for it
    assert inst.inner_text("#current-date") == "1969-04"
    assert "Waiting for: ROC (Taiwan)" in inst.inner_text("#game-status")
    inst.on("dialog", lambda d: d.accept())
    inst.click("#btn-end")
    inst.wait_for_selector("text=game over")
    for b in ("#btn-step", "#btn-play", "#btn-pause", "#btn-end"):
        assert inst.is_disabled(b), b  # Pause too, once the game is over
    team.wait_for_selector("#btn-report:not([disabled])")
    with inst.expect_download(timeout=4 * WAIT) as dl:
        inst.click("#btn-report")
    html = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename.startswith("debrief_1969_border_clash_")
    assert html.startswith("<!doctype html>") and "Debrief: The 1969 Sino-Soviet" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "Sanctions: United States / PRC" in html
    rep = new_page(browser, offline, "report")  # the report renders offline in a browser too
    rep.set_content(html)
    assert rep.locator("img").count() == html.count("<img") >= 4  # every figure, embedded
    assert rep.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    shot(rep, "debrief")
    shot(team, "team_over")
    offline.check("status of 401 (Unauthorized)")  # the wrong code's refusal
    for f in ("instructor_turn3", "team_turn3", "debrief"):
        assert (ARTIFACTS / f"browser_{f}.png").stat().st_size > 20_000


def test_the_instructor_re_enters_from_a_second_browser(browser, server):
    offline = Offline()
    first = new_page(browser, offline, "first")
    open_session(first, server.url, seats=("ROC", "US"))
    first.click("#btn-step")
    first.wait_for_selector("#current-date:text-is('1969-03')")
    link = codes(first)["instructor"]
    assert link.startswith(f"{server.url}/#code=")
    first.context.close()  # the tab, and its browser, are gone

    # another browser (a fresh context: no storage shared) opens the instructor link
    second = new_page(browser, offline, "second")
    second.goto(link)
    second.wait_for_selector("#btn-step")
    assert second.inner_text("#role-badge") == "instructor"
    assert second.inner_text("#current-date") == "1969-03"
    assert "#code" not in second.url  # the token leaves the address bar once used
    second.reload()  # and a reload keeps the tab in the game
    second.wait_for_selector("#current-date:text-is('1969-03')")
    second.click("#btn-step")
    second.wait_for_selector("#current-date:text-is('1969-04')")

    # the server key's page lists the session too, to re-enter it
    third = new_page(browser, offline, "third")
    third.goto(f"{server.url}/#key={KEY}")
    third.wait_for_selector("#sessions .reenter")
    third.click("#sessions .reenter")
    third.wait_for_selector("#current-date:text-is('1969-04')")
    assert third.inner_text("#role-badge") == "instructor"
    offline.check()


def test_the_board_shows_no_code(browser, server):
    offline = Offline()
    inst = new_page(browser, offline, "instructor")
    open_session(inst, server.url, seats=("ROC", "US"))
    found = codes(inst)
    secret = [found["ROC"], found["US"], found["instructor"].split("#code=")[1]]
    instr = Client(server.url, token=secret[2])
    roc = Client(server.url, token=found["ROC"])
    rows = roc.get("/api/state")[1]["me"]["options"]
    channel = next(o for o in rows if o["action"] == "open_channel" and o["target"] == "PRC")
    roc.post("/api/move", {"row": channel["row"]})
    xss = "<img src=x onerror=alert(1)>"
    spec = {
        "label": xss,
        "kind": "custom",
        "effects": [{"type": "standing", "actor": "US", "delta": 0.1}],
    }
    assert instr.post("/api/inject", {"preset": "custom", "spec": spec})[0] == 200
    instr.post("/api/step")

    board = new_page(browser, offline, "board", viewport={"width": 1920, "height": 1080})
    board.goto(found["board"])
    board.wait_for_selector("#current-date:text-is('1969-03')")
    board.wait_for_selector("#board-seats .chip")
    html = board.content()
    for code in secret:
        assert code not in html
    assert board.locator(".seat-code, #btn-step, #btn-codes, #options").count() == 0
    assert "secretly" not in board.inner_text("#log")  # ROC's secret channel stays secret
    assert board.locator("#network .channel").count() == 0
    assert xss in board.inner_text("#history-markers")  # shown as text, never as markup
    assert board.locator("#history-markers img").count() == 0
    size = board.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 20  # large type for the back of the room
    instr.post("/api/step")  # it follows the game on its own
    board.wait_for_selector("#current-date:text-is('1969-04')")
    shot(board, "board")
    offline.check()


def test_a_restart_mid_game_resumes_every_page(browser, server):
    offline = Offline()
    inst = new_page(browser, offline, "instructor")
    open_session(inst, server.url, seats=("ROC",))
    team = new_page(browser, offline, "team")
    team.goto(f"{server.url}/#code={codes(inst)['ROC']}")
    team.wait_for_selector("#options .option button")
    team.locator("#options .option[data-action=hold] button").click()
    inst.wait_for_selector(".seat-row[data-actor=ROC] .status-moved")
    inst.click("#btn-step")
    inst.wait_for_selector("#current-date:text-is('1969-03')")
    team.wait_for_selector("#current-date:text-is('1969-03')")
    team.locator("#options .option[data-action=warm][data-target=US] button").click()
    inst.wait_for_selector(".seat-row[data-actor=ROC] .status-moved")
    log = inst.inner_text("#log")

    server.stop()  # the server goes down mid-turn ...
    inst.wait_for_selector("#conn", state="visible")
    team.wait_for_selector("#conn", state="visible")
    server.start()  # ... and comes back on the same port, from the same folder
    inst.wait_for_selector("#conn", state="hidden")
    team.wait_for_selector("#conn", state="hidden")
    assert inst.inner_text("#current-date") == "1969-03"
    assert inst.inner_text("#log") == log
    inst.wait_for_selector(".seat-row[data-actor=ROC] .status-moved")  # the move survived
    team.wait_for_selector("#options .option.chosen[data-action=warm][data-target=US]")
    inst.click("#btn-step")
    team.wait_for_selector("#current-date:text-is('1969-04')")
    assert "ROC (Taiwan) warms toward United States (team)" in team.inner_text("#log")
    # (while the server was down, the pages' reconnection attempts failed: that is expected)
    offline.check("Failed to load resource", "net::ERR_CONNECTION_REFUSED")


def test_a_team_on_a_390px_phone(browser, server):
    offline = Offline()
    inst = new_page(browser, offline, "instructor")
    open_session(inst, server.url, seats=("ROC",))
    code = codes(inst)["ROC"]
    phone = new_page(
        browser, offline, "phone",
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
        device_scale_factor=3,
    )  # fmt: skip
    phone.goto(f"{server.url}/#code={code}")
    phone.wait_for_selector("#options .option button")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing runs off the side
    badge = phone.locator("#role-badge").bounding_box()
    assert badge["x"] >= 0 and badge["x"] + badge["width"] <= 390  # the badge is whole
    info = phone.locator("#turn-info").bounding_box()
    assert info["width"] >= 300  # the title runs across the screen, not down a column
    phone.locator("#options .option[data-action=warm][data-target=US] button").tap()
    phone.wait_for_selector("#options .option.chosen[data-action=warm][data-target=US]")
    inst.wait_for_selector(".seat-row[data-actor=ROC] .status-moved")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "team_390px")
    offline.check()
