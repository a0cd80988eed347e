"""Griffe extension for the docs build: the docstrings' reST habits, read as Markdown.

- Sphinx roles (``:func:`simulate```, ``:class:`~x.Results```) become autorefs
  cross-references, ``[`simulate`][simulate]``, resolved in the docstring's scope
  (``scoped_crossrefs``): a role naming nothing that exists fails ``mkdocs build
  --strict``. A role naming the standard library or another package
  (``:mod:`logging```, ``:class:`matplotlib.figure.Figure```: no inventory is fetched)
  or a private name (``:func:`_entry```, not in the reference) stays plain code.
- Doctest blocks (``>>>`` lines up to a blank line) are fenced as ``pycon`` code;
  Markdown would read them as nested block quotes.
"""

from __future__ import annotations

import re
import sys

from griffe import Extension

ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|attr|data|obj|exc):`(~?)([\w.]+)`")


def link(match: re.Match) -> str:
    short, target = match.groups()
    title = target.rsplit(".", 1)[-1] if short else target
    parts = target.split(".")
    elsewhere = parts[0] in sys.stdlib_module_names or (
        len(parts) > 1 and parts[0] != "sim" and parts[0].islower()
    )
    if elsewhere or any(p.startswith("_") for p in parts):
        return f"`{title}`"
    return f"[`{title}`][{target}]"


def fence_doctests(text: str) -> str:
    out, fenced, indent = [], False, None  # indent: of the open doctest block, if any
    for line in text.split("\n"):
        stripped = line.strip()
        if indent is not None and not stripped:
            out.append(indent + "```")
            indent = None
        elif indent is None and not fenced and stripped.startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + "```pycon")
        elif stripped.startswith("```"):
            fenced = not fenced
        out.append(line)
    return "\n".join(out + ([indent + "```"] if indent is not None else []))


class SphinxRoles(Extension):
    def on_instance(self, *, obj, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_doctests(ROLE.sub(link, obj.docstring.value))
