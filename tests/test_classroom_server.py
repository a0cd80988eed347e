"""The server itself, over real sockets on 127.0.0.1: state pushed to subscribers, a restart
that resumes, broken HTTP answered (never a hang), idle sockets closed, safe download
names, and one debrief build however many ask at once."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from urllib.parse import urlsplit

import pytest

from sim.classroom import debrief as debrief_module
from sim.classroom.api import content_disposition
from sim.classroom.client import Client
from sim.classroom.registry import Classroom
from sim.classroom.server import TimedH11, running
from sim.classroom.session import Session
from sim.classroom.sessionlog import LOG_NAME, write_access
from sim.scenario.config import compose
from tests import HANG_GUARD

KEY = "server-key"


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port


class Stream:
    """A subscriber to /api/events: yields each pushed state."""

    def __init__(self, url: str, token: str):
        self.conn = http.client.HTTPConnection(*address(url), timeout=HANG_GUARD)
        self.conn.request("GET", "/api/events", headers={"X-Token": token})
        self.resp = self.conn.getresponse()

    def next(self) -> dict:
        data = []
        while True:
            line = self.resp.fp.readline().decode().rstrip("\r\n")
            if line.startswith("data:"):
                data.append(line[5:].strip())
            elif not line and data:
                return json.loads("".join(data))

    def close(self):
        self.conn.close()


def raw(url: str, request: bytes) -> bytes:
    """Send raw bytes; what the server answers before it closes (or b'' if nothing)."""
    with socket.create_connection(address(url), timeout=HANG_GUARD) as s:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


@pytest.fixture
def room(tmp_path):
    return Classroom("1969_border_clash", key=KEY, logdir=tmp_path)


def open_session(url: str, **kw) -> dict:
    status, out = Client(url, key=KEY).post("/api/session", {"seed": 2, **kw})
    assert status == 200, out
    return out


def test_every_subscriber_gets_every_change_pushed(room):
    with running(room, baseline_runs=2) as url:
        opened = open_session(url, seats=["ROC"])
        team = Stream(url, opened["codes"]["ROC"])
        board = Stream(url, opened["board"])
        first = team.next()
        assert first["state"]["role"] == "seat" and first["deadline_left"] is None
        assert board.next()["state"]["role"] == "board"
        instr = Client(url, token=opened["token"])
        for _ in range(3):
            assert instr.post("/api/step")[0] == 200
            got = team.next()["state"]
            assert got["version"] == instr.get("/api/state")[1]["version"]
        assert got["date"] == "1969-05"
        assert board.next()["state"]["t"] >= 2  # the board follows too
        # a team's move reaches the board as 'moved', without the move itself
        row = got["me"]["options"][0]["row"]
        assert Client(url, token=opened["codes"]["ROC"]).post("/api/move", {"row": row})[0] == 200
        while not (seen := board.next()["state"])["seats"][0]["moved"]:
            pass
        assert "me" not in seen
        team.close()
        board.close()


def test_a_restart_resumes_and_the_codes_still_work(room):
    with running(room, baseline_runs=2) as url:
        opened = open_session(url, seats=["ROC", "US"])
        instr = Client(url, token=opened["token"])
        roc = Client(url, token=opened["codes"]["ROC"])
        instr.post("/api/inject", {"preset": "talks", "actor": "USSR", "target": "PRC"})
        instr.post("/api/step")
        roc.post("/api/move", {"row": roc.get("/api/state")[1]["me"]["options"][0]["row"]})
        before = {c.token: c.get("/api/state")[1] for c in (instr, roc)}
    again = Classroom("1969_border_clash", key="new-key", logdir=room.logdir)
    with running(again, baseline_runs=2) as url2:
        for token, view in before.items():
            status, now = Client(url2, token=token).get("/api/state")
            assert status == 200 and now == view
        status, listed = Client(url2, key="new-key").get("/api/sessions")
        assert listed["sessions"][0]["token"] == opened["token"]
        status, out = Client(url2, token=opened["token"]).post("/api/step")
        assert status == 200 and out["date"] == "1969-03"


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        b"POST /api/join HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
        b"NONSENSE\r\n\r\n",
    ],
)
def test_broken_http_gets_a_4xx_not_a_hang(room, request_bytes):
    with running(room) as url:
        answer = raw(url, request_bytes)
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500, answer[:200]


def test_big_bodies_are_refused_before_they_are_read(room):
    with running(room) as url:
        big = b'{"code": "' + b"a" * 100_000 + b'"}'
        head = f"POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Length: {len(big)}\r\n\r\n"
        answer = raw(url, head.encode() + big)
        assert answer.startswith(b"HTTP/1.1 413")
        assert b"request body over 32,768 bytes" in answer


def test_a_socket_that_sends_nothing_is_closed(room, monkeypatch):
    monkeypatch.setattr(TimedH11, "header_timeout", 0.3)
    with running(room) as url:
        socks = [socket.create_connection(address(url), timeout=HANG_GUARD) for _ in range(20)]
        for s in socks:
            assert s.recv(10) == b""  # closed by the server, no thread held for it
            s.close()
        trickle = socket.create_connection(address(url), timeout=HANG_GUARD)
        trickle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        assert trickle.recv(10) == b""
        trickle.close()
        assert Client(url).get("/api/health") == (200, {"ok": True})  # still serving


@pytest.mark.parametrize(
    "name",
    ["debrief_plain.html", "evil\r\nSet-Cookie: a=b.html", 'q"uote;.html', "北京_Москва.html", ""],
)
def test_download_names_are_safe(name):
    header = content_disposition(name)
    assert "\r" not in header and "\n" not in header
    header.encode("latin-1")  # a valid header value
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback and all(c.isascii() and (c.isalnum() or c in "._-") for c in fallback)
    exact = header.split("filename*=UTF-8''", 1)[1]
    from urllib.parse import unquote

    assert unquote(exact) == name


def test_a_scenario_name_with_cr_lf_and_other_scripts_downloads_safely(room):
    raw_cfg = compose(["scenario=1969_border_clash"])
    raw_cfg["name"] = "evil\r\nSet-Cookie: x=1 北京"
    folder = room.logdir / "weird"
    s = Session(raw_cfg, [], log_path=folder / LOG_NAME, session_id="weird01")
    write_access(folder, s.access())
    room.discover()
    with running(room, baseline_runs=2) as url:
        c = Client(url, token=s.instructor_token)
        assert c.post("/api/end")[0] == 200
        status, html = c.get("/api/report")
        assert status == 200 and html.startswith("<!doctype html>")
        disposition = c.last_headers["Content-Disposition"]
        assert "Set-Cookie" not in c.last_headers and "\n" not in disposition
        assert "filename*=UTF-8''debrief_evil%0D%0ASet-Cookie" in disposition
        assert Client(url).get("/api/health")[0] == 200  # the connection was not dropped


def test_the_debrief_is_built_once_however_many_ask(room, monkeypatch):
    calls = []
    real = debrief_module.debrief_data

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(debrief_module, "debrief_data", counting)
    with running(room, baseline_runs=2) as url:
        opened = open_session(url, seats=["ROC"], pace=6)
        instr = Client(url, token=opened["token"])
        while not instr.post("/api/step")[1]["over"]:
            pass
        answers = []

        def ask(token):
            answers.append(Client(url, token=token).get("/api/report"))

        asks = [opened["codes"]["ROC"]] * 6 + [opened["token"]] * 2
        threads = [threading.Thread(target=ask, args=(t,)) for t in asks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [a[0] for a in answers] == [200] * 8
        assert len({a[1] for a in answers}) == 1
        assert len(calls) == 1  # the prebuild at the game's end, then the cache
        folder = next(room.logdir.iterdir())
        assert len(list(folder.glob("debrief-*.html"))) == 1  # kept for after a restart
