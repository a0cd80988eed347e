"""The package's layers: imports point one way and never go round in a cycle.

apps (``sim.cli``, ``sim.hydra_app``, ``sim.classroom``, the one-release aliases)
-> ``sim.studies`` -> ``sim.report`` -> ``sim.record`` -> ``sim.model`` ->
``sim.scenario``. Every import counts, also one inside a function; only those
under ``if TYPE_CHECKING:`` (annotations, never run) are skipped.
"""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "sim"
LAYERS = ["scenario", "model", "record", "report", "studies"]  # bottom first
APPS = len(LAYERS)  # everything else in sim/ sits on top


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else APPS


def sources() -> dict[str, str]:
    """Module name -> source of every module under sim/."""
    out = {}
    for path in sorted(SIM.rglob("*.py")):
        parts = path.relative_to(SIM.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path.read_text("utf-8")
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported(module: str, source: str, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``module`` imports at run time."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                up = module.split(".")[: -node.level]
                base = ".".join([*up, base] if base else up)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    out = set()
    for name in names:  # the longest known prefix: `from sim.model import kernel` is the module
        parts = name.split(".")  # sim.model.kernel, `from sim.record.run import simulate` is
        for k in range(len(parts), 0, -1):  # sim.record.run
            if ".".join(parts[:k]) in known:
                out.add(".".join(parts[:k]))
                break
    return out - {module}


def problems(modules: dict[str, str]) -> list[str]:
    """Every import from a higher layer, and the import cycles (modules that import each
    other are reported at least once), one line each."""
    known = set(modules)
    graph = {m: imported(m, src, known) for m, src in modules.items()}
    out = [
        f"{m} (layer {layer(m)}) imports {t} (layer {layer(t)})"
        for m, targets in sorted(graph.items())
        for t in sorted(targets)
        if layer(t) > layer(m)
    ]
    seen: set[str] = set()  # finished: every way on from them is followed
    for start in sorted(graph):  # depth-first search for a path that comes back
        if start in seen:
            continue
        stack, path = [(start, iter(sorted(graph[start])))], [start]
        while stack:
            node, children = stack[-1]
            nxt = next(children, None)
            if nxt is None:
                stack.pop()
                path.pop()
                seen.add(node)
            elif nxt in path:  # a way back: each edge is followed once, so reported once
                out.append("cycle: " + " -> ".join(path[path.index(nxt) :] + [nxt]))
            elif nxt not in seen:
                stack.append((nxt, iter(sorted(graph[nxt]))))
                path.append(nxt)
    return out


def test_imports_point_down_and_never_cycle():
    modules = sources()
    assert {"sim.model.kernel", "sim.studies.sweep", "sim.cli"} <= set(modules)
    assert problems(modules) == []


def test_checker_reports_a_reverse_import():
    modules = sources()
    modules["sim.model.reverse"] = "def f():\n    from sim.studies.study import assemble\n"
    assert problems(modules) == ["sim.model.reverse (layer 1) imports sim.studies.study (layer 4)"]


def test_checker_reports_a_cycle_and_skips_type_checking_imports():
    modules = {
        "sim.model.a": "import sim.model.b\n",
        "sim.model.b": "from sim.model import a\n",
        "sim.model.c": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sim.record.run\n",
        "sim.record.run": "from sim.model import c\n",
    }
    assert problems(modules) == ["cycle: sim.model.a -> sim.model.b -> sim.model.a"]
