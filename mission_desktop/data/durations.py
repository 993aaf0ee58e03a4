"""Fitting durations (service times, patience) by maximum likelihood with scipy.stats.

Service times: exponential, gamma, lognormal and normal are fitted by maximum likelihood
(``scipy.stats.<family>.fit``; the exponential, gamma and lognormal with their origin fixed
at 0), ranked by AIC, and checked with the Kolmogorov–Smirnov test (``scipy.stats.kstest``).
The best by AIC is chosen unless the KS test rejects it at the 1% level: then no shape fits
within sampling error and the recorded durations themselves (``empirical``) are used. The KS
p-value is approximate (the parameters came from the same data, which makes it lenient).

Patience is right-censored: a person who was served, or is still waiting at the end of the
log, was still patient after the time they waited. It is fitted with
``scipy.stats.CensoredData`` (abandonments exact, everyone else right-censored at their
wait) by maximum likelihood to the exponential, gamma and lognormal, ranked by AIC from the
censored log-likelihood (log density of each abandonment plus log survival of each
censored wait). No goodness-of-fit test is made for censored data.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

#: durations fitted at most (a fixed random sample of more; the fit is no better beyond)
MAX_FIT = 20_000
#: values kept in an empirical distribution (evenly spaced quantiles of more)
MAX_EMPIRICAL = 1000
ALPHA = 0.01

FAMILIES = ("exponential", "gamma", "lognormal", "normal")
_PLAIN = {
    "exponential": "memoryless: a case is as likely to end soon however long it has run",
    "gamma": "skewed to the right, less sharply than a lognormal",
    "lognormal": "skewed to the right: most are short, a few run much longer",
    "normal": "roughly symmetric around the mean",
}


@dataclass
class Candidate:
    family: str
    dist: dict | None  # the file's distribution object; None when it could not be fitted
    aic: float | None = None
    ks: float | None = None  # KS statistic D
    p: float | None = None  # KS p-value
    why_not: str = ""


@dataclass
class DurationFit:
    n: int  # durations in the log
    fitted_on: int  # of them, used for the fit
    mean: float
    sd: float
    candidates: list[Candidate]  # parametric, best AIC first; then the empirical
    chosen: Candidate
    explanation: str
    censored: int = 0  # patience: waits right-censored
    notes: list[str] = field(default_factory=list)


def _round(x: float) -> float:
    return float(f"{x:.6g}")


def _to_dist(family: str, params: tuple[float, ...]) -> dict:
    if family == "exponential":
        return {"dist": "exponential", "mean": _round(params[1])}
    if family == "gamma":
        a, _, scale = params
        return {"dist": "gamma", "mean": _round(a * scale), "sd": _round(math.sqrt(a) * scale)}
    if family == "lognormal":
        s, _, scale = params
        mean = scale * math.exp(s * s / 2)
        return {"dist": "lognormal", "mean": _round(mean), "sd": _round(mean * math.sqrt(math.expm1(s * s)))}
    loc, scale = params
    return {"dist": "normal", "mean": _round(loc), "sd": _round(scale)}


_SCIPY = {
    "exponential": (stats.expon, {"floc": 0}),
    "gamma": (stats.gamma, {"floc": 0}),
    "lognormal": (stats.lognorm, {"floc": 0}),
    "normal": (stats.norm, {}),
}


def sample(values: np.ndarray, limit: int = MAX_FIT) -> np.ndarray:
    """At most ``limit`` of ``values``, a fixed random choice (the same every run)."""
    values = np.asarray(values, dtype=float)
    if len(values) <= limit:
        return values
    return np.random.default_rng(20240401).choice(values, size=limit, replace=False)


def empirical(values: np.ndarray) -> dict:
    """An ``empirical`` distribution: the values, or evenly spaced quantiles of many."""
    values = np.sort(np.asarray(values, dtype=float))
    if len(values) > MAX_EMPIRICAL:
        values = np.quantile(values, (np.arange(MAX_EMPIRICAL) + 0.5) / MAX_EMPIRICAL)
    return {"dist": "empirical", "values": [_round(max(v, 0.0)) for v in values]}


def fit_service_times(values: np.ndarray, n: int | None = None) -> DurationFit:
    """``values``: the durations (already a sample of at most :data:`MAX_FIT` where the
    log had more, ``n`` of them)."""
    x = np.asarray(values, dtype=float)
    n = len(x) if n is None else n
    mean, sd = float(x.mean()), float(x.std(ddof=1)) if len(x) > 1 else 0.0
    candidates: list[Candidate] = []
    zeros = int((x <= 0).sum())
    for family in FAMILIES:
        if len(x) < 2 or sd == 0:
            candidates.append(Candidate(family, None, why_not="too few distinct durations"))
            continue
        if zeros and family in ("gamma", "lognormal"):
            candidates.append(Candidate(family, None, why_not=f"{zeros:,} durations are 0"))
            continue
        rv, fixed = _SCIPY[family]
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                params = rv.fit(x, **fixed)
                frozen = rv(*params)
                loglik = float(np.sum(frozen.logpdf(x)))
                test = stats.kstest(x, frozen.cdf)
            except (ValueError, RuntimeError, FloatingPointError) as e:
                candidates.append(Candidate(family, None, why_not=f"did not converge ({e})"))
                continue
        k = len(params) - len(fixed)
        if not math.isfinite(loglik):
            candidates.append(Candidate(family, None, why_not="the likelihood is zero somewhere"))
            continue
        candidates.append(
            Candidate(family, _to_dist(family, params), 2 * k - 2 * loglik,
                      float(test.statistic), float(test.pvalue))
        )
    ranked = sorted((c for c in candidates if c.aic is not None), key=lambda c: c.aic)
    unfitted = [c for c in candidates if c.aic is None]
    emp = Candidate("empirical", empirical(x))
    chosen, explanation = _choose(ranked, emp, mean)
    return DurationFit(n, len(x), mean, sd, ranked + unfitted + [emp], chosen, explanation)


#: shapes within this much AIC of the lowest are as well supported: the simplest is taken
AIC_TIE = 2.0


def _simplest(ranked: list[Candidate]) -> tuple[Candidate, str]:
    """The chosen shape among ``ranked`` (lowest AIC first) and why, in words: the one
    parameter exponential when it is within :data:`AIC_TIE` of the lowest, else the lowest."""
    best = ranked[0]
    for c in ranked[1:]:
        if c.family == "exponential" and c.aic - best.aic < AIC_TIE:
            return c, (
                f"within {AIC_TIE:g} AIC of the lowest ({best.family}, {c.aic - best.aic:.1f} "
                "lower), so the simpler one-parameter shape is taken"
            )
    if len(ranked) > 1:
        return best, f"lowest AIC, {ranked[1].aic - best.aic:.1f} below the next, {ranked[1].family}"
    return best, "the only shape fitted"


def _choose(ranked: list[Candidate], emp: Candidate, mean: float) -> tuple[Candidate, str]:
    if not ranked:
        return emp, "No shape could be fitted, so the recorded durations are resampled."
    best, why = _simplest(ranked)
    if best.p is not None and best.p < ALPHA:
        return emp, (
            f"The best shape, {best.family} ({why}), still differs from the data "
            f"by more than chance would explain (KS D = {best.ks:.3f}, p < {ALPHA:g}), so the "
            "recorded durations themselves are resampled (empirical)."
        )
    return best, (
        f"{best.family.capitalize()} is chosen ({why}) and the KS test finds no "
        f"clear misfit (D = {best.ks:.3f}, p = {best.p:.2f}): durations are "
        f"{_PLAIN[best.family]}, with mean {mean:.3g}."
    )


def fit_patience(gave_up: np.ndarray, waited: np.ndarray) -> DurationFit | None:
    """``gave_up``: how long each abandoning person waited; ``waited``: the waits of
    everyone else (right-censored). None without an abandonment."""
    x = np.asarray(gave_up, dtype=float)
    if len(x) == 0:
        return None
    c = np.asarray(waited, dtype=float)
    c = c[c > 0]  # a wait of 0 says nothing about patience
    notes: list[str] = []
    if (x <= 0).any():
        notes.append(f"{int((x <= 0).sum()):,} gave up at once; counted at a tiny wait")
        x = np.maximum(x, 1e-9 * max(float(x.max()), 1.0))
    data = stats.CensoredData(uncensored=x, right=c)
    candidates: list[Candidate] = []
    for family in ("exponential", "gamma", "lognormal"):
        rv, fixed = _SCIPY[family]
        if family == "exponential":  # closed form: total time at risk / abandonments
            params = (0.0, (x.sum() + c.sum()) / len(x))
        else:
            if len(x) < 2:
                candidates.append(Candidate(family, None, why_not="one abandonment only"))
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    params = rv.fit(data, **fixed)
                except (ValueError, RuntimeError, FloatingPointError) as e:  # the optimiser gave up
                    candidates.append(Candidate(family, None, why_not=f"did not converge ({e})"))
                    continue
        frozen = rv(*params)
        with np.errstate(all="ignore"):
            loglik = float(np.sum(frozen.logpdf(x)) + np.sum(frozen.logsf(c)))
        k = len(params) - len(fixed)
        if not math.isfinite(loglik):
            candidates.append(Candidate(family, None, why_not="the likelihood is zero somewhere"))
            continue
        candidates.append(Candidate(family, _to_dist(family, params), 2 * k - 2 * loglik))
    ranked = sorted((c_ for c_ in candidates if c_.aic is not None), key=lambda c_: c_.aic)
    best, why = _simplest(ranked)
    explanation = (
        f"{best.family.capitalize()} is chosen ({why}), from {len(x):,} people who "
        f"gave up and {len(c):,} who were still waiting when served or when the log ended "
        f"(censored: they were at least that patient); mean patience "
        f"{best.dist['mean']:.3g}."
    )
    return DurationFit(
        len(x) + len(c), len(x) + len(c), float(x.mean()), float(x.std()) if len(x) > 1 else 0.0,
        ranked + [c_ for c_ in candidates if c_.aic is None], best, explanation,
        censored=len(c), notes=notes,
    )
