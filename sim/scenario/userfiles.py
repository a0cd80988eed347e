"""The user files a command reads, checked as data before Hydra sees them.

A scenario (``scenarios/<name>.yaml``, or ``scenario/<name>.yaml`` in a folder on
``hydra.searchpath``) holds only the scenario's own keys, its ``name`` is the file's
name, and its one header line is ``# @package _global_``. A search-path folder holds
scenarios only (no ``config.yaml``, no ``hydra/`` or ``mechanics/`` groups). A named
sweep (``experiments/sweep_<name>.yaml``) is data too: its grid, replicates and
scenario; the package's own ``configs/experiment/sweep.yaml`` holds the Hydra settings
(sweep folder, launcher, the gathering callback), and this module hands Hydra the
sweep as a config built from the data (:func:`named_sweep`). Refusals are one-line
:class:`~sim.scenario.errors.ConfigError`s naming the file, line and key.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from sim.scenario import yamlfile
from sim.scenario.errors import ConfigError

NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
NAME_RULE = "letters, digits, '_' and '-' (at most 80), the file's name"
SCENARIO_KEYS = (
    "name",
    "title",
    "era",
    "description",
    "window",
    "sources",
    "actors",
    "relations",
    "events",
    "facts",
    "classroom",
)
SWEEP_KEYS = ("description", "scenario", "replicates", "seed", "study", "grid")
STUDY_KEYS = ("name", "record", "n_jobs", "complements")
MAX_REPLICATES = 100_000
_PACKAGE = re.compile(r"^#\s*@package\s+(\S*)")


def is_name(text: object) -> bool:
    return isinstance(text, str) and NAME.fullmatch(text) is not None


def check_name(key: str, text: object) -> str:
    if not is_name(text):
        raise ConfigError(key, text, "a name: " + NAME_RULE)
    return str(text)


# --- overrides that choose files ----------------------------------------------------------


def _parsed(overrides: list[str]) -> list:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    return OverridesParser.create().parse_overrides(list(overrides))


def choice(overrides: list[str], group: str) -> str | None:
    """The option chosen for a config group by the (already parsed-valid) overrides."""
    found = None
    for o in _parsed(overrides):
        if o.key_or_group == group and not o.is_delete():
            found = o.value()
    return found if found is None or isinstance(found, str) else str(found)


@cache
def default_scenario(config_dir: Path) -> str:
    primary = yamlfile.load(config_dir / "config.yaml", data_only=False) or {}
    for item in primary.get("defaults", []):
        if isinstance(item, dict) and "scenario" in item:
            return str(item["scenario"])
    return ""


def search_folders(overrides: list[str]) -> list[Path]:
    """The folders ``hydra.searchpath`` adds, each checked to hold scenarios only."""
    folders: list[Path] = []
    for o in _parsed(overrides):
        if o.key_or_group.split(".")[0] != "hydra" or "searchpath" not in o.key_or_group:
            continue
        value = o.value()
        if o.key_or_group != "hydra.searchpath" or not isinstance(value, list):
            raise ConfigError(o.input_line, value, "hydra.searchpath=[file:///folder,...]")
        for entry in value:
            text = str(entry)
            if "://" in text and not text.startswith("file://"):
                raise ConfigError("hydra.searchpath", text, "file:// folders of scenarios")
            folder = Path(text.removeprefix("file://")).expanduser().resolve()
            _scenarios_only(folder)
            folders.append(folder)
    return folders


def _scenarios_only(folder: Path) -> None:
    if not folder.is_dir():
        raise ConfigError("hydra.searchpath", str(folder), "an existing folder")
    for entry in sorted(folder.iterdir()):
        if entry.name == "scenario":
            continue
        holds = (
            entry.suffix in (".yaml", ".yml")
            if entry.is_file()
            else entry.is_dir() and next(entry.rglob("*.y*ml"), None) is not None
        )
        if holds:
            raise ConfigError(
                "hydra.searchpath",
                str(entry),
                "a search-path folder holds scenario/<name>.yaml files only (data)",
            )


# --- scenarios ----------------------------------------------------------------------------


def check_scenario(overrides: list[str], config_dir: Path, default: str | None = None) -> str:
    """Check the chosen scenario's file(s) as data; return the scenario's name. Without a
    ``scenario=`` override: ``default`` (a named sweep's), else the configuration's."""
    name = choice(overrides, "scenario") or default or default_scenario(config_dir)
    check_name("scenario", name)
    folders = [config_dir / "scenario", *(f / "scenario" for f in search_folders(overrides))]
    files = [f / f"{name}.yaml" for f in folders if (f / f"{name}.yaml").is_file()]
    if not files:
        known = sorted({p.stem for f in folders if f.is_dir() for p in f.glob("*.yaml")})
        raise ConfigError("scenario", name, "valid: " + (", ".join(known) or "(none)"))
    for path in files:
        scenario_file(path)
    return name


def scenario_file(path: Path) -> dict:
    """A scenario file's data, checked: header, data only, own keys, name = file name."""
    data = yamlfile.load(path)
    where = yamlfile.shown(path)
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        m = _PACKAGE.match(line.strip())
        if m and m.group(1) != "_global_":
            raise ConfigError("@package", m.group(1), "# @package _global_", where=f"{where}:{n}")
    if not isinstance(data, dict):
        raise ConfigError("<file>", type(data).__name__, "a mapping of keys", where=where)
    for key in data:
        if key not in SCENARIO_KEYS:
            raise ConfigError(
                str(key),
                None,
                "not a scenario key; valid: " + ", ".join(SCENARIO_KEYS),
                where=where,
            )
    if data.get("name") != path.stem:
        raise ConfigError(
            "name", data.get("name"), f"the file's name, {path.stem!r} ({NAME_RULE})", where=where
        )
    check_name("name", data["name"])
    return data


# --- named sweeps -------------------------------------------------------------------------


def named_sweep(
    overrides: list[str], config_dir: Path, experiments: Path
) -> tuple[list[str], dict[str, str], str | None]:
    """Register a named sweep read from ``experiments`` with Hydra; returns the overrides
    (naming it as registered), the file's grid ``{key: values}`` and its scenario.

    The package's own experiment configs (``configs/experiment/``) are left to Hydra.
    """
    name = choice(overrides, "experiment")
    if name is None or (config_dir / "experiment" / f"{name}.yaml").is_file():
        return list(overrides), {}, None
    path = Path(name)
    if path.suffix not in (".yaml", ".yml"):
        check_name("experiment", name)
        path = experiments / f"{name}.yaml"
    if not path.is_file() or not path.stem.startswith("sweep_"):
        known = sorted(p.stem for p in experiments.glob("sweep_*.yaml"))
        raise ConfigError("experiment", name, "a named sweep; valid: sweep, " + ", ".join(known))
    data, where = yamlfile.load(path) or {}, yamlfile.shown(path)
    study, grid = _sweep_data(data, path.stem.removeprefix("sweep_"), where)
    defaults: list[Any] = ["sweep", "_self_"]
    if "scenario" in data:
        defaults.insert(1, {"override /scenario": data["scenario"]})
    node: dict[str, Any] = {"defaults": defaults, "study": study}
    for key in ("replicates", "seed"):
        if key in data:
            node[key] = data[key]
    node["hydra"] = {"sweeper": {"params": grid}}
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name=path.stem, node=node, group="experiment", package="_global_")
    out = [o if not _is_experiment(o) else o.replace(name, path.stem, 1) for o in overrides]
    return out, grid, data.get("scenario")


