"""What each ``cardplay`` command accepts: its options (defaults, limits), two examples,
and the document that explains it.

The command line reads this table before it imports a command's module, so that
``cardplay <command> --help`` is instant and an option a command does not use (or
a count beyond its limit) is a one-line error before anything is composed or
computed. The commands themselves read their options with
:func:`sim.scenario.options.pop_option`; the defaults here are the ones they use.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_RUNS = 100_000  # runs of one ensemble, validation or comparison (docs/research.md)
MAX_BUDGET = 100_000  # optimiser iterations, population, evaluations; SALib sample sizes


@dataclass(frozen=True)
class Option:
    name: str
    default: str
    help: str
    kind: str = "text"  # whole, number, flag (true/false), text
    lo: float | None = None
    hi: float | None = None

    def rule(self) -> str:
        what = {"whole": "a whole number", "number": "a number", "flag": "true or false"}
        text = what.get(self.kind, "text")
        if self.lo is not None and self.hi is not None:
            text += f" {self.lo:g}..{self.hi:g}"
        elif self.lo is not None:
            text += f" >= {self.lo:g}"
        return text


@dataclass(frozen=True)
class Command:
    name: str
    target: str  # module:function, imported only when the command runs
    summary: str
    usage: str
    options: tuple[Option, ...]
    examples: tuple[str, ...]
    doc: str
    config: bool = True  # takes configuration overrides (key=value of the run config)
    hydra: bool = False  # takes hydra.* overrides (run, and --multirun sweeps)

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


def _jobs() -> Option:
    return Option("n_jobs", "-1", "worker processes (-1: all cores)", "whole", -1, 1024)


def _out(what: str) -> Option:
    return Option("out", what, "the folder to write (new or empty; checked before computing)")


def _runs(default: str, lo: int = 1) -> Option:
    return Option("runs", default, "seeded runs (seeds seed .. seed+runs-1)", "whole", lo, MAX_RUNS)


_FORMAT = Option("format", "parquet", "table format: parquet or csv")
_FIGURES = Option("figures", "true", "draw the figures", "flag")
_SCENARIO = Option("scenario", "1969_border_clash", "the scenario (scenarios/<name>.yaml)")
_SEED = Option("seed", "0", "the root seed (any configuration key may be set the same way)")
_CONFIDENCE = Option(
    "confidence", "0.95", "confidence level of the intervals", "number", 0.5, 0.999
)
_RESAMPLES = Option("resamples", "9999", "bootstrap resamples", "whole", 100, 1_000_000)
_BASELINE = Option("baseline_runs", "20", "model runs the debrief compares with", "whole", 1, 1000)

COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "run",
            "sim.cli:cmd_run",
            "run one scenario to tables, figures, a narrative and its stylized facts",
            "cardplay run [out=DIR] [key=value ...] [--multirun ...] [--hydra-help]",
            (_out("outputs/<scenario>/seed<seed>_<time>"), _SCENARIO, _SEED),
            (
                "cardplay run scenario=1969_border_clash seed=7",
                "cardplay run actors.USSR.weights.security=0.6 out=outputs/hawkish",
            ),
            "docs/scenarios.md",
            hydra=True,
        ),
        Command(
            "validate",
            "sim.studies.validation:cmd_validate",
            "stylized-fact pass rates of every scenario over seeded ensembles",
            "cardplay validate [scenario=a,b] [runs=200] [n_jobs=-1] [out=DIR] [strict=false]",
            (
                Option("scenario", "all", "scenarios to validate (comma-separated)"),
                _runs("200"),
                _jobs(),
                Option(
                    "pairs", "runs", "paired runs against each null world", "whole", 2, MAX_RUNS
                ),
                Option("nulls", "hold,random,myopic", "null worlds to beat, or none"),
                Option("claims", "claims", "the claims file tested alongside, or none"),
                _CONFIDENCE,
                _RESAMPLES,
                _out("outputs/validation/<time>"),
                Option("strict", "false", "exit 1 when a threshold is missed", "flag"),
            ),
            (
                "cardplay validate scenario=1969_border_clash runs=200",
                "cardplay validate runs=50 mechanics.depth=2 strict=true",
            ),
            "docs/scenarios.md",
        ),
        Command(
            "compare",
            "sim.studies.counterfactual:cmd_compare",
            "a counterfactual against its baseline on common random numbers",
            "cardplay compare variant='key=value ...' | experiment=NAME [runs=200] [out=DIR]",
            (
                Option("variant", "(required)", "the counterfactual: overrides, quoted together"),
                Option("experiment", "(none)", "a comparison file, experiments/compare_*.yaml"),
                _SCENARIO,
                Option("outcome", "the scenario's facts", "an outcome to compare (repeatable)"),
                Option("pair", "(none)", "two actors whose relation to chart, e.g. USSR,ROC"),
                _runs("200", 2),
                _jobs(),
                _CONFIDENCE,
                _RESAMPLES,
                _out("outputs/compare/<scenario>_<time>"),
            ),
            (
                "cardplay compare variant=events.zhenbao_clash.enabled=false runs=200",
                "cardplay compare experiment=compare_1969_border_clash runs=50",
            ),
            "docs/scenarios.md",
        ),
        Command(
            "claims",
            "sim.studies.claims:cmd_claims",
            "the sources' causal claims as paired counterfactual experiments",
            "cardplay claims [claims=claims] [claim=1,2] [pairs=200] [out=DIR] [key=value ...]",
            (
                Option("claims", "claims", "a claims file, experiments/<name>.yaml"),
                Option("claim", "all", "claim ids of the file (comma-separated)"),
                Option("pairs", "200", "paired runs per claim", "whole", 2, MAX_RUNS),
                _jobs(),
                _CONFIDENCE,
                _RESAMPLES,
                _out("outputs/claims/<time>"),
            ),
            (
                "cardplay claims pairs=200",
                "cardplay claims claim=1,3 pairs=50 out=outputs/claims_13",
            ),
            "docs/validation.md",
        ),
        Command(
            "ensemble",
            "sim.studies.study:cmd_ensemble",
            "seeded replicates to one tidy table and a fan chart",
            "cardplay ensemble [runs=100] [n_jobs=-1] [format=parquet] [out=DIR] [key=value ...]",
            (
                _runs("100"),
                _jobs(),
                _FORMAT,
                _out("outputs/ensembles/<scenario>/runs<runs>_seed<seed>_<time>"),
                Option("pairs", "the scenario's", "pairs to chart, e.g. USSR-PRC,US-PRC"),
                _FIGURES,
                _SCENARIO,
            ),
            (
                "cardplay ensemble runs=200",
                "cardplay ensemble scenario=1972_rapprochement runs=500 format=csv",
            ),
            "docs/research.md",
        ),
        Command(
            "sensitivity",
            "sim.studies.sensitivity:cmd_sensitivity",
            "SALib Morris screening and Sobol indices of the stylized facts",
            "cardplay sensitivity [experiment=sensitivity_1969] [method=all] [n=N] [out=DIR]",
            (
                Option("experiment", "sensitivity_1969", "experiments/sensitivity_*.yaml"),
                Option("method", "all", "all, morris or sobol"),
                Option(
                    "n", "the file's", "Sobol base sample N (a power of 2)", "whole", 1, MAX_BUDGET
                ),
                Option("trajectories", "the file's", "Morris trajectories", "whole", 1, MAX_BUDGET),
                Option(
                    "replicates", "the file's", "seeded runs per sample point", "whole", 1, 10_000
                ),
                Option("sample_seed", "the file's", "SALib sampling seed", "whole", 0, 2**32 - 1),
                _jobs(),
                _FORMAT,
                _out("outputs/sensitivity/<scenario>/<name>_<time>"),
                _FIGURES,
            ),
            (
                "cardplay sensitivity experiment=sensitivity_1969",
                "cardplay sensitivity experiment=sensitivity_1972 method=morris replicates=4",
            ),
            "docs/research.md",
        ),
        Command(
            "calibrate",
            "sim.studies.calibration:cmd_calibrate",
            "fit mechanics or weights to the stylized facts of several scenarios",
            "cardplay calibrate [experiment=calibrate_mechanics] [maxiter=N] [out=DIR]",
            (
                Option("experiment", "calibrate_mechanics", "experiments/calibrate_*.yaml"),
                Option("scenarios", "the file's", "scenarios to fit (comma-separated, or all)"),
                Option("method", "the file's", "the optimiser (differential_evolution, ...)"),
                Option("maxiter", "the file's", "optimiser iterations", "whole", 1, MAX_BUDGET),
                Option("popsize", "the file's", "population size", "whole", 1, MAX_BUDGET),
                Option("maxfev", "the file's", "function evaluations", "whole", 1, MAX_BUDGET),
                Option(
                    "replicates", "the file's", "seeded runs per evaluation", "whole", 1, 10_000
                ),
                Option(
                    "optimizer_seed", "the file's", "the optimiser's seed", "whole", 0, 2**32 - 1
                ),
                _jobs(),
                _FORMAT,
                _out("outputs/calibration/<name>_<time>"),
                _FIGURES,
            ),
            (
                "cardplay calibrate experiment=calibrate_mechanics",
                "cardplay calibrate experiment=calibrate_mechanics maxiter=30 replicates=16",
            ),
            "docs/research.md",
        ),
        Command(
            "classroom",
            "sim.classroom.server:cmd_classroom",
            "the browser app for a class: teams play their country, the model the rest",
            "cardplay classroom [scenario=NAME] [host=127.0.0.1] [port=8765] [key=value ...]",
            (
                _SCENARIO,
                Option("host", "127.0.0.1", "the address to serve on"),
                Option("port", "8765", "the port (0 picks a free one)", "whole", 0, 65535),
                Option("logdir", "outputs/classroom", "where session logs go"),
                Option("key", "(random)", "the instructor's key"),
                _BASELINE,
            ),
            (
                "cardplay classroom scenario=1969_border_clash",
                "cardplay classroom port=9000 host=0.0.0.0",
            ),
            "docs/classroom.md",
        ),
        Command(
            "report",
            "sim.classroom.debrief:cmd_report",
            "the debrief of a run or class session as one self-contained HTML file",
            "cardplay report FOLDER|session.jsonl [out=FILE] [baseline_runs=20]",
            (
                Option("out", "<folder>/debrief.html", "the HTML file to write (a new file)"),
                _BASELINE,
            ),
            (
                "cardplay report outputs/1969_border_clash/seed7_20250101-120000-000",
                "cardplay report outputs/classroom/<session> out=debrief.html",
            ),
            "docs/classroom.md",
            config=False,
        ),
    )
}


def help_text(cmd: Command) -> str:
    """``cardplay <command> --help``: usage, options with defaults, two examples, the doc."""
    rows = [(f"{o.name}={o.default}", o.help) for o in cmd.options]
    if cmd.config:
        rows.append(("KEY=VALUE", "any configuration key, e.g. mechanics.depth=2"))
    if cmd.hydra:
        rows += [
            ("--multirun", "a Hydra sweep: cardplay --multirun +experiment=sweep_hawks_depth"),
            ("--hydra-help", "Hydra's own help (launchers, --cfg, --info)"),
        ]
    lines = [f"usage: {cmd.usage}", "", cmd.summary, "", "options (with their defaults):"]
    for left, right in rows:
        if len(left) > 24:
            lines += [f"  {left}", f"  {'':<24}  {right}"]
        else:
            lines.append(f"  {left:<24}  {right}")
    lines += ["", "examples:", *(f"  {e}" for e in cmd.examples), "", f"see {cmd.doc}"]
    return "\n".join(lines)
