"""State pushed to browsers: a session's subscribers wake when its version changes.

Server-sent events (``text/event-stream``) over the same HTTP connection the page
already trusts: each participant's stream sends its view whenever the session changes
(and a comment every ``KEEPALIVE`` seconds so proxies keep the line open). Changes
happen in worker threads; :meth:`Feed.changed` hands them to the event loop.
"""

from __future__ import annotations

import asyncio

KEEPALIVE = 15.0  # seconds between keep-alive comments on an idle stream
RETRY_MS = 2000  # the browser's reconnection delay, sent with the first event


class Feed:
    """Wakes every waiter of one session on each change (from any thread)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.event = asyncio.Event()

    def changed(self) -> None:
        try:
            self.loop.call_soon_threadsafe(self._fire)
        except RuntimeError:  # the loop is closed: the server stopped, nobody listens
            pass

    def _fire(self) -> None:
        event, self.event = self.event, asyncio.Event()
        event.set()


class Hub:
    """The feeds of the sessions someone is subscribed to."""

    def __init__(self):
        self.feeds: dict[str, Feed] = {}
        self.stopping = False

    def feed(self, session) -> Feed:
        f = self.feeds.get(session.id)
        if f is None:
            f = self.feeds[session.id] = Feed(asyncio.get_running_loop())
            session.listeners.append(f.changed)
        return f

    def stop(self) -> None:
        """End every stream (the server is shutting down)."""
        self.stopping = True
        for f in list(self.feeds.values()):
            f.changed()


def event(version: int, state_json: str, deadline_left: float | None) -> bytes:
    """One server-sent event carrying a participant's view."""
    left = "null" if deadline_left is None else f"{deadline_left:.2f}"
    data = f'{{"deadline_left":{left},"state":{state_json}}}'
    return f"id: {version}\nevent: state\ndata: {data}\n\n".encode()
