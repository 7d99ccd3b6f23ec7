"""Compact column types of the world and the registries.

Millions of people as Python ``str`` objects cost ~70 bytes a value and a conversion each time
they are written. The world and the registries therefore hold
* small vocabularies (relation, sex, occupation, region codes, error types) as categoricals with
  fixed, sorted categories (one byte or two a value; sorting by them sorts alphabetically), and
* unique text (NIK, names, KK numbers, addresses) as Arrow strings,
which the writers hand to Arrow without converting a value at a time. Simulation steps that work
on a few records at a time take plain object arrays from them (``Series.to_numpy(dtype=object)``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .config import ERROR_TYPES
from .names import STYLES
from .welfare import OCCUPATIONS

TEXT = pd.ArrowDtype(pa.string())
RELATIONS = ("ANAK", "CUCU", "FAMILI LAIN", "ISTRI", "KEPALA KELUARGA", "ORANG TUA", "SUAMI")
SEXES = ("L", "P")
ERROR_KINDS = ("none", "not_in_dukcapil", *ERROR_TYPES)


def vocabulary(values) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(pd.Index(sorted(values), dtype=object))


def world_dtypes(kecamatan, desa, kabupaten) -> dict[str, pd.CategoricalDtype | pd.ArrowDtype]:
    """Column types of a world's persons and families and of its registries' records, by column."""
    kec, kab = vocabulary(kecamatan), vocabulary(kabupaten)
    return {
        # persons
        "relation": vocabulary(RELATIONS), "sex": vocabulary(SEXES), "occupation": vocabulary(OCCUPATIONS),
        "reg_kec": kec, "nik": TEXT, "name": TEXT, "kk_last": TEXT,
        # families
        "kec": kec, "kab": kab, "prov": vocabulary({k[:2] for k in kabupaten}), "desa": vocabulary(desa),
        "style": vocabulary(STYLES), "alamat": TEXT, "kk": TEXT,
        # registry records
        "hubungan_keluarga": vocabulary(RELATIONS), "jenis_kelamin": vocabulary(SEXES), "pekerjaan": vocabulary(OCCUPATIONS),
        "nama": TEXT, "jenis_galat": vocabulary(ERROR_KINDS), "no_kk": TEXT, "kode_desa": vocabulary(desa),
    }


def compact(frame: pd.DataFrame, dtypes: dict) -> pd.DataFrame:
    """``frame`` with the columns named in ``dtypes`` in their compact type; a value outside a
    vocabulary is an error, not a silent missing value."""
    out = {}
    for col in frame.columns:
        values, dtype = frame[col], dtypes.get(col)
        if dtype is None or values.dtype == dtype:
            out[col] = values
        elif isinstance(dtype, pd.CategoricalDtype):
            cat = pd.Categorical(np.asarray(values, dtype=object), dtype=dtype)
            unknown = (cat.codes < 0) & values.notna().to_numpy()
            if unknown.any():
                raise ValueError(f"{col}: values outside its vocabulary: {sorted(set(values[unknown]))[:5]}")
            out[col] = pd.Series(cat, index=frame.index)
        else:
            out[col] = pd.Series(pd.array(pa.array(np.asarray(values, dtype=object), type=pa.string()), dtype=dtype), index=frame.index)
    return pd.DataFrame(out, index=frame.index)


def take_text(values: pd.Series, rows: np.ndarray, valid: np.ndarray | None = None) -> pd.arrays.ArrowExtensionArray:
    """Arrow strings ``values[rows]`` (positions), null where not ``valid``, without Python strings."""
    array = pa.chunked_array(pa.array(values.array)).take(pa.array(np.asarray(rows, dtype=np.int64)))
    if valid is not None:
        array = pc.if_else(pa.array(np.asarray(valid, dtype=bool)), array, pa.scalar(None, pa.string()))
    return pd.arrays.ArrowExtensionArray(array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array)


def take_labels(values: pd.Series, rows: np.ndarray) -> pd.Categorical:
    """Categorical ``values[rows]`` (positions)."""
    return values.array.take(np.asarray(rows, dtype=np.int64))


def is_in(values: pd.Series, labels) -> np.ndarray:
    """``values.isin(labels)`` for a categorical column, on its codes."""
    categorical = values.array
    return np.isin(categorical.codes, categorical.categories.get_indexer(list(labels)))
