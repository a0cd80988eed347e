"""Refusals: a request the classroom will not carry out, with the HTTP status to answer
and one line saying why (and what would be accepted)."""

from __future__ import annotations


class AccessError(Exception):
    """A request the classroom refuses: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


def bad_request(msg: str) -> AccessError:
    return AccessError(400, msg)


def unauthorized(msg: str) -> AccessError:
    return AccessError(401, msg)


def forbidden(msg: str) -> AccessError:
    return AccessError(403, msg)


def not_found(msg: str) -> AccessError:
    return AccessError(404, msg)


def conflict(msg: str) -> AccessError:
    return AccessError(409, msg)


def too_large(msg: str) -> AccessError:
    return AccessError(413, msg)
