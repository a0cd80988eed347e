"""One error type for bad input: it carries the key, the value and what is valid.

Every shell (CLI, sweeps, web app) turns a :class:`ConfigError` into one line and
exit status 2, before any output folder exists.
"""

from __future__ import annotations

GUIDE = "docs/scenarios.md"


class ConfigError(ValueError):
    """Bad configuration or scenario input.

    ``key`` is the dotted path of the offending entry, ``value`` what was given
    and ``valid`` a short description of what would be accepted.
    """

    def __init__(self, key: str, value: object, valid: str):
        self.key = key
        self.value = value
        self.valid = valid
        super().__init__(self.line())

    def line(self) -> str:
        shown = repr(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return f"config error: {self.key} = {shown}: {self.valid} (see {GUIDE})"
