"""Identity errors injected into source person records, the way they occur in the field.

Each record carries at most one error type (`jenis_galat` in the truth). Types that only apply to
some records (women's day without +40 only to women, a defaulted birth date only to people aged
50+, a day/month swap only when the day is 12 or less, name changes only where the name has the
part to change) are drawn among eligible records, so the overall rate still matches the config.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import names as name_variants

PLACEHOLDER_NIKS = np.array(["0000000000000000", "1111111111111111", "1234567890123456", "9999999999999999", "0", "-"], dtype=object)


def assign(rng: np.random.Generator, rates: dict[str, float], eligible: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Choose an error type (or 'none') for each of n records."""
    kinds = np.full(n, "none", dtype=object)
    free = np.ones(n, dtype=bool)
    for kind, rate in rates.items():
        ok = free & eligible.get(kind, np.ones(n, dtype=bool))
        share = ok.sum() / max(n, 1)
        if share == 0:
            continue
        pick = ok & (rng.random(n) < min(rate / share, 1.0))
        kinds[pick] = kind
        free &= ~pick
    return kinds


def eligibility(rec: pd.DataFrame, at: np.datetime64) -> dict[str, np.ndarray]:
    birth = pd.DatetimeIndex(rec["tgl_lahir"])
    age = (at - rec["tgl_lahir"].to_numpy()) / np.timedelta64(1, "D") / 365.25
    codes, uniques = pd.factorize(rec["nama"].astype(str))  # names repeat: test each distinct one once
    names = pd.Series(uniques)

    def by_name(test) -> np.ndarray:
        return np.asarray(test(names), dtype=bool)[codes]

    has_nik = rec["nik"].notna().to_numpy()
    return {
        "nik_digit": has_nik, "nik_swap": has_nik, "nik_spreadsheet": has_nik, "nik_other_person": has_nik,
        "nik_female_day": has_nik & (rec["jenis_kelamin"] == "P").to_numpy(),
        "birthdate_default": age >= 50,
        "name_title": age >= 25,  # hajj titles and degrees belong to adults
        "birthdate_swapped": (birth.day <= 12) & (birth.day != birth.month),
        "name_old_spelling": by_name(lambda n: n.str.contains("U|J|C|NY|SY|KH|Y", regex=True)),
        "name_abbreviation": by_name(lambda n: n.str.contains(" ") | n.str.startswith(("MUHAMMAD", "SITI", "ABDUL"))),
        "name_spelling": by_name(lambda n: [name_variants.SPELLING_CHANGEABLE.search(x) is not None for x in n]),
    }


def _digits(nik: np.ndarray) -> np.ndarray:
    return np.frombuffer("".join(nik).encode("ascii"), dtype=np.uint8).reshape(-1, 16).copy() - 48


def _join(d: np.ndarray) -> np.ndarray:
    raw = (d + 48).astype(np.uint8).tobytes().decode("ascii")
    return np.array([raw[i:i + 16] for i in range(0, len(raw), 16)], dtype=object)


