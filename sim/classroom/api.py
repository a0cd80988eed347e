"""The classroom's HTTP API: one handler per endpoint, each a thin shell over
:class:`~sim.classroom.registry.Classroom` and :class:`~sim.classroom.session.Session`
(whose work runs in worker threads, off the event loop).

A request is identified by its token (``X-Token``, or ``Authorization: Bearer``), its
body parsed and checked (:mod:`sim.classroom.bodies`), and then carried out; anything
refused is a 4xx with ``{"error": "<one line>"}``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from sim.classroom import bodies, push
from sim.classroom.debrief import DebriefCache
from sim.classroom.errors import AccessError, forbidden, not_found, too_large
from sim.classroom.registry import Classroom, Who
from sim.classroom.session import Session

BODY_TIMEOUT = 20.0  # seconds to receive a request body once its headers are in

INSTRUCTOR_ONLY = {
    "step": "advance the turn",
    "inject": "inject events",
    "forbid": "forbid a move",
    "weights": "change interest weights",
    "influence": "change faction influence",
    "noise": "change the noise",
    "end": "end the game",
    "reset": "reset the game",
    "log": "download the session log",
    "codes": "see the join codes",
}

CONTROL: dict[str, tuple[type[bodies.Body], Callable]] = {
    "step": (bodies.Empty, lambda s, b: s.advance()),
    "inject": (bodies.Inject, lambda s, b: {"event": s.inject(b.preset, b.model_dump())}),
    "forbid": (bodies.Forbid, lambda s, b: s.forbid(b.actor, b.move, b.target)),
    "weights": (bodies.Weights, lambda s, b: s.set_weights(b.actor, b.weights)),
    "influence": (bodies.Influence, lambda s, b: s.set_influence(b.actor, b.faction, b.value)),
    "noise": (bodies.Noise, lambda s, b: s.set_temperature(b.value)),
    "end": (bodies.Empty, lambda s, b: s.end()),
    "reset": (bodies.Reset, lambda s, b: s.reset(b.seed)),
}


def json_response(data, status: int = 200) -> Response:
    body = json.dumps(data, allow_nan=False).encode()
    return Response(body, status, media_type="application/json")


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name (RFC 6266 and RFC 5987):
    nothing a scenario's name holds (CR, LF, quotes, non-Latin letters) reaches the
    header raw."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "download"
    exact = quote(filename, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"


async def read_body(request: Request) -> bytes:
    """The request body, at most ``MAX_BODY`` bytes, within ``BODY_TIMEOUT`` seconds."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > bodies.MAX_BODY:
        raise too_large(f"request body of {int(declared):,} bytes; at most {bodies.MAX_BODY:,}")
    chunks, size = [], 0
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            async for chunk in request.stream():
                size += len(chunk)
                if size > bodies.MAX_BODY:
                    raise too_large(f"request body over {bodies.MAX_BODY:,} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise AccessError(
            408, f"the request body did not arrive within {BODY_TIMEOUT:g} s"
        ) from None
    return b"".join(chunks)


def token_of(request: Request) -> str:
    token = request.headers.get("x-token", "")
    auth = request.headers.get("authorization", "")
    if not token and auth.lower().startswith("bearer "):
        token = auth[7:]
    return token.strip()


