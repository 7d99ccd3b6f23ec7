"""NIK and KK numbers built by the real rules, vectorised.

NIK = province (2) + regency (2) + kecamatan (2) of first registration + birth date DDMMYY with
40 added to the day for women + serial (4, from 0001, unique within the first 12 digits).
KK  = issuing kecamatan (6) + issue date DDMMYY + serial (4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _ddmmyy(dates: np.ndarray, add_day: np.ndarray | int = 0) -> pd.Series:
    ts = pd.DatetimeIndex(dates)
    day = ts.day.to_numpy() + add_day
    return pd.Series(
        np.char.zfill(day.astype(str), 2).astype(object)
        + np.char.zfill(ts.month.to_numpy().astype(str), 2).astype(object)
        + np.char.zfill((ts.year.to_numpy() % 100).astype(str), 2).astype(object)
    )


def _with_serials(prefix12: pd.Series, taken: pd.Series | None) -> np.ndarray:
    """Append 4-digit serials so that every (prefix12 + serial) is new.

    ``taken`` holds existing 16-digit numbers; serials continue after the highest one used for
    the same prefix, so numbers stay unique as the world grows quarter by quarter.
    """
    prefix12 = prefix12.reset_index(drop=True)
    serial = prefix12.groupby(prefix12, sort=False).cumcount().to_numpy() + 1
    if taken is not None and len(taken):
        used = taken.str.slice(12, 16).astype(int).groupby(taken.str.slice(0, 12).to_numpy()).max()
        serial = serial + prefix12.map(used).fillna(0).astype(int).to_numpy()
    if serial.max(initial=0) > 9999:
        raise OverflowError("more than 9999 numbers for one region and date")
    return (prefix12 + pd.Series(np.char.zfill(serial.astype(str), 4))).to_numpy(dtype=object)


def make_nik(reg_kec: np.ndarray, birth: np.ndarray, sex: np.ndarray, taken: pd.Series | None = None) -> np.ndarray:
    """NIKs for people with first-registration kecamatan, birth date and sex ('L'/'P')."""
    female = (np.asarray(sex) == "P").astype(int) * 40
    prefix = pd.Series(np.asarray(reg_kec, dtype=object)) + _ddmmyy(birth, female)
    return _with_serials(prefix, taken)


def make_kk(issue_kec: np.ndarray, issued: np.ndarray, taken: pd.Series | None = None) -> np.ndarray:
    """KK numbers issued in a kecamatan on a date."""
    prefix = pd.Series(np.asarray(issue_kec, dtype=object)) + _ddmmyy(issued)
    return _with_serials(prefix, taken)
