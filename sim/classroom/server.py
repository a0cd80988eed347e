"""`cardplay classroom`: the classroom app served by uvicorn on one machine.

uvicorn (ASGI, one event loop) holds every connection without a thread each: a listen
backlog of ``BACKLOG``, at most ``MAX_CONNECTIONS`` at once (more get 503), idle
keep-alive connections closed after ``KEEP_ALIVE`` seconds, and a connection that has
not sent its request headers within ``HEADER_TIMEOUT`` seconds closed too (half-open
and slow sockets cost nothing for long). Bound to 127.0.0.1 unless ``host=`` says
otherwise; docs/classroom.md shows a classroom LAN and a TLS reverse proxy.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from sim.classroom.registry import Classroom
from sim.classroom.web import create_app
from sim.scenario.errors import ConfigError

BACKLOG = 2048  # the listen queue (the standard library's server had 5)
MAX_CONNECTIONS = 1000  # open connections at once; a class needs about 2 per browser
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
HEADER_TIMEOUT = 10.0  # seconds a connection has to send its request line and headers
SHUTDOWN_GRACE = 3  # seconds open requests get when the server stops


class TimedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for the request headers: a socket
    that connects and sends nothing (or trickles its headers) is closed after
    ``HEADER_TIMEOUT`` seconds."""

    header_timeout = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()  # the headers are in: the app (and its body timeout) takes over

    def on_response_complete(self) -> None:
        self._arm()  # the next request on this connection gets the same deadline
        super().on_response_complete()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _too_slow(self) -> None:
        self._header_timer = None
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()


class Server(uvicorn.Server):
    """uvicorn's server that first ends the event streams when it stops (they would
    otherwise hold the graceful shutdown open); ``bound``: its listening sockets."""

    bound: list[socket.socket]

    async def shutdown(self, sockets=None) -> None:
        self.config.app.state.hub.stop()
        await super().shutdown(sockets)

    @property
    def url(self) -> str:
        host, port = self.bound[0].getsockname()[:2]
        return f"http://{host}:{port}"


def bind(host: str = "127.0.0.1", port: int = 8765) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port); ConfigError if not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family = infos[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(infos[0][4])
        sock.listen(BACKLOG)
    except OSError as exc:
        if port and exc.errno in (98, 48, 10048):  # address in use (Linux, macOS, Windows)
            raise ConfigError(
                "port", port, "a free port (this one is in use); port=0 picks one"
            ) from None
        why = exc.strerror or str(exc)
        raise ConfigError(
            "host", f"{host}:{port}", f"an address this machine can serve ({why})"
        ) from None
    sock.set_inheritable(True)
    return sock


def make_server(
    room: Classroom,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    baseline_runs: int = 20,
    log_level: str = "warning",
) -> Server:
    """A server for ``room`` bound to ``host:port`` (not yet running: ``.run()``)."""
    sock = bind(host, port)
    config = uvicorn.Config(
        create_app(room, baseline_runs=baseline_runs),
        http=TimedH11,
        ws="none",
        lifespan="off",
        backlog=BACKLOG,
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=KEEP_ALIVE,
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
        log_level=log_level,
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )
    server = Server(config)
    server.bound = [sock]
    return server


def serve_in_thread(server: Server) -> tuple[threading.Thread, str]:
    """Run a server in a daemon thread (tests, notebooks); returns the thread and the
    base URL once it answers. Stop it with ``stop(server, thread)``."""
    thread = threading.Thread(target=server.run, kwargs={"sockets": server.bound}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the classroom server did not start")
        threading.Event().wait(0.02)
    return thread, server.url


def stop(server: Server, thread: threading.Thread) -> None:
    server.should_exit = True
    thread.join()


@contextmanager
def running(room: Classroom, host: str = "127.0.0.1", port: int = 0, **kw) -> Iterator[str]:
    """``with running(room) as url:`` a server for ``room`` in a thread, stopped after."""
    server = make_server(room, host, port, **kw)
    thread, url = serve_in_thread(server)
    try:
        yield url
    finally:
        stop(server, thread)


def _lan_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent (UDP connect)
            return s.getsockname()[0]
    except OSError:
        return None


def cmd_classroom(args: list[str]) -> int:
    """``cardplay classroom [scenario=...] [host=127.0.0.1] [port=8765] [overrides]``."""
    from sim.scenario.options import checked_config, pop_option

    overrides = list(args)
    host = pop_option(overrides, "host", "127.0.0.1", str)
    port = pop_option(overrides, "port", 8765, int)
    if not 0 <= port <= 65535:
        raise ConfigError("port", port, "a port number 0..65535 (0 picks a free one)")
    logdir = pop_option(overrides, "logdir", None, str)
    key = pop_option(overrides, "key", None, str)
    baseline = pop_option(overrides, "baseline_runs", 20, int)
    if baseline < 1:
        raise ConfigError("baseline_runs", baseline, "a whole number >= 1")
    raw, cfg = checked_config(overrides)  # one-line error and exit 2 on bad input
    room = Classroom(
        cfg.name, overrides, key=key, logdir=logdir or Path(cfg.output.dir) / "classroom"
    )
    server = make_server(room, host, port, baseline_runs=baseline)
    room.warm()  # a second or two now, rather than on the class's first request
    h, p = server.bound[0].getsockname()[:2]
    shown = "127.0.0.1" if h in ("0.0.0.0", "::", "") else h
    base = f"http://{shown}:{p}/"
    print(
        f"cardplay classroom: {len(room.scenarios())} scenario(s), default {cfg.title or cfg.name}"
    )
    print(f"  instructor (keep private): {base}#key={room.key}")
    print(f"  teams join at:             {base}")
    if h in ("0.0.0.0", "::", ""):
        lan = _lan_address()
        if lan:
            print(f"  on the local network:      http://{lan}:{p}/")
    print(f"  session logs:              {room.logdir}/ ({room.known} to resume)")
    print("  press Ctrl+C to stop")
    sys.stdout.flush()
    try:
        server.run(sockets=server.bound)
    except KeyboardInterrupt:  # uvicorn stopped gracefully, then passed Ctrl+C on
        pass
    print("classroom stopped")
    return 0