class Api:
    """The endpoints over one classroom (and its pushes and debriefs)."""

    def __init__(self, room: Classroom, debriefs: DebriefCache, hub: push.Hub):
        self.room = room
        self.debriefs = debriefs
        self.hub = hub

    async def who(self, request: Request) -> tuple[Session, Who]:
        return await run_in_threadpool(self.room.identify, token_of(request))

    # --- open to all -----------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return json_response({"ok": True})

    async def scenarios(self, request: Request) -> Response:
        found = await run_in_threadpool(self.room.scenarios)
        return json_response({"scenarios": found, "default": self.room.default_scenario})

    async def join(self, request: Request) -> Response:
        body = bodies.parse(await read_body(request), bodies.Join)
        code = body.code.strip()
        if not code:
            raise AccessError(400, "enter the join code your instructor gave you")
        session, who = await run_in_threadpool(self.room.identify, code)
        name = session.names[who.actor] if who.actor else None
        out = {"session": session.id, "role": who.role, "actor": who.actor, "name": name}
        return json_response({**out, "token": code})

    # --- the server key --------------------------------------------------------------------

    async def open_session(self, request: Request) -> Response:
        body = bodies.parse(await read_body(request), bodies.Open)
        if not body.key:
            body.key = request.headers.get("x-key", "")
        session = await run_in_threadpool(self.room.open_session, body)
        return json_response(
            {
                "session": session.id,
                "token": session.instructor_token,
                "board": session.board_token,
                "codes": {a: s.code for a, s in session.seats.items()},
                "log": str(session.log.path),
                "turns": len(session.model.dates) - 1,
                "pace": session.cfg.window.step_months,
            }
        )

    async def list_sessions(self, request: Request) -> Response:
        self.room.check_key(request.headers.get("x-key", ""))
        return json_response({"sessions": await run_in_threadpool(self.room.listing)})

    # --- a session's participants ----------------------------------------------------------

    async def state(self, request: Request) -> Response:
        session, who = await self.who(request)
        return json_response(await run_in_threadpool(session.view, who.viewer))

    async def events(self, request: Request) -> Response:
        session, who = await self.who(request)
        feed = self.hub.feed(session)
        return StreamingResponse(
            self._stream(session, who, feed),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _stream(self, session: Session, who: Who, feed: push.Feed):
        yield f"retry: {push.RETRY_MS}\n\n".encode()
        sent = None
        while not self.hub.stopping:
            changed = feed.event  # taken before the state is read: no change is missed
            version, body = await run_in_threadpool(session.view_json, who.viewer)
            if version != sent:
                yield push.event(version, body, session.deadline_left())
                sent = version
            wait = push.KEEPALIVE
            left = session.deadline_left()
            if left is not None and left > 0:
                wait = min(wait, left + 0.05)  # wake to mark late teams when it passes
            try:
                await asyncio.wait_for(changed.wait(), wait)
            except TimeoutError:
                yield b": keep-alive\n\n"

    async def move(self, request: Request) -> Response:
        session, who = await self.who(request)
        if who.role != "seat":
            raise forbidden(
                "the instructor has no seat: moves come from the teams' join codes"
                if who.role == "instructor"
                else "the board only shows the game"
            )
        body = bodies.parse(await read_body(request), bodies.Move)
        if body.actor not in (None, "", who.actor):
            other = session.names.get(body.actor, body.actor)
            raise forbidden(
                f"this code is for {session.names[who.actor]}: it cannot act for {other}"
            )
        return json_response(await run_in_threadpool(session.submit, who.actor, body.row))

    async def report(self, request: Request) -> Response:
        session, who = await self.who(request)
        if who.role == "board":
            raise forbidden("the board only shows the game: the debrief is the instructor's")
        if who.role == "seat" and not session.over:
            raise forbidden("the debrief report is available to teams once the game is over")
        html = await run_in_threadpool(self.debriefs.html, session)
        name = f"debrief_{session.cfg.name}_{session.id}.html"
        return Response(
            html.encode(),
            media_type="text/html; charset=utf-8",
            headers={"Content-Disposition": content_disposition(name)},
        )

    # --- the instructor ----------------------------------------------------------------------

    async def instructor(self, request: Request, what: str) -> Session:
        session, who = await self.who(request)
        if who.role != "instructor":
            team = (
                f"this code is for the {session.names[who.actor]} team"
                if who.role == "seat"
                else "this is the board's code"
            )
            raise forbidden(f"only the instructor can {INSTRUCTOR_ONLY[what]}; {team}")
        return session

    async def log(self, request: Request) -> Response:
        session = await self.instructor(request, "log")
        text = await run_in_threadpool(session.log.text)
        return Response(
            text.encode(),
            media_type="application/x-ndjson; charset=utf-8",
            headers={"Content-Disposition": content_disposition(f"session_{session.id}.jsonl")},
        )

    async def codes(self, request: Request) -> Response:
        session = await self.instructor(request, "codes")
        return json_response(self.room.codes(session))

    async def control(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in CONTROL:
            raise not_found(f"no API endpoint POST /api/{name}")
        session = await self.instructor(request, name)
        model, act = CONTROL[name]
        body = bodies.parse(await read_body(request), model)
        out = await run_in_threadpool(act, session, body)
        if session.over and name in ("step", "end"):
            self.debriefs.prebuild(session)
        return json_response(out if isinstance(out, dict) else {"ok": True})