def apply(rng: np.random.Generator, rec: pd.DataFrame, kinds: np.ndarray) -> pd.DataFrame:
    """Apply the chosen errors to nik, nama and tgl_lahir of ``rec``; returns a copy with the
    column ``jenis_galat``: the kind, or 'none' where the change left the value as it was (a
    name with nothing to abbreviate), so the truth never claims an error that is not there.

    ``rec`` holds the true values and a ``fid`` column (the true family) used to give
    nik_other_person the NIK of a family member where one exists.
    """
    rec = rec.copy()
    nik = rec["nik"].to_numpy(dtype=object).copy()

    for kind in ("nik_digit", "nik_swap", "nik_female_day", "nik_spreadsheet"):
        m = np.flatnonzero(kinds == kind)
        if not len(m):
            continue
        d = _digits(nik[m])
        rows = np.arange(len(m))
        if kind == "nik_digit":
            pos = rng.integers(0, 16, len(m))
            d[rows, pos] = (d[rows, pos] + rng.integers(1, 10, len(m))) % 10
        elif kind == "nik_swap":
            # swap an adjacent pair of different digits (the first differing pair after a random start)
            start = rng.integers(0, 15, len(m))
            differs = d[:, :-1] != d[:, 1:]
            order = (np.arange(15)[None, :] - start[:, None]) % 15
            pos = np.argmin(np.where(differs, order, 99), axis=1)
            a = d[rows, pos].copy()
            d[rows, pos] = d[rows, pos + 1]
            d[rows, pos + 1] = a
        elif kind == "nik_female_day":
            day = d[:, 6] * 10 + d[:, 7] - 40
            d[:, 6], d[:, 7] = day // 10, day % 10
        else:  # spreadsheet kept 15 significant digits: the last digit is lost
            d[:, 15] = 0
        nik[m] = _join(d)
    m = kinds == "nik_missing"
    nik[m] = None
    m = kinds == "nik_placeholder"
    nik[m] = PLACEHOLDER_NIKS[rng.integers(0, len(PLACEHOLDER_NIKS), m.sum())]
    m = np.flatnonzero(kinds == "nik_other_person")
    if len(m):
        nik[m] = _someone_elses_nik(rng, rec, m)
    rec["nik"] = nik

    birth = rec["tgl_lahir"].to_numpy().astype("datetime64[D]")
    m = kinds == "birthdate_default"
    if m.any():
        years = pd.DatetimeIndex(birth[m]).year.to_numpy()
        month_day = np.where(rng.random(m.sum()) < 0.5, "-01-01", "-12-31")
        birth[m] = (years.astype(str).astype(object) + month_day).astype("datetime64[D]")
    m = kinds == "birthdate_swapped"
    if m.any():
        b = pd.DatetimeIndex(birth[m])
        birth[m] = pd.to_datetime(pd.DataFrame({"year": b.year, "month": b.day, "day": b.month})).to_numpy().astype("datetime64[D]")
    rec["tgl_lahir"] = birth.astype("datetime64[s]")

    nama = rec["nama"].to_numpy(dtype=object).copy()
    for kind, fn in (("name_old_spelling", lambda x, _: name_variants.old_spelling(x)),
                     ("name_abbreviation", name_variants.abbreviate),
                     ("name_spelling", name_variants.spelling_variant),
                     ("name_typo", name_variants.typo)):
        m = kinds == kind
        if m.any():
            nama[m] = fn(nama[m], rng)
    m = kinds == "name_title"
    if m.any():
        years = pd.DatetimeIndex(rec["tgl_lahir"].to_numpy()[m]).year.to_numpy()
        nama[m] = name_variants.add_title(nama[m], rec["jenis_kelamin"].to_numpy()[m], years, rng)
    unchanged = (nama == rec["nama"].to_numpy(dtype=object)) & pd.Series(kinds).str.startswith("name_").to_numpy()
    rec["nama"] = nama
    rec["jenis_galat"] = np.where(unchanged, "none", kinds)
    return rec


def _someone_elses_nik(rng, rec: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """A family member's NIK where the family has another member, else a random record's NIK."""
    fid = rec["fid"].to_numpy()
    true_nik = rec["nik"].to_numpy(dtype=object)
    order = np.lexsort((np.arange(len(rec)), fid))
    pos = np.empty(len(rec), dtype=np.int64)
    pos[order] = np.arange(len(rec))
    nxt = order[np.minimum(pos[rows] + 1, len(rec) - 1)]
    prv = order[np.maximum(pos[rows] - 1, 0)]
    same_next = (fid[nxt] == fid[rows]) & (nxt != rows)
    same_prev = (fid[prv] == fid[rows]) & (prv != rows)
    random_other = (rows + rng.integers(1, max(len(rec), 2), len(rows))) % len(rec)
    other = np.where(same_next, nxt, np.where(same_prev, prv, random_other))
    out = true_nik[other]
    bad = pd.isna(out) | (out == true_nik[rows])
    out[bad] = true_nik[(rows[bad] + 1) % len(rec)]
    return out
