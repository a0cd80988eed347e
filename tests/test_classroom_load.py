"""A class's worth of load on loopback: 40 browsers open the page, join and subscribe at
once, and stay subscribed while the instructor steps the game for about a minute.

The server runs as the real command (``cardplay classroom``) in its own process; the 40
clients are asyncio tasks here, each with its own connection. Measured and reported
(printed, and written to test-artifacts/classroom_load.json; docs/classroom.md quotes a
run): first-response, join and first-state latency, and how long each step's update
takes to reach each client. Timing is reported, never asserted (a busy machine is slow,
not wrong); what is asserted: no error, and every client received every update.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from pathlib import Path

import pytest

from tests import HANG_GUARD
from tests.test_classroom_http import cli_server

httpx = pytest.importorskip("httpx")

pytestmark = pytest.mark.slow

CLIENTS = 40
STEPS = 20
STEP_EVERY = 3.0  # seconds between the instructor's steps (20 steps: about a minute)
KEY = "load-key"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def quantiles(xs: list[float]) -> dict:
    xs = sorted(xs)
    pick = lambda q: xs[min(len(xs) - 1, int(q * len(xs)))]  # noqa: E731
    ms = lambda v: round(1000 * v, 1)  # noqa: E731
    return {"n": len(xs), "p50_ms": ms(pick(0.5)), "p99_ms": ms(pick(0.99)), "max_ms": ms(xs[-1])}


@pytest.fixture
def server(tmp_path):
    with cli_server(f"key={KEY}", f"logdir={tmp_path}", "baseline_runs=1") as printed:
        yield re.search(r"teams join at: +(http://\S+)/", printed).group(1)


class Browser:
    """One participant: opens the page, joins with a code, reads the pushed states."""

    def __init__(self, base: str, code: str):
        self.base, self.code = base, code
        self.errors: list[str] = []
        self.seen: dict[int, float] = {}  # turn -> when its state arrived
        self.timings: dict[str, float] = {}
        self.ready = asyncio.Event()  # its client is made: the clock may start
        self.subscribed = asyncio.Event()

    async def run(self, go: asyncio.Event):
        """Until cancelled (the class is over)."""
        try:
            async with httpx.AsyncClient(base_url=self.base, timeout=HANG_GUARD) as c:
                self.ready.set()
                await go.wait()
                await self._follow(c)
        except asyncio.CancelledError:
            pass
        except httpx.HTTPError as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            self.ready.set()
            self.subscribed.set()

    async def _follow(self, c):
        t0 = time.perf_counter()
        page = await c.get("/")
        self.timings["first_response"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        joined = await c.post("/api/join", json={"code": self.code})
        self.timings["join"] = time.perf_counter() - t1
        for r in (page, joined):
            if r.status_code != 200:
                self.errors.append(f"{r.request.url.path}: {r.status_code} {r.text[:100]}")
                return
        t2 = time.perf_counter()
        async with c.stream("GET", "/api/events", headers={"X-Token": self.code}) as r:
            if r.status_code != 200:
                self.errors.append(f"events: {r.status_code}")
                return
            async for state in self._events(r.aiter_lines()):
                now = time.perf_counter()
                if not self.seen:
                    self.timings["first_state"] = now - t2
                    self.subscribed.set()
                self.seen.setdefault(state["t"], now)
        self.errors.append("the stream ended before the class did")

    async def _events(self, lines):
        data = []
        async for line in lines:
            if line.startswith("data:"):
                data.append(line[5:].strip())
            elif not line and data:
                try:
                    yield json.loads("".join(data))["state"]
                except (ValueError, KeyError) as exc:
                    self.errors.append(f"a malformed event: {exc}")
                data = []


async def a_class(base: str) -> dict:
    async with httpx.AsyncClient(base_url=base, timeout=HANG_GUARD) as instructor:
        r = await instructor.post(
            "/api/session",
            json={"seats": ["USSR", "US", "PRC", "ROC"], "seed": 1, "pace": 1},
            headers={"X-Key": KEY},
        )
        assert r.status_code == 200, r.text
        opened = r.json()
        codes = [*opened["codes"].values(), opened["board"]]
        browsers = [Browser(base, codes[k % len(codes)]) for k in range(CLIENTS)]
        go = asyncio.Event()
        tasks = [asyncio.create_task(b.run(go)) for b in browsers]
        await asyncio.gather(*(b.ready.wait() for b in browsers))
        go.set()  # all at once
        await asyncio.gather(*(b.subscribed.wait() for b in browsers))
        assert [e for b in browsers for e in b.errors] == []
        steps = []
        token = {"X-Token": opened["token"]}
        for k in range(STEPS):
            started = time.perf_counter()
            r = await instructor.post("/api/step", json={}, headers=token)
            answered = time.perf_counter()
            if r.status_code != 200:
                browsers[0].errors.append(f"step {k}: {r.status_code} {r.text[:100]}")
                break
            turn = r.json()["step"] + 1
            guard = answered + HANG_GUARD
            while not all(turn in b.seen or b.errors for b in browsers):
                if time.perf_counter() > guard:  # a hang guard, not a speed check
                    browsers[0].errors.append(f"turn {turn} never reached every client")
                    break
                await asyncio.sleep(0.005)  # every client has it before the next step
            steps.append({"turn": turn, "started": started, "answered": answered})
            await asyncio.sleep(max(0.0, started + STEP_EVERY - time.perf_counter()))
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks)
    update = [b.seen[s["turn"]] - s["started"] for s in steps for b in browsers]
    after_answer = [b.seen[s["turn"]] - s["answered"] for s in steps for b in browsers]
    to_all = [max(b.seen[s["turn"]] for b in browsers) - s["started"] for s in steps]
    return {
        "clients": CLIENTS,
        "steps": len(steps),
        "errors": [e for b in browsers for e in b.errors],
        "missed": sum(s["turn"] not in b.seen for s in steps for b in browsers),
        "first_response": quantiles([b.timings["first_response"] for b in browsers]),
        "join": quantiles([b.timings["join"] for b in browsers]),
        "first_state": quantiles([b.timings["first_state"] for b in browsers]),
        "update_from_step_request": quantiles(update),
        "update_after_step_answer": quantiles(after_answer),
        "update_to_all_clients": quantiles(to_all),
        "cpus": os.cpu_count(),
    }


def test_forty_clients_subscribed_while_the_instructor_steps(server, capsys):
    report = asyncio.run(a_class(server))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "classroom_load.json").write_text(json.dumps(report, indent=1))
    with capsys.disabled():
        print("\nclassroom load (loopback; reported, not asserted):")
        for k, v in report.items():
            if isinstance(v, dict):
                print(
                    f"  {k:27s} p50 {v['p50_ms']:7.1f} ms  p99 {v['p99_ms']:7.1f} ms  (n={v['n']})"
                )
    assert report["errors"] == []
    assert report["steps"] == STEPS and report["missed"] == 0  # every client, every update