def _is_experiment(override: str) -> bool:
    return override.lstrip("+").split("=", 1)[0] == "experiment"


def _sweep_data(data: Any, name: str, where: str) -> tuple[dict, dict[str, str]]:
    def bad(key: str, value: object, valid: str) -> ConfigError:
        return ConfigError(key, value, valid, where=where)

    if not isinstance(data, dict):
        raise bad("<file>", type(data).__name__, "a mapping of keys")
    for key in data:
        if key not in SWEEP_KEYS:
            raise bad(str(key), None, "not a sweep key; valid: " + ", ".join(SWEEP_KEYS))
    if "scenario" in data:
        check_name("scenario", data["scenario"])
    for key, lo, hi in (("replicates", 1, MAX_REPLICATES), ("seed", 0, 2**63 - 1)):
        v = data.get(key, lo)
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            raise bad(key, v, f"a whole number {lo}..{hi}")
    study = data.get("study") or {}
    if not isinstance(study, dict) or any(k not in STUDY_KEYS for k in study):
        raise bad("study", study, "a mapping with keys " + ", ".join(STUDY_KEYS))
    if study.get("name", name) != name:
        raise bad("study.name", study.get("name"), f"the file's name without 'sweep_': {name!r}")
    grid = data.get("grid") or {}
    if not isinstance(grid, dict):
        raise bad("grid", grid, "a mapping of configuration keys to lists of values")
    params = {}
    for key, values in grid.items():
        items = values if isinstance(values, list) else [values]
        ok = bool(items) and all(
            isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in items
        )
        if not ok or not re.fullmatch(r"[A-Za-z0-9_.]+", str(key)):
            raise bad(f"grid.{key}", values, "a configuration key: a list of numbers or names")
        params[str(key)] = ",".join(str(v) for v in items)
    return {**study, "name": name}, params
