"""Griffe extension for the docs build: Sphinx roles in docstrings become checked links.

The docstrings name code with Sphinx roles (``:func:`simulate```, ``:class:`~x.Results```).
mkdocstrings does not read roles, so this turns each into an autorefs cross-reference,
``[`simulate`][simulate]``, resolved in the docstring's scope (``scoped_crossrefs``): a
role naming nothing that exists fails ``mkdocs build --strict``. Roles naming another
library (``:class:`matplotlib.figure.Figure```, no inventory is fetched) or a private name
(``:func:`_entry```, not in the reference) stay plain code.
"""

from __future__ import annotations

import re

from griffe import Extension

ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|attr|data|obj|exc):`(~?)([\w.]+)`")


def link(match: re.Match) -> str:
    short, target = match.groups()
    title = target.rsplit(".", 1)[-1] if short else target
    parts = target.split(".")
    other_library = len(parts) > 1 and parts[0] != "sim" and parts[0].islower()
    if other_library or any(p.startswith("_") for p in parts):  # private: not documented
        return f"`{title}`"
    return f"[`{title}`][{target}]"


class SphinxRoles(Extension):
    def on_instance(self, *, obj, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = ROLE.sub(link, obj.docstring.value)
