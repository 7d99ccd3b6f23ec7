"""The true world: families and people at the start of the first quarter.

All draws are vectorised over families and people; nothing loops per person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from faker.providers.address.id_ID import Provider as _Address

from .columns import compact, world_dtypes
from .identifiers import make_kk, make_nik
from .names import generate_names
from .regions import RegionTables
from .welfare import N_FAMILY_NOISE, N_PERSON_NOISE, occupations, standardised

DAY = np.timedelta64(1, "D")
HAMLETS = np.array([
    "KRAJAN", "NGASEM", "SAWAHAN", "KARANGANYAR", "TEGALREJO", "NGLEMPONG", "JATI", "PUCUNG", "BULU",
    "GADING", "SENTONO", "DUKUH", "NGAMPEL", "KEDUNG", "WATU", "GUNUNGSARI", "SUMBER", "KEPUH",
    "KARANG", "MOJO", "NGLORO", "SOKO", "TLOGO", "WONOSARI", "BENDO", "JERUK", "NGRANDU", "PANGGANG",
], dtype=object)
STREETS = np.array(sorted({s.upper() for s in _Address.streets}), dtype=object)


@dataclass
class World:
    """Mutable truth of the synthetic world, advanced quarter by quarter."""

    cfg: dict
    regions: RegionTables
    families: pd.DataFrame
    persons: pd.DataFrame
    family_noise: np.ndarray
    person_noise: np.ndarray
    date: np.datetime64
    kec_effect: pd.Series = field(default_factory=pd.Series)  # log-consumption shift per kecamatan
    dtypes: dict = field(default_factory=dict)  # compact column types (columns.py), also for registries
    period: int = 0
    _size: pd.Series | None = field(default=None, repr=False)
    _size_key: tuple | None = field(default=None, repr=False)

    def living_size(self) -> pd.Series:
        """Living members per family (cached until the world changes shape or quarter)."""
        key = (self.period, len(self.persons), len(self.families))
        if self._size_key != key:
            fid = self.persons["fid"].to_numpy()[self.persons["alive"].to_numpy()]
            self._size = pd.Series(np.bincount(fid, minlength=len(self.families)), index=self.families.index)
            self._size_key = key
        return self._size

    def log_consumption(self, z: np.ndarray | pd.Series | None = None, size: pd.Series | None = None) -> pd.Series:
        fam = self.families
        z = fam["z"] if z is None else z
        size = self.living_size() if size is None else size
        elasticity = self.cfg["families"]["size_elasticity"]
        return fam["loc"] + fam["sigma"] * z + elasticity * np.log(np.maximum(size, 1) / 3.0)

    def welfare_s(self, z=None) -> np.ndarray:
        return standardised(self.log_consumption(z).to_numpy())


def _truncnorm(rng, mean, sd, lo, hi, n):
    return np.clip(rng.normal(mean, sd, n), lo, hi)


def initial_world(cfg: dict, regions: RegionTables, rng: np.random.Generator) -> World:
    start = np.datetime64(cfg["first_period"], "D")
    kec_effect = pd.Series(rng.normal(0, cfg["families"]["kecamatan_effect_sd"], len(regions.kecamatan)),
                           index=regions.kecamatan["kode_kecamatan"].to_numpy())
    fam = _families(cfg, regions, rng, start, kec_effect)
    persons = _members(cfg, fam, regions, rng, start)
    fam_noise = rng.standard_normal((len(fam), N_FAMILY_NOISE)).astype(np.float32)
    person_noise = rng.standard_normal((len(persons), N_PERSON_NOISE)).astype(np.float32)
    world = World(cfg, regions, fam, persons, fam_noise, person_noise, start, kec_effect)
    s = world.welfare_s()
    p = world.persons
    age = (start - p["birth"].to_numpy()) / DAY / 365.25
    f_idx = p["fid"].to_numpy()
    world.persons["occupation"] = occupations(rng, age, p["sex"].to_numpy(), s[f_idx], fam["urban"].to_numpy()[f_idx])
    world.persons.loc[~p["alive"], "occupation"] = np.where(age[~p["alive"].to_numpy()] >= 60, "PENSIUNAN", "PETANI/PEKEBUN")
    world.dtypes = world_dtypes(regions.kecamatan["kode_kecamatan"].tolist(), regions.desa["kode_desa"].tolist(),
                                regions.kabupaten["kode_kabupaten"].tolist())
    world.persons = compact(world.persons, world.dtypes)
    world.families = compact(world.families, world.dtypes)
    return world


def _families(cfg, regions: RegionTables, rng, start, kec_effect: pd.Series) -> pd.DataFrame:
    shares = cfg["families"]["size_shares"]
    sizes_k = np.array([int(k) for k in shares])
    probs = np.array(list(shares.values()), dtype=float)
    mean_size = float((sizes_k * probs).sum())
    kab = regions.kabupaten.set_index("kode_kabupaten")
    kec = regions.kecamatan
    desa = regions.desa.sort_values(["kode_kecamatan", "kode_desa"]).reset_index(drop=True)

    parts = []
    for code, params in cfg["regencies"].items():
        people = max(int(round(kab.loc[code, "penduduk"] * cfg["scale"])), 30)
        sizes = rng.choice(sizes_k, p=probs, size=int(people / mean_size * 1.2) + 10)
        sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), people)) + 1]
        k = kec[kec["kode_kabupaten"] == code]
        kec_pick = k["kode_kecamatan"].to_numpy()[rng.choice(len(k), p=k["bobot"].to_numpy() / k["bobot"].sum(), size=len(sizes))]
        parts.append(pd.DataFrame({
            "size0": sizes, "kec": kec_pick, "kab": code, "prov": code[:2],
            "loc": np.log(params["median_consumption"]) + kec_effect.loc[kec_pick].to_numpy(),
            "sigma": params["sigma"],
        }))
    fam = pd.concat(parts, ignore_index=True)
    fam["desa"] = _pick_villages(rng, fam["kec"].to_numpy(), desa)
    info = desa.set_index("kode_desa").loc[fam["desa"], "jenis"].to_numpy()
    fam["urban"] = info == "kelurahan"
    fam["style"] = kab.loc[fam["kab"], "gaya_nama"].to_numpy()
    fam["alamat"], fam["rt"], fam["rw"] = _addresses(rng, fam["urban"].to_numpy())

    dyn = cfg["dynamics"]
    n = len(fam)
    rho_y = dyn["history_rho_per_year"]
    z_p3ke = rng.standard_normal(n)
    z_regsosek = rho_y * z_p3ke + np.sqrt(1 - rho_y**2) * rng.standard_normal(n)          # ~1.3 y later
    rho_2y = rho_y ** 2
    z_base = rho_2y * z_regsosek + np.sqrt(1 - rho_2y**2) * rng.standard_normal(n)        # ~2.2 y later
    fam["z_p3ke"], fam["z_regsosek"], fam["z"] = z_p3ke, z_regsosek, z_base
    fam["origin_fid"] = -1
    fam["created_period"] = 0
    fam["active"] = True
    fam.index.name = "fid"
    return fam


def _pick_villages(rng, kec_codes: np.ndarray, desa: pd.DataFrame) -> np.ndarray:
    """Villages weighted by size within each family's kecamatan (desa sorted by kecamatan)."""
    kec_ids, kec_of_desa = np.unique(desa["kode_kecamatan"].to_numpy(), return_inverse=True)
    w = desa["bobot"].to_numpy(dtype=float)
    within = w / np.bincount(kec_of_desa, weights=w)[kec_of_desa]
    key = kec_of_desa + np.cumsum(within) - np.r_[0, np.cumsum(np.bincount(kec_of_desa, weights=within))][kec_of_desa]
    fam_kec = np.searchsorted(kec_ids, kec_codes)
    pos = np.searchsorted(key, fam_kec + rng.random(len(kec_codes)) * 0.999999, side="right")
    return desa["kode_desa"].to_numpy()[np.minimum(pos, len(desa) - 1)]


