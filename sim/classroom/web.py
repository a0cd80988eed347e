"""The classroom web application: a Starlette (ASGI) app with the pages, the static files
and the API (:mod:`sim.classroom.api`).

Everything the browser needs (pages, scripts, style) is served from the package's
``static`` folder; fonts are the system's. No request ever leaves the machine, so a
class runs with no internet at all. Every response carries a strict Content Security
Policy; every refusal is JSON ``{"error": ...}`` with a 4xx status.
"""

from __future__ import annotations

import json
import traceback
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sim.classroom import bodies, push
from sim.classroom.api import Api, json_response
from sim.classroom.debrief import DebriefCache
from sim.classroom.errors import AccessError
from sim.classroom.registry import Classroom
from sim.scenario.errors import ConfigError

STATIC = resources.files("sim.classroom") / "static"
PAGES = {"/": "index.html", "/index.html": "index.html", "/board": "board.html"}
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def error(status: int, message: str) -> Response:
    return json_response({"error": message}, status)


async def _access(request: Request, exc: AccessError) -> Response:
    return error(exc.status, exc.message)


async def _config(request: Request, exc: ConfigError) -> Response:
    return error(400, exc.line())


async def _http(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return error(404, f"no page {request.method} {request.url.path}")
    if exc.status_code == 405:
        return error(405, f"{request.url.path} does not take {request.method}")
    return error(exc.status_code, str(exc.detail))


async def _bug(request: Request, exc: Exception) -> Response:
    traceback.print_exception(exc)  # on the console: a bug to report
    return error(500, f"internal error: {type(exc).__name__}")


MAX_HEADERS = 16_384  # bytes of request headers (uvicorn's own limit, also when sent at once)


class Guard:
    """ASGI middleware: security headers on every response; headers over ``MAX_HEADERS``
    and a body over ``MAX_BODY`` (by its declared length) refused before anything else."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        size = sum(len(k) + len(v) + 4 for k, v in scope["headers"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if size > MAX_HEADERS:
            return await _refuse(send, 431, f"request headers over {MAX_HEADERS:,} bytes")
        if declared.isdigit() and int(declared) > bodies.MAX_BODY:
            return await _refuse(send, 413, f"request body over {bodies.MAX_BODY:,} bytes")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k for k, _ in message["headers"]}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message["headers"], *extra]}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


async def _refuse(send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    hdrs = [(b"content-type", b"application/json"), (b"connection", b"close"), *HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": body})


def static_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in STATIC.iterdir() if p.is_file()}


def create_app(room: Classroom, *, baseline_runs: int = 20) -> Starlette:
    """The ASGI app over ``room``; ``app.state.hub.stop()`` ends the event streams (the
    server calls it before it waits for open connections to close)."""
    files = static_files()
    hub = push.Hub()
    api = Api(room, DebriefCache(baseline_runs), hub)

    def serve(name: str) -> Response:
        if name not in files:
            return error(404, f"no file {name}")
        ctype = TYPES.get(Path(name).suffix, "application/octet-stream")
        return Response(files[name], media_type=ctype, headers={"Cache-Control": "no-cache"})

    async def page(request: Request) -> Response:
        return serve(PAGES[request.url.path])

    async def static(request: Request) -> Response:
        return serve(request.path_params["name"])

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)

    async def instructor_only(request: Request) -> Response:
        return await api.control(request)

    routes = [
        *(Route(p, page, methods=["GET"]) for p in PAGES),
        Route("/static/{name:path}", static, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/api/health", api.health, methods=["GET"]),
        Route("/api/scenarios", api.scenarios, methods=["GET"]),
        Route("/api/session", api.open_session, methods=["POST"]),
        Route("/api/sessions", api.list_sessions, methods=["GET"]),
        Route("/api/join", api.join, methods=["POST"]),
        Route("/api/state", api.state, methods=["GET"]),
        Route("/api/events", api.events, methods=["GET"]),
        Route("/api/move", api.move, methods=["POST"]),
        Route("/api/report", api.report, methods=["GET"]),
        Route("/api/log", api.log, methods=["GET"]),
        Route("/api/codes", api.codes, methods=["GET"]),
        Route("/api/{name}", instructor_only, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            AccessError: _access,
            ConfigError: _config,
            HTTPException: _http,
            Exception: _bug,
        },
    )
    app.state.hub = hub
    app.state.room = room
    app.add_middleware(Guard)
    return app
