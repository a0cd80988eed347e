"""`cardplay claims`: the sources' causal claims as paired counterfactuals.

The claims of ``../shared/history/README.md`` ("Claims the sources make about
causes") are data, in ``experiments/claims.yaml`` (or any file of that form,
``claims=<name or path>``): each claim has an ``id``, a ``title``, the ``text``
and ``citation``, and either one or more ``tests`` or, when the model cannot
express it, ``not_expressible`` saying why. A test names a ``scenario``, the
``baseline`` and ``counterfactual`` overrides (configuration overrides of
``actors.``, ``relations.``, ``events.`` or ``mechanics.`` keys only: the file
configures nothing but its own runs), the ``outcome`` read off each run (a
Series in the facts' language, a crossing, or ``facts: all``, see
:mod:`sim.studies.outcomes`), the direction the claim ``expect``-s
(``lower``/``higher``: counterfactual against baseline) and ``why`` this lever
and outcome express the claim.

Each test runs ``pairs`` replicate pairs (default 200) on common random numbers
(pair k: both sides with seed ``seed + k``) and reports the mean paired effect
(counterfactual minus baseline), its bootstrap CI and a verdict
(:func:`sim.studies.paired.verdict`): *supported* when the CI excludes zero in the
claimed direction, else *not supported*. A claim is supported when all its
tests are. ``cardplay claims`` prints the table and writes a folder (default
``outputs/claims/<time>/``, or ``out=...``)::

    claims.md                   the verdicts in words and tables
    claims.{parquet,csv}        one row per test (and per claim without one): effect, CI, verdict
    claim_runs.{parquet,csv}    one row per test and seed: baseline, counterfactual, difference
    claims_file.yaml            the claim definitions used, as read
    configs/claims/<id>.<test>.{baseline,counterfactual}.yaml  the resolved configurations
    provenance.json             file hash, seeds, bootstrap, config hashes, versions, commit

Options: ``claim=1,3`` (default all), ``pairs=200``, ``n_jobs=-1``,
``confidence=0.95``, ``resamples=9999``, ``out=<folder>``, and any configuration
override, applied to both sides of every test. ``cardplay validate`` runs the
claims of the scenarios it validates into its report. Bad input (a bad key in
the claims file too) fails before anything runs: one line, exit 2, no folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config, pop_option
from sim.scenario.schema import RunConfig, Strict
from sim.studies.counterfactual import Comparison, compare
from sim.studies.outcomes import Outcome, check_outcomes, outcome_from_mapping
from sim.studies.paired import NOT_EXPRESSIBLE, NOT_SUPPORTED, SUPPORTED, verdict
from sim.studies.shell import data_file, read_yaml

#: A claim file's overrides may change the model's inputs, nothing else (data only).
OVERRIDE = re.compile(r"^(actors|relations|events|mechanics)\.[A-Za-z0-9_.]+=.+$")
NOT_RUN = "not run"


class ClaimTest(Strict):
    """One paired counterfactual that expresses (part of) a claim."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    scenario: str
    why: str = Field(min_length=3)
    baseline: list[str] = []
    counterfactual: list[str] = Field(min_length=1)
    outcome: dict[str, Any]
    expect: Literal["lower", "higher"]


class Claim(Strict):
    id: int = Field(ge=1)
    title: str = Field(min_length=3)
    text: str = Field(min_length=3)
    citation: str = Field(min_length=3)
    tests: list[ClaimTest] = []
    not_expressible: str = ""


class ClaimBook(Strict):
    description: str = ""
    claims: list[Claim] = Field(min_length=1)


# --- reading the file ---------------------------------------------------------------------


def claims_file(name: str) -> Path:
    return data_file(name, key="claims")


def _label(loc: tuple, data) -> str:
    """A pydantic location as a key, list items named by their id or name."""
    parts, node = [], data
    for p in loc:
        if isinstance(p, int) and isinstance(node, list) and p < len(node):
            node = node[p]
            label = node.get("id", node.get("name")) if isinstance(node, dict) else None
            parts.append(str(p if label is None else label))
        else:
            parts.append(str(p))
            node = node.get(p) if isinstance(node, dict) else None
    return ".".join(parts)


