"""Composing run configurations with Hydra (the compose API, for tests, notebooks, shells)."""

from __future__ import annotations

import re
from pathlib import Path

from sim.scenario.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
CONFIG_DIR = REPO / "configs"
SCENARIO_DIR = REPO / "scenarios"
EXPERIMENT_DIR = REPO / "experiments"


def scenario_names() -> list[str]:
    """Scenario files shipped in scenarios/ (their names, without .yaml)."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def compose(overrides: list[str] | tuple[str, ...] = (), config_dir: Path | None = None) -> dict:
    """The composed configuration as a plain dict; bad overrides raise ConfigError."""
    return compose_with(overrides, config_dir)[0]


def compose_with(
    overrides: list[str] | tuple[str, ...] = (), config_dir: Path | None = None
) -> tuple[dict, list[str]]:
    """Compose, and return the overrides as Hydra needs them.

    An override of a key the files do not spell out (``events.x.scale=0.5``,
    where ``scale`` has a schema default) is passed on as an addition
    (``+events.x.scale=0.5``), so the schema, not Hydra, judges it and names the
    valid keys. A new actor id is refused here: actors come from the scenario.
    """
    from sim.scenario import userfiles

    config_dir = Path(config_dir or CONFIG_DIR)
    overrides = list(overrides)
    check_grammar(overrides)
    overrides, _, default = userfiles.named_sweep(overrides, config_dir, EXPERIMENT_DIR)
    scenario = userfiles.check_scenario(overrides, config_dir, default)  # before Hydra reads it
    for _ in range(len(overrides) + 1):
        try:
            raw = _compose(overrides, config_dir)
            if raw.get("name") != scenario:
                raise ConfigError(
                    "name", raw.get("name"), f"the scenario file's name, {scenario!r}"
                )
            return raw, overrides
        except _UnknownKey as exc:
            k = exc.index
            base = _compose([o for o in overrides if o.startswith("scenario=")], config_dir)
            key = overrides[k].lstrip("+~").split("=", 1)[0]
            parts = key.split(".")
            if parts[0] in ("actors", "relations") and len(parts) > 1:
                for depth, part in enumerate(parts[1:3], start=1):
                    if depth == 2 and parts[0] != "relations":
                        break
                    if part not in base.get("actors", {}):
                        raise ConfigError(
                            ".".join(parts[: depth + 1]),
                            _value_of(key, overrides),
                            "unknown actor; valid: " + ", ".join(base.get("actors", {})),
                        ) from None
            overrides[k] = "+" + overrides[k]
    raise ConfigError("<override>", " ".join(overrides), "could not compose")


def check_grammar(overrides: list[str]) -> None:
    """Each override parses (Hydra's grammar); the error names the one that does not."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    for o in overrides:
        try:
            parser.parse_overrides([o])
        except Exception:  # Hydra's grammar errors
            key, sep, value = o.partition("=")
            if not sep or not key.strip():
                raise ConfigError("<override>", o, "overrides look like key=value") from None
            raise ConfigError(
                key.strip(),
                value,
                "not a valid value (quote text with spaces or special characters: key='...')",
            ) from None


class _UnknownKey(Exception):
    def __init__(self, index: int):
        self.index = index


def _compose(overrides: list[str], config_dir: Path | None) -> dict:
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from omegaconf import OmegaConf

    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir or CONFIG_DIR), version_base=None):
            cfg = hydra_compose("config", overrides=list(overrides))
        out = OmegaConf.to_container(cfg, resolve=False)
    except ConfigError:
        raise
    except Exception as exc:  # Hydra's errors, turned into one line
        m = re.search(r"Could not override '([^']+)'", str(exc))
        if m:
            for i, o in enumerate(overrides):
                if o.lstrip("+~").split("=", 1)[0] == m.group(1) and not o.startswith("+"):
                    raise _UnknownKey(i) from None
        raise translate(exc, list(overrides)) from None
    finally:
        GlobalHydra.instance().clear()
    out.pop("hydra", None)
    return out


def translate(exc: Exception, overrides: list[str]) -> ConfigError:
    """A Hydra/OmegaConf composition error as a ConfigError naming key, value and what is valid."""
    msg = str(exc)
    m = re.search(r"Could not override '([^']+)'", msg)
    if m:
        key = m.group(1)
        value = _value_of(key, overrides)
        parent = key.rsplit(".", 1)[0] if "." in key else ""
        valid = _keys_at(parent, overrides)
        return ConfigError(
            key,
            value,
            "unknown key; valid keys here: " + ", ".join(valid) if valid else "unknown key",
        )
    m = re.search(r"Could not find '([^/']+)/([^']+)'", msg)
    if m:
        group, name = m.group(1), m.group(2)
        options = re.findall(r"^\t(\S+)$", msg.split("Config search path")[0], re.M)
        return ConfigError(group, name, "valid: " + ", ".join(options))
    first = msg.strip().splitlines()[0] if msg.strip() else type(exc).__name__
    return ConfigError("<override>", " ".join(overrides), first)


def _value_of(key: str, overrides: list[str]) -> str:
    for o in overrides:
        k, _, v = o.lstrip("+~").partition("=")
        if k == key:
            return v
    return ""


def _keys_at(parent: str, overrides: list[str]) -> list[str]:
    try:
        base = compose([o for o in overrides if o.startswith("scenario=")])
    except ConfigError:
        return []
    node = base
    for part in [p for p in parent.split(".") if p]:
        if not isinstance(node, dict) or part not in node:
            return []
        node = node[part]
    return sorted(node) if isinstance(node, dict) else []
