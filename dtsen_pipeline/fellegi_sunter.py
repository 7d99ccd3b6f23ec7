"""Fellegi-Sunter record linkage with parameters estimated by EM from the candidate pairs
themselves: no labels, no ground truth.

Each candidate pair is a pattern of comparison levels (one per feature). Under conditional
independence, P(pattern | match) = prod m_f(level) and P(pattern | non-match) = prod u_f(level).
EM alternates the posterior match probability of each pattern with the m, u and the share of
matches lambda that maximise the likelihood. The EM runs on pattern counts (a few hundred
distinct patterns), so it costs milliseconds whatever the number of pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

EPS = 1e-6


@dataclass(frozen=True)
class Model:
    features: list[str]
    m: dict[str, dict[int, float]]
    u: dict[str, dict[int, float]]
    share: float  # lambda: share of candidate pairs that are matches
    iterations: int

    def weights(self) -> pd.DataFrame:
        """One row per (feature, level): m, u and the match weight log2(m/u)."""
        rows = [{"fitur": f, "level": lv, "m": self.m[f][lv], "u": self.u[f][lv], "bobot": float(np.log2(self.m[f][lv] / self.u[f][lv]))}
                for f in self.features for lv in sorted(self.m[f])]
        return pd.DataFrame(rows)

    @property
    def prior_weight(self) -> float:
        return float(np.log2(self.share / (1 - self.share)))

    def score_sql(self) -> str:
        """SQL for the total match weight of a pair whose level columns are named as the features."""
        parts = []
        for f in self.features:
            cases = " ".join(f"WHEN {lv} THEN {np.log2(self.m[f][lv] / self.u[f][lv]):.6f}" for lv in sorted(self.m[f]))
            parts.append(f"(CASE {f} {cases} ELSE 0 END)")
        return " + ".join(parts)


def chance_levels(patterns: pd.DataFrame, features: list[str], count: str = "n") -> dict[str, dict[int, float]]:
    """Level counts among random pairs (nearly all non-matches): how often each level occurs by
    chance."""
    u = {}
    for f in features:
        counts = patterns.groupby(f)[count].sum()
        u[f] = {int(lv): float(c) for lv, c in counts.items()}
    return u


def with_chance(model: Model, chance: dict[str, dict[int, float]], population: int) -> Model:
    """The model with its u-probabilities replaced by how often each level occurs among random
    pairs (:func:`chance_levels`), half a pair added per level so that a level never seen by chance
    is rare, not impossible. EM's own u describes the non-matches *inside the blocks*, which agree
    on the blocking fields (KK, village, birth date) far more often than strangers do; scoring with
    it understates how telling an exact name and birth date are, and overstates a shared KK. As in
    Splink: m from EM on the candidate pairs, u from random pairs, and then the prior of the same
    space as u: the chance that a random (record, Dukcapil person) pair is a match, 1 / the number
    of Dukcapil people (``population``)."""
    u = {}
    for f in model.features:
        raw = {lv: chance[f].get(lv, 0.0) + 0.5 for lv in model.m[f]}
        total = sum(raw.values())
        u[f] = {lv: c / total for lv, c in raw.items()}
    return Model(features=model.features, m=model.m, u=u, share=1.0 / max(population, 2), iterations=model.iterations)


def fit(patterns: pd.DataFrame, features: list[str], count: str = "n", max_iter: int = 500, tol: float = 1e-9,
        initial_share: float = 0.3) -> Model:
    """EM on ``patterns`` (one row per distinct combination of feature levels, ``count`` pairs).
    The match class starts with its mass on each feature's highest level; should EM still end
    with the classes swapped, they are swapped back, so 'match' is the class whose fields agree."""
    if patterns.empty:
        raise ValueError("no candidate pairs to estimate the model from")
    n = patterns[count].to_numpy(dtype=float)
    levels = {f: np.sort(patterns[f].unique()) for f in features}
    idx = {f: np.searchsorted(levels[f], patterns[f].to_numpy()) for f in features}
    m = {}
    u = {}
    for f in features:
        k = len(levels[f])
        ramp = np.arange(1, k + 1, dtype=float) ** 3  # agreement-heavy start for matches
        m[f] = ramp / ramp.sum()
        freq = np.bincount(idx[f], weights=n, minlength=k) + EPS
        u[f] = freq / freq.sum()
    share = initial_share
    previous = -np.inf
    iterations = 0
    for iterations in range(1, max_iter + 1):
        log_m = sum(np.log(m[f][idx[f]]) for f in features)
        log_u = sum(np.log(u[f][idx[f]]) for f in features)
        a = np.log(share) + log_m
        b = np.log(1 - share) + log_u
        top = np.maximum(a, b)
        log_total = top + np.log(np.exp(a - top) + np.exp(b - top))
        g = np.exp(a - log_total)
        likelihood = float((n * log_total).sum())
        share = float(np.clip((n * g).sum() / n.sum(), EPS, 1 - EPS))
        for f in features:
            k = len(levels[f])
            mm = np.bincount(idx[f], weights=n * g, minlength=k) + 1.0  # one pair's worth of prior per level
            m[f] = mm / mm.sum()
            uu = np.bincount(idx[f], weights=n * (1 - g), minlength=k) + EPS
            u[f] = uu / uu.sum()
        if abs(likelihood - previous) < tol * abs(likelihood):
            break
        previous = likelihood
    # EM may settle with the classes the other way round: the match class is the one in which most
    # features agree (their highest level) more often
    agree = sum(int(m[f][-1] > u[f][-1]) for f in features)
    if agree * 2 < len(features):
        m, u, share = u, m, 1 - share
    return Model(features=features,
                 m={f: {int(lv): float(p) for lv, p in zip(levels[f], m[f])} for f in features},
                 u={f: {int(lv): float(p) for lv, p in zip(levels[f], u[f])} for f in features},
                 share=share, iterations=iterations)
