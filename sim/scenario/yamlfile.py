"""Reading user files (scenarios, experiments, a run folder's ``config.yaml``) as plain data.

PyYAML's safe loader, with the limits a downloaded file needs: plain YAML tags only,
no duplicate key, few aliases and a bounded expansion (a "billion laughs" file is
refused before it is built), bounded nesting and size. A user file is data: it may
not carry keys that make Hydra, OmegaConf or :mod:`logging` run code (``_target_``,
``()``, ``hydra``, ``defaults``, any key starting with ``_``) nor ``${...}``
interpolations. Every refusal is a :class:`~sim.scenario.errors.ConfigError` naming
the file, the line and the key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import GUIDE, ConfigError

MAX_BYTES = 1_000_000  # a scenario is a few kB
MAX_ALIASES = 32  # anchors are a convenience, not a language
MAX_VALUES = 100_000  # values after alias expansion
MAX_DEPTH = 40  # nesting of mappings and lists
#: Keys that configure code in Hydra (instantiate, defaults lists), OmegaConf or logging.
CODE_KEYS = frozenset({"hydra", "defaults", "()", "_target_", "_args_", "_partial_"})


class _Loader(yaml.SafeLoader):
    """The safe loader with YAML 1.2 floats (``1e-3``), no timestamps, and counters."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Refused(self.peek_event().start_mark, "*", f"at most {MAX_ALIASES} aliases")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(self.peek_event().start_mark, "", f"nesting deeper than {MAX_DEPTH}")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)$"),
    list("-+0123456789"),
)
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in _Loader.yaml_implicit_resolvers.items()
}


class _Refused(Exception):
    def __init__(self, mark, key: str, why: str):
        self.mark, self.key, self.why = mark, key, why


def shown(path: Path | str) -> str:
    """A file's name for messages: relative to the working folder when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


def load(path: Path | str, *, data_only: bool = True) -> Any:
    """The file's content as plain Python data; ConfigError naming file and line if refused."""
    p = Path(path)
    name = shown(p)
    try:
        with p.open("rb") as f:
            blob = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(name, None, f"a readable file ({exc.strerror or exc})") from None
    if len(blob) > MAX_BYTES:
        raise ConfigError(name, f"{len(blob):,}+ bytes", f"a file under {MAX_BYTES:,} bytes")
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(name, None, f"UTF-8 text (bad byte at offset {exc.start})") from None
    return loads(text, name, data_only=data_only)


def loads(text: str, source: str = "<text>", *, data_only: bool = True) -> Any:
    """:func:`load` for text already read; ``source`` names it in messages."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_tree(node, data_only)
        return loader.construct_document(node)
    except _Refused as exc:
        raise _error(source, exc.mark, exc.key, exc.why) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = (exc.problem or exc.context or "malformed YAML").strip()
        if "could not determine a constructor" in what:
            what = "a plain YAML value (tags that build objects are not allowed)"
        raise _error(source, mark, "", what) from None
    except yaml.YAMLError as exc:
        raise ConfigError(source, None, f"valid YAML ({type(exc).__name__})") from None
    except RecursionError:
        raise _error(source, loader.get_mark(), "", "less deeply nested YAML") from None
    finally:
        loader.dispose()


def _error(source: str, mark, key: str, why: str) -> ConfigError:
    where = f"{source}:{mark.line + 1}" if mark is not None else source
    return ConfigError(key or "<yaml>", None, why, where=where, doc=GUIDE)


def _check_tree(root: yaml.Node, data_only: bool) -> None:
    """Duplicate keys, expansion size and (for user files) code keys, with their lines."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:  # values after alias expansion, shared nodes memoised
        if id(node) in sizes:
            return sizes[id(node)]
        sizes[id(node)] = 1  # a cycle (recursive anchor) counts once, then is refused below
        n = 1
        if isinstance(node, yaml.MappingNode):
            n += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            n += sum(size(v) for v in node.value)
        sizes[id(node)] = n
        if n > MAX_VALUES:
            raise _Refused(node.start_mark, "&", f"at most {MAX_VALUES:,} values after aliases")
        return n

    size(root)
    stack: list[tuple[yaml.Node, str, frozenset]] = [(root, "", frozenset())]
    while stack:
        node, path, above = stack.pop()
        if id(node) in above:
            raise _Refused(node.start_mark, path, "no recursive anchors")
        above = above | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            stack += [
                (v, f"{path}.{i}" if path else str(i), above) for i, v in enumerate(node.value)
            ]
        elif isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in node.value:
                key = str(k.value) if isinstance(k, yaml.ScalarNode) else "<mapping key>"
                dotted = f"{path}.{key}" if path else key
                if not isinstance(k, yaml.ScalarNode):
                    raise _Refused(k.start_mark, dotted, "keys are plain names")
                if key in seen and key != "<<":
                    raise _Refused(k.start_mark, dotted, "a key appears once (duplicate key)")
                seen.add(key)
                if data_only and (key in CODE_KEYS or key.startswith("_")):
                    raise _Refused(k.start_mark, dotted, "data only: this key configures code")
                stack.append((v, dotted, above))
        elif data_only and isinstance(node, yaml.ScalarNode) and "${" in str(node.value):
            raise _Refused(node.start_mark, path, "data only: no ${...} interpolations")


#: Top-level counts of experiment files: whole numbers (never true/false), bounded.
COUNTS = {
    "replicates": 100_000,
    "runs": 100_000,
    "sample_seed": 2**32 - 1,
    "optimizer_seed": 2**32 - 1,
}


def check_counts(spec: dict, where: str) -> None:
    """ConfigError unless each count an experiment file gives is a whole number in range."""
    for key, hi in COUNTS.items():
        v = spec.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= hi):
            raise ConfigError(key, v, f"a whole number 0..{hi:,}", where=where)