def _valid_keys(loc: tuple) -> str:
    model = ClaimBook
    for p in loc[:-1]:
        if isinstance(p, str) and p in model.model_fields:
            model = {"claims": Claim, "tests": ClaimTest}.get(p, model)
    return ", ".join(model.model_fields)


def load_claims(path: Path) -> tuple[Path, str, ClaimBook]:
    """The claim file's path, text and validated definitions; ConfigError on any problem."""
    data = read_yaml(path, key="claims")
    if not isinstance(data, dict):
        raise ConfigError("claims", str(path), "a YAML mapping with a 'claims:' list")
    try:
        book = ClaimBook.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = _label(err["loc"], data)
        kind = err["type"]
        valid = (
            f"unknown key; valid keys: {_valid_keys(err['loc'])}"
            if kind == "extra_forbidden"
            else "required key is missing"
            if kind == "missing"
            else err["msg"].lower()
        )
        value = "(missing)" if kind == "missing" else err.get("input")
        raise ConfigError(key, value, valid) from None
    seen: set[int] = set()
    for claim in book.claims:
        where = f"claims.{claim.id}"
        if claim.id in seen:
            raise ConfigError(f"{where}.id", claim.id, "claim ids must be unique")
        seen.add(claim.id)
        if bool(claim.tests) == bool(claim.not_expressible):
            raise ConfigError(where, claim.title, "give either tests or not_expressible (why)")
        names = [t.name for t in claim.tests]
        for t in claim.tests:
            if names.count(t.name) > 1:
                raise ConfigError(f"{where}.tests.{t.name}", t.name, "test names must be unique")
            for side in ("baseline", "counterfactual"):
                for k, text in enumerate(getattr(t, side)):
                    if not OVERRIDE.match(text):
                        raise ConfigError(
                            f"{where}.tests.{t.name}.{side}.{k}",
                            text,
                            "an override key=value of actors.*, relations.*, events.* or"
                            " mechanics.* (a claim file configures only its own runs)",
                        )
    return path, path.read_text(), book


# --- preparing and running ----------------------------------------------------------------


@dataclass
class Experiment:
    """A claim's test, resolved: both configurations and the outcome; then its result."""

    claim: Claim
    test: ClaimTest
    outcome: Outcome
    raw: tuple[dict, dict]
    cfgs: tuple[RunConfig, RunConfig]
    comparison: Comparison | None = None
    summary: dict | None = None
    verdict: str = ""
    reason: str = ""

    @property
    def key(self) -> str:
        return f"{self.claim.id}.{self.test.name}"


@dataclass
class ClaimStudy:
    """Every claim of a file: experiments to run, and claims not run here (id -> why)."""

    path: Path
    text: str
    claims: list[Claim]
    experiments: list[Experiment]
    skipped: dict[int, str]
    overrides: list[str]
    pairs: int = 0
    confidence: float = 0.95
    resamples: int = 9999

    def claim_verdict(self, claim: Claim) -> tuple[str, str]:
        if claim.not_expressible:
            return NOT_EXPRESSIBLE, claim.not_expressible
        if claim.id in self.skipped:
            return NOT_RUN, self.skipped[claim.id]
        tests = [e for e in self.experiments if e.claim.id == claim.id]
        failed = [e.test.name for e in tests if e.verdict != SUPPORTED]
        if not failed:
            return SUPPORTED, f"all {len(tests)} test(s) supported"
        return NOT_SUPPORTED, "tests not supported: " + ", ".join(failed)


def _resolve(claim: Claim, test: ClaimTest, overrides: list[str]) -> Experiment:
    """Both sides' validated configurations and the outcome, checked against the scenario."""
    where = f"claims.{claim.id}.tests.{test.name}"
    base = [f"scenario={test.scenario}", *overrides]
    sides = []
    for side, extra in (
        ("baseline", test.baseline),
        ("counterfactual", [*test.baseline, *test.counterfactual]),
    ):
        try:
            sides.append(checked_config([*base, *extra]))
        except ConfigError as exc:
            raise ConfigError(f"{where}.{side}", exc.value, f"{exc.key}: {exc.valid}") from None
    (raw_b, cfg_b), (raw_c, cfg_c) = sides
    outcome = outcome_from_mapping(test.outcome, f"{where}.outcome", test.name)
    check_outcomes(cfg_b, [outcome], key=f"{where}.outcome")
    return Experiment(claim, test, outcome, (raw_b, raw_c), (cfg_b, cfg_c))


