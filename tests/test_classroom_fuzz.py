"""Fuzzing the HTTP API over real sockets: malformed JSON, wrong types, deep nesting, huge
bodies, odd headers and tokens, on every endpoint and with every role's token. The server
answers every one of them with a status line, and never with a 5xx."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.classroom.client import Client
from sim.classroom.registry import Classroom
from sim.classroom.server import running
from tests import HANG_GUARD

KEY = "fuzz-key"
ENDPOINTS = [
    ("GET", "/"),
    ("GET", "/board"),
    ("GET", "/static/main.js"),
    ("GET", "/api/health"),
    ("GET", "/api/scenarios"),
    ("GET", "/api/sessions"),
    ("POST", "/api/session"),
    ("POST", "/api/join"),
    ("GET", "/api/state"),
    ("POST", "/api/move"),
    ("GET", "/api/report"),
    ("GET", "/api/log"),
    ("GET", "/api/codes"),
    *(
        ("POST", f"/api/{name}")
        for name in ("step", "inject", "forbid", "weights", "influence", "noise", "end", "reset")
    ),
    ("POST", "/api/nothing"),
    ("PUT", "/api/move"),
    ("DELETE", "/api/session"),
]
FIELDS = [
    "key", "scenario", "seed", "seats", "advice", "deadline", "pace", "code", "row", "actor",
    "preset", "target", "audience", "strength", "spec", "weights", "faction", "value", "move",
]  # fmt: skip

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["inf", "nan", "-1", "1e999", "US", "ROC", "clash", "hawks", "warm"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5).map(
        lambda d: json.dumps(d).encode()
    ),
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"{",
            b'{"row": NaN}',
            b'{"value": Infinity}',
            b'{"a": 1,}',
            b"\xff\xfe{}",
            b'"just a string"',
            b"[" * 5000 + b"]" * 5000,
            b'{"a":' * 3000 + b"1" + b"}" * 3000,
            b'{"spec": {"label": "' + b"x" * 30_000 + b'"}}',
            b" " * 40_000,
        ]
    ),
)
header_values = st.binary(max_size=60).filter(lambda b: b"\r" not in b and b"\n" not in b)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    room = Classroom("1969_border_clash", key=KEY, logdir=tmp_path_factory.mktemp("logs"))
    with running(room, baseline_runs=1) as url:
        status, out = Client(url, key=KEY).post("/api/session", {"seats": ["ROC", "US"]})
        assert status == 200
        tokens = [out["token"], out["board"], out["codes"]["ROC"], out["codes"]["US"]]
        yield url, tokens


def send(url: str, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes):
    """One request on its own connection; (status, body) of the answer."""
    parts = urlsplit(url)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".encode()
    for k, v in headers:
        head += k + b": " + v + b"\r\n"
    head += f"Content-Length: {len(body)}\r\n\r\n".encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=HANG_GUARD) as s:
        try:
            s.sendall(head + body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the whole body went: the answer is still there to read
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except ConnectionResetError:
            pass
    assert out.startswith(b"HTTP/1.1 "), (method, path, out[:100])
    status = int(out.split(b" ", 2)[1])
    return status, out.partition(b"\r\n\r\n")[2]


def check(status: int, body: bytes, what) -> None:
    assert status < 500, (what, status, body[:300])
    if status >= 400 and body.startswith(b"{"):
        assert "error" in json.loads(body), what


FUZZ = settings(
    max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)


@FUZZ
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    who=st.integers(0, 4),
    body=bodies,
    ctype=st.sampled_from(
        [b"application/json", b"text/plain", b"", b"application/json; charset=latin-1"]
    ),
)
def test_no_body_gets_a_5xx(server, endpoint, who, body, ctype):
    url, tokens = server
    headers = [(b"Content-Type", ctype), (b"X-Key", KEY.encode() if who == 4 else b"guess")]
    if who < 4:
        headers.append((b"X-Token", tokens[who].encode()))
    method, path = endpoint
    status, out = send(url, method, path, headers, body)
    check(status, out, (endpoint, who, body[:80]))


@FUZZ
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    names=st.lists(
        st.sampled_from(
            [b"X-Token", b"X-Key", b"Authorization", b"Content-Type", b"Accept", b"X-Odd"]
        ),
        max_size=4,
    ),
    values=st.lists(header_values, min_size=4, max_size=4),
    query=st.sampled_from([b"", b"?since=abc", b"?%ff%fe=1", b"?" + b"a" * 3000]),
)
def test_no_header_gets_a_5xx(server, endpoint, names, values, query):
    url, _ = server
    method, path = endpoint
    headers = list(zip(names, values, strict=False))
    status, out = send(url, method, path + query.decode("latin-1"), headers, b"{}")
    check(status, out, (endpoint, headers))


@pytest.mark.parametrize("size", [32_768, 32_769, 1_000_000])
def test_huge_bodies_are_413_or_answered(server, size):
    url, tokens = server
    body = b'{"code": "' + b"a" * (size - 12) + b'"}'
    status, out = send(url, "POST", "/api/join", [(b"X-Token", tokens[0].encode())], body)
    assert status == (413 if len(body) > 32_768 else 400), out[:200]
