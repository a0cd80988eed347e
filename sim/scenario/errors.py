"""One error type for bad input: it carries the key, the value and what is valid.

Every shell (CLI, sweeps, web app) turns a :class:`ConfigError` into one line and
exit status 2, before any output folder exists. The line is short whatever the
input (long keys and values are cut) and ends with the document that explains the
key.
"""

from __future__ import annotations

GUIDE = "docs/scenarios.md"
#: The document that explains a key, by its first part (the rest: the scenario guide).
DOCS = {
    "mechanics": "docs/model.md",
    "seed": "docs/research.md",
    "output": "docs/research.md",
    "hydra": "docs/research.md",
    "experiment": "docs/research.md",
    "replicates": "docs/research.md",
    "study": "docs/research.md",
    "runs": "docs/research.md",
    "n_jobs": "docs/research.md",
    "out": "docs/research.md",
    "port": "docs/classroom.md",
    "host": "docs/classroom.md",
    "logdir": "docs/classroom.md",
    "key": "docs/classroom.md",
    "baseline_runs": "docs/classroom.md",
    "report": "docs/classroom.md",
}
WIDTH = {"key": 100, "value": 80, "valid": 240}  # characters shown of each part


def doc_for(key: str) -> str:
    return DOCS.get(str(key).lstrip("+~").split(".")[0].split("/")[0], GUIDE)


def _cut(text: str, width: int) -> str:
    text = " ".join(str(text).split())  # one line, whatever the input held
    return text if len(text) <= width else text[: width - 3] + "..."


class ConfigError(ValueError):
    """Bad configuration or scenario input.

    ``key`` is the dotted path of the offending entry, ``value`` what was given
    and ``valid`` a short description of what would be accepted; ``where`` the
    file and line it came from (a user file), ``doc`` the document explaining it
    (default: by the key, :data:`DOCS`).
    """

    def __init__(
        self, key: str, value: object, valid: str, *, where: str = "", doc: str | None = None
    ):
        self.key = key
        self.value = value
        self.valid = valid
        self.where = where
        self.doc = doc or doc_for(key)
        super().__init__(self.line())

    def line(self) -> str:
        where = f"{_cut(self.where, WIDTH['key'])}: " if self.where else ""
        key = _cut(self.key, WIDTH["key"])
        if self.value is None and self.where:
            head = key
        else:
            head = f"{key} = {_cut(repr(self.value), WIDTH['value'])}"
        valid = _cut(self.valid, WIDTH["valid"])
        return f"config error: {where}{head}: {valid} (see {self.doc})"
