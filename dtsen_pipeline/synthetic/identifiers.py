"""NIK and KK numbers built by the real rules, vectorised.

NIK = province (2) + regency (2) + kecamatan (2) of first registration + birth date DDMMYY with
40 added to the day for women + serial (4, from 0001, unique within the first 12 digits).
KK  = issuing kecamatan (6) + issue date DDMMYY + serial (4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def _prefix12(region: np.ndarray, dates: np.ndarray, add_day: np.ndarray | int = 0) -> np.ndarray:
    """The first 12 digits as a number: 6-digit kecamatan code, then DDMMYY."""
    codes, uniques = pd.factorize(np.asarray(region, dtype=object))
    ts = pd.DatetimeIndex(dates)
    ddmmyy = (ts.day.to_numpy() + add_day) * 10_000 + ts.month.to_numpy() * 100 + ts.year.to_numpy() % 100
    return np.asarray(uniques, dtype=np.int64)[codes] * 1_000_000 + ddmmyy


def _with_serials(prefix12: np.ndarray, taken: pd.Series | None) -> pd.arrays.ArrowExtensionArray:
    """Append 4-digit serials so that every (prefix12 + serial) is new.

    ``taken`` holds existing 16-digit numbers; serials continue after the highest one used for
    the same prefix, so numbers stay unique as the world grows quarter by quarter.
    """
    serial = pd.Series(prefix12).groupby(prefix12, sort=False).cumcount().to_numpy() + 1
    if taken is not None and len(taken):
        number = taken.astype(np.int64).to_numpy()
        used = pd.Series(number % 10_000).groupby(number // 10_000).max()
        serial = serial + pd.Series(prefix12).map(used).fillna(0).astype(np.int64).to_numpy()
    if serial.max(initial=0) > 9999:
        raise OverflowError("more than 9999 numbers for one region and date")
    return padded_ids("", prefix12 * 10_000 + serial, digits=16)


def make_nik(reg_kec: np.ndarray, birth: np.ndarray, sex: np.ndarray, taken: pd.Series | None = None) -> pd.arrays.ArrowExtensionArray:
    """NIKs for people with first-registration kecamatan, birth date and sex ('L'/'P')."""
    female = (np.asarray(sex) == "P").astype(int) * 40
    return _with_serials(_prefix12(reg_kec, birth, female), taken)


def make_kk(issue_kec: np.ndarray, issued: np.ndarray, taken: pd.Series | None = None) -> pd.arrays.ArrowExtensionArray:
    """KK numbers issued in a kecamatan on a date."""
    return _with_serials(_prefix12(issue_kec, issued), taken)


def padded_ids(prefix: str, ids, valid: np.ndarray | None = None, digits: int = 12) -> pd.arrays.ArrowExtensionArray:
    """Record ids as text: ``prefix`` + the integer zero-padded to ``digits`` (null where not
    ``valid``). Built as one Arrow buffer of fixed-width rows, with no Python string per id."""
    ids = np.where(valid, ids, 0) if valid is not None else np.asarray(ids, dtype=np.int64)
    if len(ids) and (ids.min() < 0 or ids.max() >= 10**digits):
        raise ValueError(f"ids must be in [0, 10**{digits})")
    n, head = len(ids), len(prefix)
    columns = np.empty((digits, n), dtype=np.uint8)  # digit k of every id; 32-bit arithmetic is fast
    for end in range(digits, 0, -6):
        start = max(end - 6, 0)
        rest = ((ids // 10 ** (digits - end)) % 10 ** (end - start)).astype(np.uint32)
        for k in range(end - 1, start - 1, -1):
            quotient = rest // 10
            columns[k] = rest - quotient * 10
            rest = quotient
    text = np.empty((n, head + digits), dtype=np.uint8)
    text[:, :head] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    text[:, head:] = columns.T + 48
    offsets = np.arange(n + 1, dtype=np.int32) * (head + digits)  # < 2**31 bytes: ~100 M ids
    bitmap = None if valid is None else pa.py_buffer(np.packbits(np.asarray(valid, dtype=bool), bitorder="little"))
    null_count = 0 if valid is None else int(n - np.count_nonzero(valid))
    return pd.arrays.ArrowExtensionArray(pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text), bitmap, null_count))
