"""A real browser, offline: headless Chromium (Debian's ``chromium``) driven by Playwright.

The instructor opens a session in one browser context, a team joins its seat in
another; the instructor steps, injects an event, the team moves, and both pages
show it. Every request not addressed to 127.0.0.1 is blocked and recorded (none
may happen), and any script error or Content-Security-Policy violation fails the
test. Screenshots go to test-artifacts/.

Needs: ``apt-get install chromium`` and ``pip install playwright`` (Playwright's
own browser downloads are never used).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
KEY = "browser-key"

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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from sim.classroom.server import App, serve_in_thread

    app = App(
        "1969_border_clash", [], key=KEY, logdir=tmp_path_factory.mktemp("logs"), baseline_runs=2
    )
    srv, url = serve_in_thread(app, host="127.0.0.1")
    yield url
    srv.shutdown()
    srv.server_close()


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


def new_page(browser, offline: Offline, who: str):
    ctx = browser.new_context(
        viewport={"width": 1440, "height": 1000}, accept_downloads=True, service_workers="block"
    )
    ctx.route("**/*", offline.route)
    page = ctx.new_page()
    offline.watch(page, who)
    page.set_default_timeout(20_000)
    return page


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"browser_{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_class_in_the_browser_offline(browser, server):
    offline = Offline()
    # --- the instructor opens a session with one team seat -----------------------------------
    inst = new_page(browser, offline, "instructor")
    inst.goto(f"{server}/#key={KEY}")
    inst.wait_for_selector("#seat-ROC")
    assert "The 1969 Sino-Soviet border clash" in inst.inner_text("#scenario")
    inst.fill("#seed", "5")
    inst.check("#seat-ROC")
    inst.click("#open-btn")
    inst.wait_for_selector("#seat-table .seat-code")
    assert "#key" not in inst.url  # the server key does not stay in the address bar
    code = inst.inner_text(".seat-code[data-actor=ROC]").strip()
    assert len(code) >= 12
    assert inst.inner_text("#current-date") == "1969-02"
    assert inst.locator("#network .edge").count() == 6
    assert inst.inner_text("#role-badge") == "instructor"

    # --- steps: the scenario's clash fires in 1969-03 ------------------------------------------
    inst.click("#btn-step")
    inst.wait_for_selector("#current-date:text-is('1969-03')")
    inst.wait_for_selector("#history-markers li[data-event=zhenbao_clash]")
    assert "Zhenbao Island clash" in inst.inner_text("#log")
    assert "Patel2025" in inst.inner_text("#history-markers")

    # --- a team joins its seat from another browser ------------------------------------------
    team = new_page(browser, offline, "team")
    team.goto(f"{server}/#code=WRONG-CODE")
    team.wait_for_selector("#join-error:not(:empty)")
    assert "unknown code 'WRONG-CODE'" in team.inner_text("#join-error")
    team.fill("#join-code", code)
    team.click("#join-btn")
    team.wait_for_selector("#options .option button")
    assert team.inner_text("#role-badge") == "team: ROC (Taiwan)"
    assert team.locator("#btn-step").count() == 0 and team.locator("#btn-inject").count() == 0
    assert "expected utility" in team.inner_text("#options")  # advice is on
    assert team.locator("#relations-table").count() == 1
    options = team.locator("#options .option")
    best = team.locator("#options .option:has(.best)")
    assert best.count() == 1
    target = team.locator("#options .option[data-action=warm][data-target=US]")
    target.locator("button").click()
    team.wait_for_selector("#options .option.chosen[data-action=warm][data-target=US]")
    assert "Warm toward United States" in team.inner_text("#team-status")
    assert options.count() > 10

    # --- the instructor sees the move, injects an event, and steps ---------------------------
    inst.wait_for_selector(".seat-row[data-actor=ROC] .status-moved")
    inst.select_option("#inj-preset", "sanctions")
    inst.select_option("#inj-actor", "US")
    inst.select_option("#inj-target", "PRC")
    inst.click("#btn-inject")
    inst.wait_for_selector("#history-markers li.inject")
    assert "Sanctions: United States / PRC" in inst.inner_text("#history-markers")
    assert "class inject" in inst.inner_text("#history-markers")
    assert inst.locator("#history .event-marker").count() == 2
    shot(inst, "instructor_turn3")
    shot(team, "team_turn3")
    inst.click("#btn-step")
    inst.wait_for_selector("#current-date:text-is('1969-04')")
    log = inst.inner_text("#log")
    assert "ROC (Taiwan) warms toward United States (team)" in log
    assert "Sanctions: United States / PRC: United States imposes sanctions" in log

    # --- the team's page follows (polling), and shows the new turn ----------------------------
    team.wait_for_selector("#current-date:text-is('1969-04')", timeout=10_000)
    assert "Choose your move for 1969-04" in team.inner_text("#team-status")
    assert "ROC (Taiwan) warms toward United States (team)" in team.inner_text("#log")
    assert team.locator("#history-markers li.inject").count() == 1
    assert "Sanctions" in team.inner_text("#history-markers")

    # --- a weight change, play a few turns, end, and download the debrief ---------------------
    inst.select_option("#w-actor", "US")
    inst.locator("#w-leverage").fill("0.9")
    inst.locator("#w-leverage").dispatch_event("change")
    inst.wait_for_selector("#w-effective:has-text('leverage')")
    inst.click("#btn-play")
    inst.wait_for_timeout(400)
    inst.click("#btn-pause")  # the team has not moved: play waits for it
    inst.wait_for_selector("#current-date:text-is('1969-04')")
    assert "Waiting for: ROC (Taiwan)" in inst.inner_text("#game-status")
    shot(inst, "instructor_playing")
    inst.on("dialog", lambda d: d.accept())
    inst.click("#btn-end")
    inst.wait_for_selector("text=game over")
    team.wait_for_selector("#btn-report:not([disabled])", timeout=10_000)
    with inst.expect_download(timeout=60_000) as dl:
        inst.click("#btn-report")
    html = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename.startswith("debrief_1969_border_clash_")
    assert html.startswith("<!doctype html>") and "Debrief: The 1969 Sino-Soviet" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "Sanctions: United States / PRC" in html

    # the report renders offline in the browser too
    rep = new_page(browser, offline, "report")
    rep.set_content(html)
    assert rep.locator("img").count() == 4
    assert rep.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    shot(rep, "debrief")
    shot(team, "team_over")

    # --- nothing left the machine; no script or CSP errors -----------------------------------
    assert offline.blocked == []
    assert offline.local and all(
        "127.0.0.1" in u or u.startswith(("data:", "blob:")) for u in offline.local
    )
    # (the wrong code's refusal is the one failed request a browser logs)
    errors = [e for e in offline.errors if "status of 401 (Unauthorized)" not in e]
    assert errors == []
    for f in ("instructor_turn3", "team_turn3", "debrief"):
        assert (ARTIFACTS / f"browser_{f}.png").stat().st_size > 20_000
