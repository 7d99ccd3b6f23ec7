"""NIK and KK numbers built by the real rules, vectorised.

NIK = province (2) + regency (2) + kecamatan (2) of first registration + birth date DDMMYY with
40 added to the day for women + serial (4, from 0001, unique within the first 12 digits).
KK  = issuing kecamatan (6) + issue date DDMMYY + serial (4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


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
