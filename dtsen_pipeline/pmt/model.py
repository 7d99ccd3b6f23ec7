"""Candidate PMT models, their comparison by cross-validation grouped by region, and the metrics
that judge a ranking: R², Spearman, and the inclusion and exclusion errors at the desil 1-4 cut.

The target is log monthly per-capita consumption; families are weighted by survey weight times
members, so the fit is about individuals, as the population-weighted deciles are. Every random
choice has a fixed seed: the same survey gives the same model and the same version.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from threadpoolctl import threadpool_limits
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler

from .features import GROUP, TARGET, WEIGHT, split_columns

SEED = 20250101
FOLDS = 5
CUT = 4  # desil 1-4: the PKH range, where inclusion and exclusion errors are measured


def _preprocess(categorical: list[str], numeric: list[str], linear: bool) -> ColumnTransformer:
    """Missing values (a family some source describes only in part) are imputed from the survey:
    numbers by the median with a missing-indicator column, categories by the most frequent value.
    For the linear model numbers enter as log(1 + x) (counts, areas and turnover are skewed),
    standardised, and categories one-hot; the trees take categories as codes (native categorical
    splits), first, so that their columns are 0..len(categorical)-1."""
    impute_number = SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)
    impute_category = SimpleImputer(strategy="most_frequent", keep_empty_features=True)
    if linear:
        return ColumnTransformer([
            ("kategori", make_pipeline(impute_category, OneHotEncoder(handle_unknown="ignore", min_frequency=5, sparse_output=False)),
             categorical),
            ("angka", make_pipeline(impute_number, FunctionTransformer(np.log1p), StandardScaler()), numeric),
        ])
    return ColumnTransformer([
        ("kategori", make_pipeline(impute_category, OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)),
         categorical),
        ("angka", impute_number, numeric),
    ])


def candidates(categorical: list[str], numeric: list[str]) -> dict[str, Pipeline]:
    """The models compared: a regularised linear model and gradient-boosted trees."""
    return {
        "ridge": Pipeline([("siap", _preprocess(categorical, numeric, linear=True)),
                           ("model", RidgeCV(alphas=np.logspace(-2, 3, 16)))]),
        "gradient_boosting": Pipeline([("siap", _preprocess(categorical, numeric, linear=False)),
                                       ("model", HistGradientBoostingRegressor(
                                           categorical_features=list(range(len(categorical))),
                                           max_iter=120, learning_rate=0.12, max_leaf_nodes=24, min_samples_leaf=30,
                                           l2_regularization=1.0, early_stopping=False, random_state=SEED))]),
    }


def weighted_deciles(value: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Population-weighted deciles with the pipeline's rule (sql/rank/macros.sql): a family's decile
    is where the midpoint of its weight falls on the cumulative weight; equal values share one."""
    frame = pd.DataFrame({"v": value, "w": weight})
    block = frame.groupby("v", sort=True)["w"].sum()
    cum = block.cumsum()
    midpoint = (cum - block / 2) / block.sum()
    desil = np.minimum(10, np.floor(10 * midpoint.to_numpy() + 1e-12).astype(int) + 1)
    return pd.Series(desil, index=block.index).reindex(frame["v"]).to_numpy()


def ranking_metrics(actual_log: np.ndarray, predicted_log: np.ndarray, weight: np.ndarray) -> dict[str, float]:
    """R² (weighted, log scale), Spearman, and the errors at the desil 1-4 cut: inclusion = share of
    the individuals placed in desil 1-4 who truly are above it; exclusion = share of the truly
    desil 1-4 individuals placed above it."""
    true_d = weighted_deciles(actual_log, weight)
    pred_d = weighted_deciles(predicted_log, weight)
    placed, poor = pred_d <= CUT, true_d <= CUT
    return {
        "r2": float(r2_score(actual_log, predicted_log, sample_weight=weight)),
        "spearman": float(spearmanr(actual_log, predicted_log).statistic),
        "galat_inklusi": float(weight[placed & ~poor].sum() / weight[placed].sum()) if placed.any() else float("nan"),
        "galat_eksklusi": float(weight[poor & ~placed].sum() / weight[poor].sum()) if poor.any() else float("nan"),
    }


@dataclass
class Comparison:
    chosen: str
    models: dict[str, Pipeline]
    metrics: dict[str, dict[str, float]]  # per candidate, out-of-fold
    out_of_fold: dict[str, np.ndarray]  # per candidate, log predictions of held-out families
    training: pd.DataFrame  # the survey families used, in order
    categorical: list[str]
    numeric: list[str]


def usable(survey: pd.DataFrame) -> pd.Series:
    """Survey families a model can learn from: positive consumption, weight and members."""
    return (survey[TARGET] > 0) & (survey[WEIGHT] > 0) & (survey["jumlah_anggota"] > 0)


def compare(survey: pd.DataFrame) -> Comparison:
    """Cross-validate every candidate with folds grouped by kecamatan (a model is judged on areas
    it has not seen), choose the best out-of-fold R² (ties: the simpler, listed first), and refit
    each on all usable families. Single-threaded (OpenMP and BLAS): the same survey then gives
    bit-identical models on any machine, and the trees do not stall when the cores are busy
    (OpenMP threads spin-waiting on an oversubscribed machine made them 10x slower)."""
    with threadpool_limits(limits=1):
        return _compare(survey)


def _compare(survey: pd.DataFrame) -> Comparison:
    data = survey[usable(survey)].sort_values("id_sumber", kind="stable").reset_index(drop=True)
    categorical, numeric = split_columns(data)
    X = data[categorical + numeric]
    X = X.astype({c: object for c in categorical})
    y = np.log(data[TARGET].to_numpy(float))
    w = (data[WEIGHT] * data["jumlah_anggota"]).to_numpy(float)
    groups = data[GROUP].fillna(data["kode_kabupaten"]).fillna("?").to_numpy()
    n_groups = len(np.unique(groups))
    if n_groups < 2 or len(data) < 50:
        raise ValueError(f"the survey has {len(data)} usable families in {n_groups} kecamatan: too few to train and judge a PMT model "
                         "(at least 50 families in 2 kecamatan)")
    folds = list(GroupKFold(n_splits=min(FOLDS, n_groups), shuffle=True, random_state=SEED).split(X, y, groups))
    metrics, oof, fitted = {}, {}, {}
    for name, model in candidates(categorical, numeric).items():
        prediction = np.empty(len(y))
        for train, test in folds:
            model.fit(X.iloc[train], y[train], model__sample_weight=w[train])
            prediction[test] = model.predict(X.iloc[test])
        oof[name] = prediction
        metrics[name] = ranking_metrics(y, prediction, w)
        fitted[name] = model.fit(X, y, model__sample_weight=w)
    best = max(metrics, key=lambda name: round(metrics[name]["r2"], 4))  # max keeps the first of equals
    return Comparison(best, fitted, metrics, oof, data, categorical, numeric)


def predict_log(model: Pipeline, features: pd.DataFrame, categorical: list[str], numeric: list[str]) -> np.ndarray:
    X = features[categorical + numeric].astype({c: object for c in categorical})
    return model.predict(X)
