"""The linear PMT model (ridge) as one DuckDB SQL expression, so that millions of families are
scored inside the database instead of through pandas and scikit-learn row blocks.

The ridge pipeline is additive: intercept + for each category column the coefficient of its
(imputed) value's one-hot column + for each number coef * (log1p(imputed x) - mean) / scale (and
the same for its missing-indicator). The expression is built from the fitted pipeline's
attributes; `peringkat` verifies it against the pipeline's own predictions on a sample before
using it, and scores in Python when they differ (or when the model is not linear)."""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import Pipeline


def _literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _number(value: float) -> str:
    return repr(float(value))


def linear_sql(model: Pipeline, categorical: list[str], numeric: list[str], alias: str = "f") -> str | None:
    """SQL for the model's log prediction over the features in ``alias``, or None when the model
    is not the linear pipeline of `model.candidates`."""
    steps = dict(model.named_steps)
    regressor, prepare = steps.get("model"), steps.get("siap")
    if regressor is None or not hasattr(regressor, "coef_") or prepare is None:
        return None
    coef = np.asarray(regressor.coef_, dtype=float).ravel()
    terms, position = [_number(regressor.intercept_)], 0
    blocks = dict((name, (transformer, columns)) for name, transformer, columns in prepare.transformers_)
    # categories: imputer (most frequent) then one-hot (infrequent values share the last column)
    category_pipe, category_columns = blocks["kategori"]
    imputer, onehot = category_pipe.named_steps["simpleimputer"], category_pipe.named_steps["onehotencoder"]
    if list(category_columns) != list(categorical) or onehot.drop_idx_ is not None:
        return None
    infrequent = onehot.infrequent_categories_ if hasattr(onehot, "infrequent_categories_") else [None] * len(categorical)
    for i, column in enumerate(categorical):
        value = f"coalesce(CAST({alias}.{column} AS VARCHAR), {_literal(imputer.statistics_[i])})"
        rare = set() if infrequent[i] is None else {str(v) for v in infrequent[i]}
        frequent = [c for c in onehot.categories_[i] if str(c) not in rare]
        cases = [f"WHEN {_literal(c)} THEN {_number(coef[position + k])}" for k, c in enumerate(frequent)]
        position += len(frequent)
        if rare:
            cases += [f"WHEN {_literal(c)} THEN {_number(coef[position])}" for c in sorted(rare)]
            position += 1
        terms.append(f"(CASE {value} {' '.join(cases)} ELSE 0 END)")  # unknown category: ignored, as the encoder does
    # numbers: median imputation (+ indicators), log1p, standardisation
    number_pipe, number_columns = blocks["angka"]
    if list(number_columns) != list(numeric):
        return None
    imputer, scaler = number_pipe.named_steps["simpleimputer"], number_pipe.named_steps["standardscaler"]
    values = [f"coalesce(CAST({alias}.{column} AS DOUBLE), {_number(imputer.statistics_[j])})" for j, column in enumerate(numeric)]
    if imputer.indicator_ is not None:
        values += [f"CAST({alias}.{numeric[j]} IS NULL AS DOUBLE)" for j in imputer.indicator_.features_]
    for k, value in enumerate(values):
        scale = scaler.scale_[k] if scaler.scale_ is not None else 1.0
        terms.append(f"{_number(coef[position + k] / scale)} * (ln(1 + {value}) - {_number(scaler.mean_[k])})")
    position += len(values)
    if position != len(coef):
        return None  # a layout this code does not know: let the pipeline score
    return "(" + "\n + ".join(terms) + ")"
