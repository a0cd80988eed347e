"""Paired statistics of a counterfactual on common random numbers, and the verdict rule.

Replicate k of the baseline and of the counterfactual share seed ``seed + k``, so
their difference is the counterfactual's effect on that draw of the random
numbers. :func:`paired_summary` gives the mean paired difference (counterfactual
minus baseline) with a seeded bootstrap confidence interval (BCa, percentile if
BCa degenerates), the Wilcoxon signed-rank test of the differences and the
two-sample Kolmogorov-Smirnov test of the two distributions. :func:`verdict`
applies the claims' rule: a claim is supported when the interval excludes zero
in the claimed direction.
"""

from __future__ import annotations

import math

import numpy as np

SUPPORTED = "supported"
NOT_SUPPORTED = "not supported"
NOT_EXPRESSIBLE = "not expressible"
DIRECTIONS = ("lower", "higher")


def _bootstrap(d: np.ndarray, confidence: float, resamples: int, seed: int, method: str):
    from scipy import stats

    ci = stats.bootstrap(
        (d,),
        np.mean,
        confidence_level=confidence,
        n_resamples=resamples,
        method=method,
        rng=np.random.default_rng(seed),
    ).confidence_interval
    return float(ci.low), float(ci.high)


def paired_summary(
    baseline: np.ndarray,
    variant: np.ndarray,
    *,
    seed: int = 0,
    confidence: float = 0.95,
    resamples: int = 9999,
) -> dict:
    """Paired mean difference (variant - baseline), bootstrap CI, Wilcoxon and KS tests."""
    from scipy import stats

    base = np.asarray(baseline, dtype=float)
    var = np.asarray(variant, dtype=float)
    d = var - base
    out = {
        "runs": len(d),
        "baseline_mean": float(base.mean()),
        "variant_mean": float(var.mean()),
        "mean_difference": float(d.mean()),
        "confidence": confidence,
    }
    if len(d) < 2 or np.ptp(d) == 0.0:  # no spread: the interval is the point itself
        out["ci_low"] = out["ci_high"] = float(d[0]) if len(d) else float("nan")
    else:
        low, high = _bootstrap(d, confidence, resamples, seed, "BCa")
        if not (np.isfinite(low) and np.isfinite(high)):  # BCa degenerate: percentile
            low, high = _bootstrap(d, confidence, resamples, seed, "percentile")
        out["ci_low"], out["ci_high"] = low, high
    if np.any(d != 0.0):
        w = stats.wilcoxon(d)
        out["wilcoxon_statistic"], out["wilcoxon_p"] = float(w.statistic), float(w.pvalue)
    else:  # identical runs: no evidence of any difference
        out["wilcoxon_statistic"], out["wilcoxon_p"] = 0.0, 1.0
    ks = stats.ks_2samp(base, var)
    out["ks_statistic"], out["ks_p"] = float(ks.statistic), float(ks.pvalue)
    return out


def verdict(ci_low: float, ci_high: float, expect: str) -> tuple[str, str]:
    """``supported`` when the interval excludes zero in the ``expect``-ed direction
    (``lower``: the counterfactual's outcome below the baseline's; ``higher``: above);
    else ``not supported``, with the reason in words."""
    if expect not in DIRECTIONS:
        raise ValueError(f"expect must be one of {DIRECTIONS}, not {expect!r}")
    ci = f"[{ci_low:+.4g}, {ci_high:+.4g}]"
    if math.isnan(ci_low) or math.isnan(ci_high):
        return NOT_SUPPORTED, "no interval (no paired runs)"
    below, above = ci_high < 0.0, ci_low > 0.0
    if (below and expect == "lower") or (above and expect == "higher"):
        return SUPPORTED, f"CI {ci} excludes zero: {expect}, as claimed"
    if below or above:
        other = "lower" if below else "higher"
        return NOT_SUPPORTED, f"CI {ci} excludes zero the other way: {other}, not {expect}"
    return NOT_SUPPORTED, f"CI {ci} includes zero: no effect shown"
