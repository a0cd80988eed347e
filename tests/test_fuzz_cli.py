"""Fuzzing the bad-input contract (issue 15) with Hypothesis, for every command.

For overrides and scenario files that are certainly bad: exit status 2, one line that
starts ``config error:`` and names the key (or the file and line), no traceback, and
nothing written. The CLI's ``main()`` runs in this process (fast); a simulation that
starts fails the test, so no example can pass by running. These cases may not be
weakened (issue 15).
"""

from __future__ import annotations

import math
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim.cli
from sim.commands import COMMANDS
from sim.scenario.config import SCENARIO_DIR
from tests.cli_contract import error_line

FUZZ = settings(
    max_examples=int(os.environ.get("CARDPLAY_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@contextmanager
def sandbox():
    """A fresh working folder; yields it and checks that nothing was written into it."""
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            yield Path(tmp)
        finally:
            os.chdir(cwd)
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["given"], "something was written"


@pytest.fixture(autouse=True)
def nothing_computes(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("bad input reached the computation")

    monkeypatch.setattr("sim.record.run.simulate", refuse)
    monkeypatch.setattr("sim.hydra_app.run_folder", refuse)
    monkeypatch.setattr("sim.hydra_app.run_app", refuse)


def contract(capsys, args: list[str]) -> str:
    """Run ``cardplay args``; assert the contract; return the error line."""
    return error_line(capsys, args)


def shown(key: str) -> str:
    return " ".join(key.split())[:60]


# --- overrides ---------------------------------------------------------------------------

#: key -> (low, high, whole): the documented range of a numeric key of the 1969 run.
NUMERIC = {
    "seed": (0, 2**63 - 1, True),
    "window.step_months": (1, 12, True),
    "mechanics.depth": (0, 3, True),
    "mechanics.temperature": (0, 10, False),  # > 0
    "mechanics.momentum": (0, 1, False),
    "actors.USSR.weights.security": (0, 1, False),
    "actors.PRC.standing": (0, 1, False),
    "relations.USSR.PRC.stance": (-1, 1, False),
    "relations.USSR.PRC.trade": (0, 1e7, False),
    "relations.US.ROC.trade_growth": (-0.5, 0.5, False),
    "events.zhenbao_clash.scale": (0, 10, False),
    "events.zhenbao_clash.effects.0.delta": (-1, 1, False),
}


def _text(x: float) -> str:
    if math.isnan(x):
        return "nan"
    return ("inf" if x > 0 else "-inf") if math.isinf(x) else repr(x)


@st.composite
def bad_numbers(draw) -> tuple[str, str]:
    key = draw(st.sampled_from(sorted(NUMERIC)))
    lo, hi, whole = NUMERIC[key]
    outside = st.one_of(
        st.floats(max_value=float(lo), exclude_max=True, allow_nan=False),
        st.floats(min_value=float(hi), exclude_min=True, allow_nan=False),
        st.just(math.nan),
    )
    choices = [outside.map(_text), st.sampled_from(["true", "false", "abc", "''", "[1]"])]
    if whole:
        choices.append(st.integers(min_value=-(10**30), max_value=lo - 1).map(str))
        choices.append(st.integers(min_value=int(hi) + 1, max_value=10**30).map(str))
        choices.append(
            st.floats(float(lo), min(float(hi), 1e9)).filter(lambda v: v != int(v)).map(repr)
        )
    return key, draw(st.one_of(choices))


@FUZZ
@given(bad=bad_numbers())
def test_bad_numbers(capsys, bad):
    key, value = bad
    with sandbox() as tmp:
        (tmp / "given").mkdir()
        line = contract(capsys, ["run", f"{key}={value}", f"output.dir={tmp / 'out'}"])
    assert line.startswith(f"config error: {key} = "), line


KEY_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))


@FUZZ
@given(
    key=st.text(KEY_CHARS, min_size=1, max_size=300).filter(lambda k: "=" not in k),
    value=st.text(KEY_CHARS, max_size=300),
)
def test_garbage_overrides(capsys, key, value):
    """Any key that is not one of the run's: the line names it (cut to a sane width)."""
    head = key.lstrip("+~").split(".")[0].split("/")[0]
    if head in ("scenario", "seed", "out", "hydra", *sim.cli.config_keys()):
        key = "zz" + key  # certainly not a key of the run
    with sandbox() as tmp:
        (tmp / "given").mkdir()
        line = contract(capsys, ["run", f"{key}={value}", f"output.dir={tmp / 'out'}"])
    bare = key.strip().lstrip("+~")
    assert shown(bare)[:20] in line or line.startswith("config error: <override> = "), line


@FUZZ
@given(
    name=st.sampled_from(sorted(COMMANDS)),
    option=st.sampled_from(["runs", "n_jobs", "port", "replicates", "baseline_runs", "n"]),
    value=st.sampled_from(["-5", "true", "1e400", "99999999999999999999", "abc", "", "nan"]),
)
def test_every_command_refuses_bad_options(capsys, name, option, value):
    cmd = COMMANDS[name]
    opt = cmd.option(option)
    if opt is None or opt.kind not in ("whole", "number"):
        option = "zz_not_an_option"  # then: an option the command does not use
    with sandbox() as tmp:
        (tmp / "given").mkdir()
        line = contract(capsys, [name, f"{option}={value}"])
    assert line.startswith(f"config error: {option} = "), line


# --- scenario files ----------------------------------------------------------------------

BASE = yaml.safe_load((SCENARIO_DIR / "1969_border_clash.yaml").read_text())


def _paths(node, path=()):
    """Every (path, value) of a nested structure."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*path, i))
    yield path, node


MAPPINGS = [p for p, v in _paths(BASE) if isinstance(v, dict)]
FIXED_KEYS = [p for p in MAPPINGS if p[:1] != ("sources",)]
NUMBERS = [p for p, v in _paths(BASE) if isinstance(v, (int, float)) and not isinstance(v, bool)]
CODE_KEYS = ["_target_", "()", "hydra", "defaults", "_args_", "_private"]


def _set(data, path, value):
    node = data
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


def _dotted(path) -> str:
    return ".".join(str(p) for p in path)


@st.composite
def bad_files(draw) -> tuple[dict, str]:
    import copy

    data = copy.deepcopy(BASE)
    data["name"] = "fz"
    kind = draw(st.sampled_from(["code", "number", "unknown"]))
    if kind == "number":
        path = draw(st.sampled_from(NUMBERS))
        _set(data, path, draw(st.sampled_from([math.inf, -math.inf, math.nan, True, False])))
        return data, _dotted(path)
    # ``sources`` maps any key to a reference: a new key there is data, not an error
    where = draw(st.sampled_from(MAPPINGS if kind == "code" else FIXED_KEYS))
    node = data
    for p in where:
        node = node[p]
    key = draw(st.sampled_from(CODE_KEYS)) if kind == "code" else "zz_unknown"
    node[key] = draw(st.sampled_from(["shutil.copyfile", {"_target_": "os.system"}, 1]))
    return data, key


@FUZZ
@given(bad=bad_files())
def test_bad_scenario_files(capsys, bad):
    data, key = bad
    with sandbox() as tmp:
        given_dir = tmp / "given" / "scenario"
        given_dir.mkdir(parents=True)
        text = "# @package _global_\n" + yaml.safe_dump(data, sort_keys=False)
        (given_dir / "fz.yaml").write_text(text)
        line = contract(
            capsys,
            ["run", "scenario=fz", f"hydra.searchpath=[file://{tmp / 'given'}]",
             f"output.dir={tmp / 'out'}"],
        )  # fmt: skip
    assert key.split(".")[-1] in line, line