def _check_scenario(claim: Claim, test: ClaimTest, overrides: list[str]) -> None:
    """The test's scenario exists (an error names the claim), then the command line's
    overrides apply to it (an error names the override, as any command's would)."""
    from sim.scenario.config import compose

    try:
        compose([f"scenario={test.scenario}"])
    except ConfigError as exc:
        where = f"claims.{claim.id}.tests.{test.name}.scenario"
        raise ConfigError(where, test.scenario, exc.valid) from None
    checked_config([f"scenario={test.scenario}", *overrides])


def prepare(
    loaded: tuple[Path, str, ClaimBook],
    overrides: list[str],
    scenarios: set[str] | None = None,
    ids: list[int] | None = None,
) -> ClaimStudy:
    """Resolve every test (all configurations validated before anything runs). With
    ``scenarios``, a claim runs only if all its tests' scenarios are among them."""
    path, text, book = loaded
    claims = [c for c in book.claims if ids is None or c.id in ids]
    experiments, skipped, checked = [], {}, set()
    for claim in claims:
        needed = sorted({t.scenario for t in claim.tests})
        missing = [s for s in needed if scenarios is not None and s not in scenarios]
        if missing:
            skipped[claim.id] = "needs scenario " + ", ".join(missing) + " in this validation"
            continue
        for t in claim.tests:
            if t.scenario not in checked:
                _check_scenario(claim, t, overrides)
                checked.add(t.scenario)
            experiments.append(_resolve(claim, t, overrides))
    return ClaimStudy(path, text, claims, experiments, skipped, list(overrides))


def run_claims(
    study: ClaimStudy,
    pairs: int,
    n_jobs: int = -1,
    confidence: float = 0.95,
    resamples: int = 9999,
) -> ClaimStudy:
    """Run every experiment's pairs on common random numbers, and judge it."""
    study.pairs, study.confidence, study.resamples = pairs, confidence, resamples
    for e in study.experiments:
        cfg_b, cfg_c = e.cfgs
        e.comparison = compare(
            e.test.scenario, cfg_b, cfg_c, e.test.counterfactual, [e.outcome], pairs, n_jobs
        )
        row = e.comparison.summary(cfg_b.seed, confidence, resamples).iloc[0]
        e.summary = row.to_dict()
        e.verdict, e.reason = verdict(row.ci_low, row.ci_high, e.test.expect)
    return study


# --- the command ----------------------------------------------------------------------------


def id_option(text: str | None, book: ClaimBook) -> list[int] | None:
    """The ``claim=`` option: comma-separated claim ids of the file (default: all)."""
    if text is None:
        return None
    known = [c.id for c in book.claims]
    try:
        ids = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        ids = []
    if not ids or any(i not in known for i in ids):
        raise ConfigError("claim", text, "claim ids of the file: " + ", ".join(map(str, known)))
    return ids


def cmd_claims(args: list[str]) -> int:
    from sim.studies.claims_report import print_claims, write_claims
    from sim.studies.shell import interval_options, output_folder, run_options

    overrides = list(args)
    pairs, n_jobs = run_options(overrides, 200, least=2, key="pairs")
    confidence, resamples = interval_options(overrides)
    out = pop_option(overrides, "out", None, str)
    name = pop_option(overrides, "claims", "claims", str)
    chosen = pop_option(overrides, "claim", None, str)
    for o in overrides:
        if o.startswith("scenario="):
            raise ConfigError("scenario", o.split("=", 1)[1], "each claim names its scenario;"
                              " choose claims with claim=<ids>")  # fmt: skip
    loaded = load_claims(claims_file(name))
    study = prepare(loaded, overrides, ids=id_option(chosen, loaded[2]))
    folder = output_folder(out, "claims")

    run_claims(study, pairs, n_jobs, confidence, resamples)
    print_claims(study)
    write_claims(study, folder)
    print(f"folder: {folder}")
    return 0
