"""One quarter of life: welfare shocks, deaths, births, family splits and moves.

Each event is drawn for all eligible people or families at once. A family that moves, splits off
or loses its head gets a new KK (as Dukcapil issues one); NIKs never change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .columns import compact
from .identifiers import make_kk, make_nik
from .names import generate_names
from .population import DAY, World, _addresses, _pick_villages
from .welfare import N_FAMILY_NOISE, N_PERSON_NOISE


def next_quarter(date: np.datetime64) -> np.datetime64:
    month = np.datetime64(date, "M") + np.timedelta64(3, "M")
    return month.astype("datetime64[D]")


def advance(world: World, rng: np.random.Generator) -> None:
    """Move the world from the start of its quarter to the start of the next one."""
    dyn = world.cfg["dynamics"]
    start, end = world.date, next_quarter(world.date)
    days = int((end - start) // DAY)
    fam = world.families

    rho = dyn["welfare_rho"]
    active = fam["active"].to_numpy()
    fam.loc[active, "z"] = rho * fam.loc[active, "z"] + np.sqrt(1 - rho**2) * rng.standard_normal(active.sum())

    _deaths(world, rng, start, days)
    _births(world, rng, start, days)
    _splits(world, rng, start, days)
    _moves(world, rng, start, days)
    _reissue_for_dead_heads(world, rng, start, days)

    alive_fids = world.persons.loc[world.persons["alive"], "fid"].unique()
    world.families["active"] = world.families.index.isin(alive_fids)
    world.date = end
    world.period += 1


def _age(world: World, at: np.datetime64) -> np.ndarray:
    return (at - world.persons["birth"].to_numpy()) / DAY / 365.25


def _deaths(world: World, rng, start, days) -> None:
    p = world.persons
    g = world.cfg["dynamics"]["mortality_gompertz"]
    annual = np.minimum(g["a"] * np.exp(g["b"] * _age(world, start)), 0.5)
    die = p["alive"].to_numpy() & (rng.random(len(p)) < 1 - (1 - annual) ** (days / 365.25))
    p.loc[die, "alive"] = False
    p.loc[die, "kk_last"] = world.families["kk"].to_numpy()[p.loc[die, "fid"].to_numpy()]
    p.loc[die, "death_date"] = (start + rng.integers(0, days, die.sum()) * DAY).astype("datetime64[s]")


def _births(world: World, rng, start, days) -> None:
    p = world.persons
    age = _age(world, start)
    mothers = (p["alive"] & (p["sex"] == "P") & p["relation"].isin(["ISTRI", "KEPALA KELUARGA"])).to_numpy() & (age >= 18) & (age < 45)
    mothers &= rng.random(len(p)) < world.cfg["dynamics"]["births_per_woman_18_44"]
    fids = p.loc[mothers, "fid"].to_numpy()
    n = len(fids)
    if not n:
        return
    fam = world.families
    birth = (start + rng.integers(0, days, n) * DAY).astype("datetime64[s]")
    sex = np.where(rng.random(n) < 0.51, "L", "P").astype(object)
    kec = fam["kec"].to_numpy()[fids]
    babies = pd.DataFrame({
        "fid": fids, "relation": "ANAK", "sex": sex, "alive": True,
        "death_date": np.array(["NaT"] * n, dtype="datetime64[s]"), "birth": birth, "reg_kec": kec,
        "nik": make_nik(kec, birth, sex, _born_in_same_years(p, birth)),
        "name": generate_names(rng, sex, fam["style"].to_numpy()[fids], pd.DatetimeIndex(birth).year.to_numpy()),
        "created_period": world.period + 1, "occupation": "BELUM/TIDAK BEKERJA", "kk_last": None,
    })
    _append_persons(world, babies, rng)


def _born_in_same_years(p: pd.DataFrame, birth: np.ndarray) -> pd.Series:
    """NIKs that can share a date part with these births (two-digit years: 1925 and 2025)."""
    yy = np.unique(pd.DatetimeIndex(birth).year.to_numpy() % 100)
    return p.loc[np.isin(pd.DatetimeIndex(p["birth"]).year.to_numpy() % 100, yy), "nik"]


def _append_persons(world: World, new: pd.DataFrame, rng) -> None:
    new.index = np.arange(len(world.persons), len(world.persons) + len(new))
    world.persons = pd.concat([world.persons, compact(new[world.persons.columns], world.dtypes)])
    world.person_noise = np.vstack([world.person_noise, rng.standard_normal((len(new), N_PERSON_NOISE)).astype(np.float32)])


def _new_kk(world: World, kec: np.ndarray, rng, start, days) -> tuple[np.ndarray, np.ndarray]:
    issued = (start + rng.integers(0, days, len(kec)) * DAY).astype("datetime64[D]")
    fam = world.families
    same_quarter = fam["kk"][fam["kk_issued"].to_numpy() >= start.astype("datetime64[s]")]
    return make_kk(kec, issued, same_quarter), issued.astype("datetime64[s]")


def _splits(world: World, rng, start, days) -> None:
    """An adult child leaves and heads a new family with a new KK, linked to its origin."""
    p, fam = world.persons, world.families
    adult_child = (p["alive"] & (p["relation"] == "ANAK")).to_numpy() & (_age(world, start) >= 20)
    cand = p.index[adult_child]
    per_family = pd.Series(cand, index=p.loc[cand, "fid"].to_numpy())
    one_per_family = per_family.groupby(level=0).first()
    leaving = one_per_family[rng.random(len(one_per_family)) < world.cfg["dynamics"]["family_splits"]]
    n = len(leaving)
    if not n:
        return
    origin = leaving.index.to_numpy()
    new = fam.loc[origin].copy()
    new.index = np.arange(len(fam), len(fam) + n)
    new.index.name = "fid"
    new["origin_fid"] = origin
    new["created_period"] = world.period + 1
    new["z"] = 0.6 * fam.loc[origin, "z"].to_numpy() + 0.8 * rng.standard_normal(n)
    new["alamat"], new["rt"], new["rw"] = _addresses(rng, new["urban"].to_numpy())
    new["kk"], new["kk_issued"] = _new_kk(world, new["kec"].to_numpy(), rng, start, days)
    world.families = pd.concat([fam, compact(new, world.dtypes)])
    world.family_noise = np.vstack([world.family_noise, rng.standard_normal((n, N_FAMILY_NOISE)).astype(np.float32)])
    world.persons.loc[leaving.to_numpy(), "fid"] = new.index.to_numpy()
    world.persons.loc[leaving.to_numpy(), "relation"] = "KEPALA KELUARGA"


def _moves(world: World, rng, start, days) -> None:
    """Families moving to another kecamatan (sometimes another regency) get a new KK there."""
    fam, dyn = world.families, world.cfg["dynamics"]
    movers = fam.index[fam["active"].to_numpy() & (rng.random(len(fam)) < dyn["family_moves"])]
    n = len(movers)
    if not n:
        return
    kec = world.regions.kecamatan.sort_values("kode_kecamatan")
    codes, kec_kab = kec["kode_kecamatan"].to_numpy(), kec["kode_kabupaten"].to_numpy()
    first = pd.Series(np.arange(len(codes)), index=kec_kab).groupby(level=0).min()
    count = pd.Series(kec_kab).value_counts()
    f_kab = fam.loc[movers, "kab"].to_numpy()
    lo, cnt = first.loc[f_kab].to_numpy(), count.loc[f_kab].to_numpy()
    same = lo + (rng.random(n) * cnt).astype(int)
    r = (rng.random(n) * (len(codes) - cnt)).astype(int)  # any kecamatan outside the own regency
    far = np.where(r < lo, r, r + cnt)
    other_regency = (rng.random(n) < dyn["move_other_regency"]) & (cnt < len(codes))
    target = codes[np.where(other_regency, far, same)]
    desa = world.regions.desa.sort_values(["kode_kecamatan", "kode_desa"]).reset_index(drop=True)
    new_desa = _pick_villages(rng, target, desa)
    jenis = desa.set_index("kode_desa").loc[new_desa, "jenis"].to_numpy()
    kab = np.array([k[:4] for k in target], dtype=object)
    median = np.array([world.cfg["regencies"][k]["median_consumption"] for k in kab])
    sigma = np.array([world.cfg["regencies"][k]["sigma"] for k in kab])
    fam.loc[movers, "kec"] = target
    fam.loc[movers, "desa"] = new_desa
    fam.loc[movers, "kab"] = kab
    fam.loc[movers, "prov"] = np.array([k[:2] for k in kab], dtype=object)
    fam.loc[movers, "urban"] = jenis == "kelurahan"
    fam.loc[movers, "loc"] = np.log(median) + world.kec_effect.loc[target].to_numpy()
    fam.loc[movers, "sigma"] = sigma
    alamat, rt, rw = _addresses(rng, jenis == "kelurahan")
    fam.loc[movers, "alamat"], fam.loc[movers, "rt"], fam.loc[movers, "rw"] = alamat, rt, rw
    fam.loc[movers, "kk"], fam.loc[movers, "kk_issued"] = _new_kk(world, target, rng, start, days)


def _reissue_for_dead_heads(world: World, rng, start, days) -> None:
    """When the head dies, the spouse (else the oldest living member) heads a family on a new KK."""
    p, fam = world.persons, world.families
    dead_heads = p.index[(~p["alive"] & (p["relation"] == "KEPALA KELUARGA")).to_numpy()
                         & (p["death_date"].to_numpy() >= start.astype("datetime64[s]"))]
    if not len(dead_heads):
        return
    fids = p.loc[dead_heads, "fid"].to_numpy()
    living = p[p["alive"] & p["fid"].isin(fids)].copy()
    living["rank"] = np.where(living["relation"].isin(["ISTRI", "SUAMI"]), 0, 1)
    new_heads = living.sort_values(["fid", "rank", "birth"]).groupby("fid").head(1)
    p.loc[new_heads.index, "relation"] = "KEPALA KELUARGA"
    keep = new_heads["fid"].to_numpy()
    if len(keep):
        fam.loc[keep, "kk"], fam.loc[keep, "kk_issued"] = _new_kk(world, fam.loc[keep, "kec"].to_numpy(), rng, start, days)
