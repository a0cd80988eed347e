"""The ``cardplay`` command: thin shells over :func:`sim.record.run.simulate`.

``cardplay run [overrides]`` (the default) runs one scenario through Hydra and
writes a run folder; ``cardplay validate`` prints stylized-fact pass rates over
seeded runs. Bad input prints one line (key, value, what is valid) and exits
with status 2, before any output folder exists.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config

HYDRA_FLAGS = {
    "--multirun",
    "-m",
    "--cfg",
    "-c",
    "--resolve",
    "--info",
    "-i",
    "--help",
    "-h",
    "--hydra-help",
    "--package",
    "-p",
    "--shell-completion",
    "-sc",
    "--config-dir",
    "-cd",
    "--config-name",
    "-cn",
    "--config-path",
    "-cp",
}


def split_args(args: list[str]) -> tuple[list[str], list[str]]:
    """Hydra's own flags (and their values) apart from key=value overrides."""
    flags, overrides = [], []
    takes_value = {
        "--cfg",
        "-c",
        "--package",
        "-p",
        "--info",
        "-i",
        "--config-dir",
        "-cd",
        "--config-name",
        "-cn",
        "--config-path",
        "-cp",
        "--shell-completion",
        "-sc",
    }
    it = iter(args)
    for a in it:
        if a in HYDRA_FLAGS or a.split("=")[0] in HYDRA_FLAGS:
            flags.append(a)
            if a in takes_value and a not in ("--info", "-i"):
                nxt = next(it, None)
                if nxt is not None:
                    flags.append(nxt)
        else:
            overrides.append(a)
    return flags, overrides


# --- run -----------------------------------------------------------------------------


def sweep_cases(overrides: list[str]) -> list[list[str]]:
    """Override lists that together try every value of every command-line sweep once
    (the other sweeps held at their first value)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except Exception as exc:  # Hydra's grammar errors
        raise ConfigError("<override>", " ".join(overrides), str(exc).splitlines()[0]) from None
    lines, sweeps = [], {}
    for k, o in enumerate(parsed):
        key = o.input_line.split("=", 1)[0]
        values = None
        if o.is_sweep_override():
            try:
                values = list(o.sweep_string_iterator())
            except Exception:  # an interval for an optimising sweeper: nothing to enumerate
                values = None
        if values:
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


def check_sweep(overrides: list[str]) -> None:
    """Every value of a command-line sweep composes and validates (one line, exit 2 if not)."""
    for case in sweep_cases(overrides):
        if any(o.lstrip("+").startswith("experiment=") for o in case):
            from sim.scenario.config import compose_with

            compose_with(case)  # a named study: its task validates each job's configuration
        else:
            checked_config(case)


def cmd_run(args: list[str]) -> int:
    flags, overrides = split_args(args)
    if {"--help", "-h", "--hydra-help"} & set(flags):
        pass
    elif {"--multirun", "-m"} & set(flags):
        check_sweep(overrides)  # before Hydra launches anything
    else:
        checked_config(overrides)  # one-line error and exit 2 before Hydra makes a folder
    from sim.hydra_app import run_app

    sys.argv = [sys.argv[0] if sys.argv else "cardplay", *flags, *overrides]
    run_app()
    return 0


COMMANDS: dict[str, Callable[[list[str]], int] | str] = {
    "run": cmd_run,
    "validate": "sim.studies.validation:cmd_validate",
    "compare": "sim.studies.counterfactual:cmd_compare",
    "claims": "sim.studies.claims:cmd_claims",
    "ensemble": "sim.studies.study:cmd_ensemble",
    "sensitivity": "sim.studies.sensitivity:cmd_sensitivity",
    "calibrate": "sim.studies.calibration:cmd_calibrate",
    "classroom": "sim.classroom.server:cmd_classroom",
    "report": "sim.classroom.debrief:cmd_report",
}


def command(name: str) -> Callable[[list[str]], int]:
    """The function behind a subcommand (modules are imported only when used)."""
    target = COMMANDS[name]
    if callable(target):
        return target
    import importlib

    module, _, func = target.partition(":")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise ConfigError("command", name, f"not available here ({exc})") from None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        cmd, args = argv[0], argv[1:]
    elif argv and argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    else:
        cmd, args = "run", argv
    try:
        return command(cmd)(args) or 0
    except ConfigError as exc:
        print(exc.line(), file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None


def usage() -> str:
    return (
        "usage: cardplay [COMMAND] [key=value ...]\n\n"
        "commands:\n"
        "  run        run one scenario (default): cardplay run scenario=1969_border_clash seed=7\n"
        "  validate   stylized-fact pass rates: cardplay validate scenario=1969_border_clash runs=200\n"
        "  compare    a counterfactual on common random numbers: cardplay compare variant=...\n"
        "  claims     the sources' causal claims as paired counterfactuals: cardplay claims pairs=200\n"
        "  ensemble   seeded replicates to one tidy table and a fan chart: cardplay ensemble runs=200\n"
        "  sensitivity  SALib Morris / Sobol: cardplay sensitivity experiment=sensitivity_1969\n"
        "  calibrate  fit mechanics to the record: cardplay calibrate experiment=calibrate_mechanics\n"
        "  classroom  the browser app for a class: cardplay classroom\n"
        "  report     the debrief of a run or class session: cardplay report <folder>\n"
        "  --multirun Hydra sweeps: cardplay --multirun +experiment=sweep_hawks_depth\n"
        "\nany configuration key can be overridden, e.g. actors.USSR.weights.security=0.6\n"
        "or events.zhenbao_clash.enabled=false; see README.md and docs/."
    )


if __name__ == "__main__":
    sys.exit(main())
