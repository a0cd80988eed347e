"""A minimal HTTP client for the classroom API (tests, scripted teams, notebooks).

>>> c = Client("http://127.0.0.1:8765", key="...")           # doctest: +SKIP
>>> opened = c.post("/api/session", {"seats": ["ROC"]})[1]  # doctest: +SKIP
>>> team = Client(c.base, token=opened["codes"]["ROC"])      # doctest: +SKIP
>>> team.get("/api/state")[1]["me"]["options"][0]            # doctest: +SKIP
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request


class Client:
    """Talks to a classroom server; every call returns (HTTP status, decoded body)."""

    def __init__(
        self, base: str, token: str | None = None, key: str | None = None, timeout: float = 60.0
    ):
        self.base = base.rstrip("/")
        self.token = token
        self.key = key
        self.timeout = timeout

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["X-Token"] = self.token
        if self.key:
            headers["X-Key"] = self.key
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                status, ctype, raw = r.status, r.headers.get("Content-Type", ""), r.read()
                self.last_headers = r.headers  # case-insensitive
        except urllib.error.HTTPError as exc:
            status, ctype, raw = exc.code, exc.headers.get("Content-Type", ""), exc.read()
            self.last_headers = exc.headers
        if ctype.startswith("application/json"):
            return status, json.loads(raw)
        return status, raw.decode("utf-8", errors="replace")

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, body: dict | None = None):
        return self.request("POST", path, body or {})
