"""Month arithmetic for scenario windows: dates are 'YYYY-MM' strings."""

from __future__ import annotations

import re

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """Months since year 0 for a 'YYYY-MM' string; ValueError if malformed."""
    m = _MONTH.match(str(text))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"not a YYYY-MM month: {text!r}")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def format_month(index: int) -> str:
    """Inverse of :func:`parse_month`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_to_year(index: int) -> float:
    """Fractional year at the start of the month (1969-01 -> 1969.0)."""
    return index / 12.0


def step_dates(start: str, end: str, step_months: int) -> list[str]:
    """The dates of every step from ``start`` to ``end`` inclusive."""
    a, b = parse_month(start), parse_month(end)
    return [format_month(i) for i in range(a, b + 1, step_months)]


def date_to_step(date: str, start: str, step_months: int) -> int:
    """Index of the step whose period contains ``date``."""
    return (parse_month(date) - parse_month(start)) // step_months