def _addresses(rng, urban: np.ndarray):
    n = len(urban)
    rural = "PADUKUHAN " + HAMLETS[rng.integers(0, len(HAMLETS), n)]
    city = "JL. " + STREETS[rng.integers(0, len(STREETS), n)] + " NO. " + rng.integers(1, 200, n).astype(str).astype(object)
    return np.where(urban, city, rural), rng.integers(1, 12, n).astype(np.int16), rng.integers(1, 7, n).astype(np.int16)


def _members(cfg, fam: pd.DataFrame, regions: RegionTables, rng, start) -> pd.DataFrame:
    sizes = fam["size0"].to_numpy()
    n_f = len(fam)
    fid = np.repeat(np.arange(n_f), sizes)
    slot = np.arange(len(fid)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    n = len(fid)

    has_spouse = (sizes >= 2) & (rng.random(n_f) < 0.88)
    head_male = np.where(has_spouse, rng.random(n_f) < 0.96, rng.random(n_f) < np.where(sizes == 1, 0.45, 0.25))
    head_age = np.where(has_spouse, _truncnorm(rng, 44, 12, 20, 85, n_f),
                        np.where(sizes == 1, _truncnorm(rng, 58, 17, 20, 95, n_f), _truncnorm(rng, 50, 12, 25, 85, n_f)))
    spouse_age = np.clip(head_age + np.where(head_male, -1, 1) * rng.normal(4, 4, n_f), 17, 95)
    ref_age = np.where(has_spouse, np.minimum(head_age, spouse_age), head_age)

    role = np.full(n, "ANAK", dtype=object)
    role[slot == 0] = "KEPALA KELUARGA"
    is_spouse = (slot == 1) & has_spouse[fid]
    role[is_spouse] = np.where(head_male[fid[is_spouse]], "ISTRI", "SUAMI")
    other = role == "ANAK"
    first_other = other & (slot == 1 + has_spouse[fid])
    u = rng.random(n)
    role[first_other & (u < 0.08) & (head_age[fid] < 60)] = "ORANG TUA"
    role[other & (u > 0.92) & (ref_age[fid] >= 45)] = "CUCU"
    role[other & (u > 0.97)] = "FAMILI LAIN"

    age = np.empty(n)
    head = role == "KEPALA KELUARGA"
    age[head] = head_age[fid[head]]
    age[is_spouse] = spouse_age[fid[is_spouse]]
    m = role == "ANAK"
    age[m] = np.maximum(ref_age[fid[m]] - 18.5, 0.3) * rng.beta(1.2, 1.6, m.sum())
    m = role == "CUCU"
    age[m] = rng.uniform(0, 1, m.sum()) * np.clip(ref_age[fid[m]] - 38, 1, 18)
    m = role == "ORANG TUA"
    age[m] = np.minimum(head_age[fid[m]] + rng.uniform(22, 35, m.sum()), 100)
    m = role == "FAMILI LAIN"
    age[m] = rng.uniform(5, 70, m.sum())

    sex = np.where(rng.random(n) < 0.51, "L", "P").astype(object)
    sex[head] = np.where(head_male[fid[head]], "L", "P")
    sex[role == "ISTRI"] = "P"
    sex[role == "SUAMI"] = "L"

    persons = pd.DataFrame({"fid": fid, "relation": role, "sex": sex, "age0": age})
    # people who died 2021-2024: still in old sources and in Dukcapil as deceased
    n_dead = int(round(cfg["families"]["deceased_before_start"] * n))
    if n_dead:
        dead = pd.DataFrame({
            "fid": rng.choice(n_f, n_dead), "relation": "ORANG TUA",
            "sex": np.where(rng.random(n_dead) < 0.5, "L", "P").astype(object),
            "age0": rng.uniform(68, 98, n_dead),
        })
        persons = pd.concat([persons, dead], ignore_index=True)
    n = len(persons)
    persons["alive"] = np.arange(n) < len(fid)
    death_offset = rng.integers(0, (start - np.datetime64("2021-01-01")) // DAY, n)
    persons["death_date"] = np.where(persons["alive"], np.datetime64("NaT"), start - (death_offset + 1) * DAY).astype("datetime64[s]")
    persons["birth"] = (start - np.round(persons["age0"].to_numpy() * 365.25).astype(int) * DAY).astype("datetime64[s]")

    fid_all = persons["fid"].to_numpy()
    kec = fam["kec"].to_numpy()[fid_all]
    elsewhere = (persons["age0"].to_numpy() >= 17) & (rng.random(n) < cfg["families"]["first_registration_elsewhere"])
    all_kec = regions.kecamatan["kode_kecamatan"].to_numpy()
    persons["reg_kec"] = np.where(elsewhere, all_kec[rng.integers(0, len(all_kec), n)], kec)
    persons["nik"] = make_nik(persons["reg_kec"].to_numpy(), persons["birth"].to_numpy(), persons["sex"].to_numpy())
    persons["name"] = generate_names(rng, persons["sex"].to_numpy(), fam["style"].to_numpy()[fid_all],
                                     pd.DatetimeIndex(persons["birth"]).year.to_numpy())
    persons["created_period"] = 0
    persons = persons.drop(columns="age0")

    # KK: issued in the family's kecamatan, some time after the head turned 17 (2005-2024)
    head_birth = persons.loc[persons["relation"] == "KEPALA KELUARGA"].set_index("fid")["birth"].reindex(np.arange(n_f)).to_numpy()
    earliest = np.maximum(head_birth + np.timedelta64(17 * 365, "D"), np.datetime64("2005-01-01")).astype("datetime64[D]")
    span = np.maximum((start - earliest) // DAY, 1)
    issued = earliest + (rng.random(n_f) * span).astype(int) * DAY
    fam["kk"] = make_kk(fam["kec"].to_numpy(), issued)
    fam["kk_issued"] = issued.astype("datetime64[s]")
    persons["kk_last"] = np.where(persons["alive"], None, fam["kk"].to_numpy()[fid_all])
    fam.drop(columns="size0", inplace=True)
    return persons
