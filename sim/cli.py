"""The ``cardplay`` command: thin shells over :func:`sim.record.run.simulate`.

``cardplay run [key=value ...]`` (the default) runs one scenario and writes a run
folder; the other commands (:data:`sim.commands.COMMANDS`) are imported only when
used. The contract of every command:

- ``cardplay <command> --help`` prints usage, options with defaults and two
  examples without composing anything; ``cardplay --version`` the version.
- Bad input (an unknown option or key, a value out of range, a malformed or
  code-carrying user file, a taken or unwritable destination) prints one line
  naming the key, the value and what is valid, exits with status 2, and writes
  nothing; all of it is checked before any computation.
- SIGINT (Ctrl+C) and SIGTERM (``kill``, a scheduler's time-out) stop the command
  with one line and status 130 or 143; the run folder being written is removed.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sim.commands import COMMANDS, Command, help_text
from sim.scenario.errors import ConfigError
from sim.scenario.options import TAKES_VALUE, split_args

#: Hydra's flags cardplay run passes on (others would change where configs come from).
RUN_FLAGS = {"--multirun", "-m", "--cfg", "-c", "--resolve", "--info", "-i", "--hydra-help"}
RUN_FLAGS |= {"--package", "-p"}
FLAG_WORDS = ("true", "false", "1", "0", "yes", "no", "on", "off")
#: Keys a named sweep adds to the configuration (configs/experiment/sweep.yaml).
SWEEP_KEYS = ("experiment", "replicates", "study")


# --- options every command shares --------------------------------------------------------


def config_keys() -> list[str]:
    from sim.scenario.schema import RunConfig

    return [*RunConfig.model_fields, "scenario"]


def check_options(cmd: Command, args: list[str]) -> list[str]:
    """The command's own options checked against its table (kind, limits), and every
    other argument a key the command uses; raises ConfigError naming the first that is
    not. Returns the arguments, ``hydra.run.dir=`` spelt ``out=`` (kept one release)."""
    flags, overrides = split_args(args) if cmd.hydra else ([], list(args))
    for prev, f in zip(["", *flags], flags, strict=False):
        if prev not in TAKES_VALUE and f.split("=")[0] not in RUN_FLAGS:
            raise ConfigError(f, None, "a flag of cardplay run: " + ", ".join(sorted(RUN_FLAGS)))
    bad_flag = next((a for a in overrides if a.startswith("-")), None)
    if bad_flag and not (cmd.name == "report" and "=" not in bad_flag):
        raise ConfigError(bad_flag, None, f"not a flag of cardplay {cmd.name} (see --help)")
    multirun = bool({"--multirun", "-m"} & set(flags))
    sweep = multirun or any(a.lstrip("+").startswith("experiment=") for a in overrides)
    out = []
    for a in overrides:
        key, sep, value = a.partition("=")
        bare = key.lstrip("+~")
        if bare == "hydra.run.dir" and cmd.hydra and not multirun:
            a, key, bare = f"out={value}", "out", "out"
        opt = cmd.option(bare)
        if opt is not None:
            _check_value(cmd, opt, value)
        elif not sep:
            if cmd.config:
                raise ConfigError("<override>", a, "overrides look like key=value")
        elif bare == "hydra.searchpath" and cmd.config:
            pass  # folders of the user's own scenarios (docs/scenarios.md)
        elif bare.split(".")[0].split("/")[0] == "hydra":
            if not cmd.hydra:
                raise ConfigError(bare, value, f"not used by cardplay {cmd.name}", doc=cmd.doc)
            if not multirun:
                raise ConfigError(bare, value, "a Hydra setting used only with --multirun")
        elif not cmd.config or not _is_config_key(bare, sweep):
            accepts = ", ".join(o.name for o in cmd.options)
            more = " or a configuration key (see --help)" if cmd.config else ""
            raise ConfigError(
                bare,
                value,
                f"not an option of cardplay {cmd.name}; accepts {accepts}{more}",
                doc=cmd.doc,
            )
        out.append(a)
    return [*flags, *out]


def _is_config_key(key: str, sweep: bool) -> bool:
    head = key.split(".")[0].split("/")[0]
    return head in config_keys() or (sweep and head in SWEEP_KEYS)


def _check_value(cmd: Command, opt, value: str) -> None:
    def bad() -> ConfigError:
        return ConfigError(opt.name, value, opt.rule(), doc=cmd.doc)

    if opt.kind == "flag" and value.lower() not in FLAG_WORDS:
        raise bad()
    if opt.kind in ("whole", "number"):
        from sim.scenario.options import pop_option

        try:
            num = pop_option(
                [f"{opt.name}={value}"], opt.name, 0, int if opt.kind == "whole" else float
            )
        except ConfigError:
            raise bad() from None
        if (opt.lo is not None and num < opt.lo) or (opt.hi is not None and num > opt.hi):
            raise bad()
    if opt.name == "out":
        _check_out(cmd, value)


def _check_out(cmd: Command, value: str) -> None:
    """The destination, checked before anything is composed or computed."""
    from pathlib import Path

    from sim.record.output import destination, writable

    if cmd.name != "report":
        destination(value, key="out")
        return
    path = Path(value).expanduser()
    if not value.strip() or path.exists():
        raise ConfigError("out", value, "a new file (this one exists)", doc=cmd.doc)
    writable(path.resolve(), "out")


# --- run ---------------------------------------------------------------------------------


def sweep_job(raw: dict) -> None:
    """What a named sweep's job checks first (its options, then its configuration)."""
    from sim.studies.sweep import check_job

    check_job(raw)


