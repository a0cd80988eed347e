"""Options of the shell commands: a composed and validated configuration from the
overrides, a command's own ``key=value`` options taken out of them, and the check of
every point of a sweep before any job is launched.

Every command (``cardplay run``, the studies, the classroom, the report) reads its
options through these, so a bad one is the same one-line :class:`ConfigError`.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Callable

from sim.scenario.errors import ConfigError

MAX_JOBS = 10_000  # sweep points of one multirun
#: Hydra's command-line flags; those in TAKES_VALUE take the next argument.
HYDRA_FLAGS = {
    *("--multirun", "-m", "--cfg", "-c", "--resolve", "--info", "-i", "--hydra-help"),
    *("--package", "-p", "--shell-completion", "-sc", "--config-dir", "-cd"),
    *("--config-name", "-cn", "--config-path", "-cp"),
}
TAKES_VALUE = {"--cfg", "-c", "--package", "-p", "--shell-completion", "-sc"}
TAKES_VALUE |= {"--config-dir", "-cd", "--config-name", "-cn", "--config-path", "-cp"}


def checked_config(overrides: list[str]):
    """Compose and validate; raises ConfigError. Rewrites ``overrides`` as Hydra needs them."""
    from sim.scenario.config import compose_with
    from sim.scenario.schema import validate

    raw, fixed = compose_with(overrides)
    overrides[:] = fixed
    return raw, validate(raw)


def pop_option(overrides: list[str], key: str, default, cast: Callable = int):
    """Take a shell option like ``runs=200`` out of the override list.

    Whole numbers are whole numbers (``runs=true`` or ``runs=2.5`` is an error) and
    every number is finite.
    """
    out = default
    rest = []
    for o in overrides:
        k, _, v = o.partition("=")
        if k == key:
            out = _cast(key, v, cast)
        else:
            rest.append(o)
    overrides[:] = rest
    return out


def _cast(key: str, text: str, cast: Callable):
    what = {int: "a whole number", float: "a number", str: "text"}.get(cast, f"a {cast.__name__}")
    try:
        value = cast(text)
    except (ValueError, TypeError):
        raise ConfigError(key, text, what) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(key, text, "a finite number")
    return value


# --- sweeps ------------------------------------------------------------------------------


def sweep_cases(overrides: list[str], grid: dict[str, str] | None = None) -> list[list[str]]:
    """Override lists that together try every value of every sweep once (the other sweeps
    held at their first value): the command line's sweeps and a named sweep's ``grid``
    (a key on the command line replaces the grid's)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    from sim.scenario.config import check_grammar

    given = {o.lstrip("+~").split("=", 1)[0] for o in overrides}
    extra = [f"{k}={v}" for k, v in (grid or {}).items() if k not in given]
    overrides = [*overrides, *extra]
    check_grammar(overrides)
    parsed = OverridesParser.create().parse_overrides(overrides)
    lines, sweeps, jobs = [], {}, 1
    for k, o in enumerate(parsed):
        key = o.input_line.split("=", 1)[0]
        values = None
        if o.is_sweep_override():
            try:
                values = list(itertools.islice(o.sweep_string_iterator(), MAX_JOBS + 1))
            except Exception:  # an interval for an optimising sweeper: nothing to enumerate
                values = None
        if values:
            jobs *= len(values)
            if jobs > MAX_JOBS:
                raise ConfigError(key, o.input_line.split("=", 1)[1], f"at most {MAX_JOBS} jobs")
            sweeps[k] = (key, values)
            lines.append(f"{key}={values[0]}")
        else:
            lines.append(o.input_line)
    cases = [lines]
    for k, (key, values) in sweeps.items():
        for v in values[1:]:
            case = list(lines)
            case[k] = f"{key}={v}"
            cases.append(case)
    return cases


def check_sweep(overrides: list[str], check_job: Callable[[dict], object] | None = None) -> None:
    """Every point of a sweep composes and validates, before any job is launched.

    A point of a named sweep (``+experiment=...``) has a safe study name and bounded
    replicates, then ``check_job(raw)`` checks it as the job itself would first (its
    study options, then the run configuration); any other point is validated as a run.
    Rewrites ``overrides`` as Hydra needs them; raises ConfigError (one line) on the
    first bad point.
    """
    from sim.scenario import userfiles
    from sim.scenario.config import CONFIG_DIR, EXPERIMENT_DIR, check_grammar, compose_with
    from sim.scenario.schema import validate

    check_grammar(overrides)
    named, grid, _ = userfiles.named_sweep(overrides, CONFIG_DIR, EXPERIMENT_DIR)
    for case in sweep_cases(named, grid):
        raw, _ = compose_with(case)
        if "study" not in raw:
            validate(raw)
            continue
        userfiles.check_name("study.name", (raw.get("study") or {}).get("name"))
        reps = raw.get("replicates")
        if isinstance(reps, int) and reps > userfiles.MAX_REPLICATES:
            raise ConfigError("replicates", reps, f"at most {userfiles.MAX_REPLICATES:,}")
        if check_job is None:
            raise ConfigError("experiment", case, "a sweep runs through cardplay --multirun")
        check_job(raw)
    overrides[:] = named


def split_args(args: list[str]) -> tuple[list[str], list[str]]:
    """Hydra's own flags (and their values) apart from key=value overrides."""
    flags, overrides = [], []
    it = iter(args)
    for a in it:
        if a in HYDRA_FLAGS or a.split("=")[0] in HYDRA_FLAGS:
            flags.append(a)
            if a in TAKES_VALUE:
                nxt = next(it, None)
                if nxt is not None:
                    flags.append(nxt)
        else:
            overrides.append(a)
    return flags, overrides


def guarded(app: Callable[[], object], check_job: Callable[[dict], object]) -> None:
    """Start a Hydra application (``python -m sim.studies.sweep``) after the checks of
    ``cardplay --multirun``: user files and every sweep point, one line and exit 2 if bad."""
    from sim.scenario.config import compose_with

    flags, overrides = split_args(sys.argv[1:])
    try:
        if {"--multirun", "-m"} & set(flags):
            check_sweep(overrides, check_job)
        elif "--hydra-help" not in flags and not {"-h", "--help"} & set(overrides):
            raw, overrides[:] = compose_with(overrides)
            if not flags and "study" in raw:
                check_job(raw)
    except ConfigError as exc:
        print(exc.line(), file=sys.stderr)
        raise SystemExit(2) from None
    sys.argv = [sys.argv[0], *flags, *overrides]
    app()
