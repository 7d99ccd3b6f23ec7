"""Pieces of the generator on crafted input: NIK/KK rules, weighted deciles, error injection,
world-file validation."""

import numpy as np
import pandas as pd
import pytest

from dtsen_pipeline.synthetic import errors
from dtsen_pipeline.synthetic.config import WorldConfigError, load_world, quarter_starts
from dtsen_pipeline.synthetic.identifiers import make_kk, make_nik
from dtsen_pipeline.synthetic.welfare import weighted_deciles


def test_nik_rule_on_crafted_people():
    birth = np.array(["1985-03-07", "1985-03-07", "1985-03-07", "2001-12-31"], dtype="datetime64[s]")
    nik = make_nik(np.array(["340301", "340301", "340301", "520101"], dtype=object), birth, np.array(["L", "P", "P", "L"], dtype=object))
    assert list(nik) == ["3403010703850001", "3403014703850001", "3403014703850002", "5201013112010001"]


def test_serials_continue_after_numbers_already_taken():
    taken = pd.Series(["3403014703850001", "3403014703850007"])
    nik = make_nik(np.array(["340301"], dtype=object), np.array(["1985-03-07"], dtype="datetime64[s]"), np.array(["P"], dtype=object), taken)
    assert nik[0] == "3403014703850008"
    kk = make_kk(np.array(["340301", "340301"], dtype=object), np.array(["2020-01-02", "2020-01-02"], dtype="datetime64[D]"))
    assert list(kk) == ["3403010201200001", "3403010201200002"]


def test_weighted_deciles_hold_a_tenth_of_people_each():
    rng = np.random.default_rng(0)
    value = rng.normal(size=5000)
    weight = rng.integers(1, 8, 5000)
    d = weighted_deciles(value, weight, np.arange(5000))
    share = pd.Series(weight).groupby(d).sum() / weight.sum()
    assert list(share.index) == list(range(1, 11))
    assert share.between(0.097, 0.103).all()
    assert (np.diff(d[np.argsort(value)]) >= 0).all()


def test_weighted_deciles_one_huge_family_and_ties():
    # nine families of 1 and one family of 91: the big family's midpoint is in decile 6
    value = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10.0])
    weight = np.array([1, 1, 1, 1, 1, 91, 1, 1, 1, 1])
    d = weighted_deciles(value, weight, np.arange(10))
    assert d[5] == 6 and d[0] == 1 and d[-1] == 10
    # equal values are ordered by the tiebreak, deterministically
    tied = weighted_deciles(np.zeros(10), np.ones(10), np.arange(10)[::-1])
    assert list(tied) == list(range(10, 0, -1))


def test_weighted_deciles_by_group_are_independent():
    value = np.r_[np.arange(10), np.arange(10) + 100.0]
    group = np.array(["a"] * 10 + ["b"] * 10)
    d = weighted_deciles(value, np.ones(20), np.arange(20), group)
    assert list(d[:10]) == list(range(1, 11)) and list(d[10:]) == list(range(1, 11))


def _records(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    birth = (np.datetime64("1940-01-01") + rng.integers(0, 25000, n).astype("timedelta64[D]")).astype("datetime64[s]")
    sex = np.where(rng.random(n) < 0.5, "L", "P").astype(object)
    nik = make_nik(np.full(n, "340301", dtype=object), birth, sex)
    return pd.DataFrame({"nik": nik, "nama": "SUKARNO JUMADI", "tgl_lahir": birth, "jenis_kelamin": sex, "fid": np.arange(n) // 3})


def test_each_error_kind_changes_what_it_says():
    rec = _records()
    rng = np.random.default_rng(1)
    kinds = np.array(["nik_digit", "nik_swap", "nik_female_day", "nik_spreadsheet", "nik_missing", "birthdate_default",
                      "name_old_spelling", "none"] * 500, dtype=object)
    eligible = errors.eligibility(rec, np.datetime64("2025-01-01"))
    kinds[(kinds == "nik_female_day") & ~eligible["nik_female_day"]] = "none"
    kinds[(kinds == "birthdate_default") & ~eligible["birthdate_default"]] = "none"
    out = errors.apply(rng, rec, kinds)
    diff = np.array([sum(a != b for a, b in zip(x, y)) if isinstance(y, str) else -1 for x, y in zip(rec["nik"], out["nik"])])
    assert (diff[kinds == "nik_digit"] == 1).all()
    assert (diff[kinds == "nik_swap"] == 2).all()
    assert (out.loc[kinds == "nik_female_day", "nik"].str.slice(6, 8).astype(int) < 40).all()
    assert (out.loc[kinds == "nik_spreadsheet", "nik"].str.slice(15) == "0").all()
    assert out.loc[kinds == "nik_missing", "nik"].isna().all()
    md = pd.DatetimeIndex(out.loc[kinds == "birthdate_default", "tgl_lahir"]).strftime("%m-%d")
    assert set(md) <= {"01-01", "12-31"}
    assert (out.loc[kinds == "name_old_spelling", "nama"] == "SOEKARNO DJOEMADI").all()
    untouched = kinds == "none"
    assert (out.loc[untouched, "nik"] == rec.loc[untouched, "nik"]).all()


def test_error_assignment_respects_rates_and_eligibility():
    rng = np.random.default_rng(2)
    n = 100_000
    women = rng.random(n) < 0.5
    kinds = errors.assign(rng, {"nik_female_day": 0.02, "nik_digit": 0.03}, {"nik_female_day": women}, n)
    assert abs((kinds == "nik_female_day").mean() - 0.02) < 0.003
    assert abs((kinds == "nik_digit").mean() - 0.03) < 0.003
    assert not ((kinds == "nik_female_day") & ~women).any()


def test_world_file_errors_name_the_key(tmp_path):
    bad = tmp_path / "w.yaml"
    text = (load_world.__globals__["DEFAULT_WORLD"]).read_text()
    bad.write_text(text.replace("first_period: 2025-01-01", "first_period: 2025-02-01"))
    with pytest.raises(WorldConfigError, match="first_period"):
        load_world(bad)
    bad.write_text(text.replace("nik_swap: 0.010", "nik_swapped: 0.010", 1))
    with pytest.raises(WorldConfigError, match="errors.dtks.nik_swapped"):
        load_world(bad)
    with pytest.raises(WorldConfigError, match="scale"):
        load_world(scale=5)
    assert [d.isoformat() for d in quarter_starts(load_world())] == ["2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"]


def test_person_variable_names_match_what_person_variables_returns():
    from dtsen_pipeline.synthetic.welfare import PERSON_VARIABLES, person_variables

    out = person_variables(np.array([30.0, 3.0]), np.array(["L", "P"], dtype=object), np.zeros(2), np.zeros(2),
                           np.array(["PETANI/PEKEBUN", "BELUM/TIDAK BEKERJA"], dtype=object), np.zeros((2, 4)))
    assert list(out.columns) == PERSON_VARIABLES