def cmd_run(args: list[str]) -> int:
    from sim.scenario.options import check_sweep, checked_config, pop_option

    flags, overrides = split_args(args)
    multirun = bool({"--multirun", "-m"} & set(flags))
    if multirun:
        out = pop_option(overrides, "out", "", str)
        check_sweep(overrides, sweep_job)  # every sweep point, before Hydra launches anything
        return _hydra(flags, [*overrides, *([f"hydra.sweep.dir={out}"] if out else [])])
    if flags:  # --cfg, --info, --hydra-help: Hydra prints, runs nothing
        if not {"--cfg", "-c", "--info", "-i", "--hydra-help"} & set(flags):
            raise ConfigError(flags[0], None, "with --cfg or --info only (or use --multirun)")
        if "--hydra-help" not in flags:
            checked_config(overrides)  # user files checked before Hydra reads them
        return _hydra(flags, overrides)
    out = pop_option(overrides, "out", "", str)
    raw, cfg = checked_config(overrides)
    from pathlib import Path

    from sim.hydra_app import run_folder
    from sim.record.output import default_folder, destination, remove_stale

    root = Path(cfg.output.dir)
    if out:
        folder = destination(out)
    else:
        folder = destination(
            default_folder(root / cfg.name, f"seed{cfg.seed}"), key="output.dir", root=root
        )
    for d in [p for p in root.glob("*") if p.is_dir()] if root.is_dir() else []:
        remove_stale(d)  # what runs killed outright (SIGKILL) left beside their folders
    run_folder(raw, cfg, folder)
    return 0


def _hydra(flags: list[str], overrides: list[str]) -> int:
    from sim.hydra_app import run_app

    sys.argv = [sys.argv[0] if sys.argv else "cardplay", *flags, *overrides]
    run_app()
    return 0


# --- signals and the entry point ---------------------------------------------------------


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM: unwinds like Ctrl+C so every staging folder is removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
        self.status = 128 + signum


@contextmanager
def interruptible() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` (once: a second signal waits for the
    cleanup); the previous handlers come back afterwards."""

    def handler(signum, frame):
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    try:
        old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def command(name: str) -> Callable[[list[str]], int]:
    """The function behind a subcommand (modules are imported only when used)."""
    import importlib

    module, _, func = COMMANDS[name].target.partition(":")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as exc:
        raise ConfigError("command", name, f"not available here ({exc})") from None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["--version"], ["-V"]):
        print(f"cardplay {version()}")
        return 0
    if argv[:1] in (["-h"], ["--help"], ["help"]):
        print(usage())
        return 0
    name = argv[0] if argv and argv[0] in COMMANDS else "run"
    args = argv[1:] if argv and argv[0] in COMMANDS else argv
    cmd = COMMANDS[name]
    if {"-h", "--help"} & set(args):
        print(help_text(cmd))
        return 0
    with interruptible():
        try:
            args = check_options(cmd, args)  # before the command's module is imported
            return command(name)(args) or 0
        except ConfigError as exc:
            if cmd.option(str(exc.key)) is not None:
                exc.doc = cmd.doc  # the command's own option: its document
            print(exc.line(), file=sys.stderr)
            raise SystemExit(2) from None
        except Interrupted as exc:
            how = signal.Signals(exc.signum).name
            print(f"interrupted ({how}): stopped, nothing partial left", file=sys.stderr)
            raise SystemExit(exc.status) from None
        except KeyboardInterrupt:
            print("interrupted: stopped, nothing partial left", file=sys.stderr)
            raise SystemExit(130) from None


def version() -> str:
    from importlib import metadata

    try:
        return metadata.version("cardplay")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def usage() -> str:
    width = max(map(len, COMMANDS)) + 2
    lines = ["usage: cardplay [COMMAND] [key=value ...]   (cardplay COMMAND --help)", ""]
    lines += ["commands:"] + [f"  {n:<{width}}{c.summary}" for n, c in COMMANDS.items()]
    lines += [
        f"  {'--multirun':<{width}}Hydra sweeps: cardplay --multirun +experiment=sweep_hawks_depth",
        f"  {'--version':<{width}}the version",
        "",
        "any configuration key can be set, e.g. actors.USSR.weights.security=0.6 or",
        "events.zhenbao_clash.enabled=false; see README.md and docs/.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
