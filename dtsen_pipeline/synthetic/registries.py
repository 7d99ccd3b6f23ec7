"""Source registries: the records DTKS, P3KE and REGSOSEK hold about the true world.

A registry keeps its person and family records across quarters, as the real databases do: a
record's identity errors are drawn once, when it is created, and stay; its address and
socio-economic variables are those of the day it was last verified. DTKS changes every quarter
(families added and graduated, deaths removed late, births added late); P3KE (2021) and
REGSOSEK (2022) are snapshots that do not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import errors
from .columns import compact
from .identifiers import padded_ids
from .names import generate_names
from .population import DAY, World
from .welfare import weighted_deciles

PERSON_COLUMNS = ["id_sumber", "id_keluarga_sumber", "pid", "fid", "nik", "nama", "tgl_lahir", "jenis_kelamin",
                  "hubungan_keluarga", "pekerjaan", "jenis_galat", "duplikat_dari", "listed"]


@dataclass
class Registry:
    """Record ids are kept as integers (millions of id strings would cost gigabytes at scale
    1.0) and formatted with the source's prefix when written: ``person_ids``/``family_ids``."""

    name: str
    families: pd.DataFrame  # id_keluarga_sumber, fid, no_kk, kode_desa, alamat, rt, rw, snapshot_z, snapshot_date, listed
    persons: pd.DataFrame   # PERSON_COLUMNS; duplikat_dari is -1 when the record is no duplicate
    family_prefix: str
    person_prefix: str
    next_family: int = 0
    next_person: int = 0
    intercept: float = 0.0  # DTKS: inclusion intercept found at the start, reused for new entries
    keeps_variables: bool = False  # DTKS: records keep their variables until re-verified
    variables: dict = field(default_factory=dict)  # kind -> (variables per record, verification stamps)


    def person_ids(self, ids, valid: np.ndarray | None = None) -> pd.arrays.ArrowExtensionArray:
        return padded_ids(self.person_prefix, ids, valid)

    def family_ids(self, ids) -> pd.arrays.ArrowExtensionArray:
        return padded_ids(self.family_prefix, ids)


def _new_registry(name: str, family_prefix: str, person_prefix: str) -> Registry:
    return Registry(name, pd.DataFrame(), pd.DataFrame(columns=PERSON_COLUMNS), family_prefix, person_prefix)


def _true_records(world: World, pids: np.ndarray) -> pd.DataFrame:
    p = world.persons.loc[pids]
    return pd.DataFrame({
        "pid": pids, "fid": p["fid"].to_numpy(), "nik": p["nik"].to_numpy(dtype=object),
        "nama": p["name"].to_numpy(dtype=object), "tgl_lahir": p["birth"].to_numpy(),
        "jenis_kelamin": p["sex"].array, "hubungan_keluarga": p["relation"].array, "pekerjaan": p["occupation"].array,
    })


def _fake_people(world: World, rng, fids: np.ndarray, at: np.datetime64) -> pd.DataFrame:
    """People a source lists whom Dukcapil does not know: a made-up or missing NIK."""
    n = len(fids)
    sex = np.where(rng.random(n) < 0.5, "L", "P").astype(object)
    birth = (at - (rng.uniform(18, 80, n) * 365.25).astype(int) * DAY).astype("datetime64[s]")
    kec = world.families["kec"].to_numpy()[fids]
    day = pd.DatetimeIndex(birth).day.to_numpy() + np.where(sex == "P", 40, 0)
    ddmmyy = pd.Series(day).astype(str).str.zfill(2) + pd.Series(pd.DatetimeIndex(birth).strftime("%m%y"))
    made_up = (pd.Series(kec) + ddmmyy + pd.Series(rng.integers(9000, 10000, n)).astype(str)).to_numpy(dtype=object)
    return pd.DataFrame({
        "pid": -1, "fid": fids, "nik": np.where(rng.random(n) < 0.5, made_up, None),
        "nama": generate_names(rng, sex, world.families["style"].to_numpy()[fids], pd.DatetimeIndex(birth).year.to_numpy()),
        "tgl_lahir": birth, "jenis_kelamin": sex, "hubungan_keluarga": "FAMILI LAIN", "pekerjaan": "BURUH HARIAN LEPAS",
    })


def add_records(reg: Registry, world: World, rng, pids: np.ndarray, fam_ids: np.ndarray, cfg_source: dict,
                rates: dict, at: np.datetime64) -> pd.DataFrame:
    """Create person records (true values + injected errors), plus duplicates and unknown people."""
    rec = _true_records(world, pids)
    rec["id_keluarga_sumber"] = fam_ids
    n_fake = rng.binomial(len(rec), cfg_source.get("not_in_dukcapil", 0.0)) if len(rec) else 0
    if n_fake:
        host = rng.integers(0, len(rec), n_fake)
        fake = _fake_people(world, rng, rec["fid"].to_numpy()[host], at)
        fake["id_keluarga_sumber"] = rec["id_keluarga_sumber"].to_numpy()[host]
        rec = pd.concat([rec, fake], ignore_index=True)
    kinds = errors.assign(rng, rates, errors.eligibility(rec, at), len(rec))
    out = errors.apply(rng, rec, kinds)
    out["jenis_galat"] = np.where(out["pid"] < 0, "not_in_dukcapil", out["jenis_galat"])
    out["duplikat_dari"] = -1
    n_dup = rng.binomial(len(rec), cfg_source.get("duplicate_records", 0.0)) if len(rec) else 0
    if n_dup:
        src = rng.choice(len(rec), n_dup, replace=False)
        dup_true = rec.iloc[src].reset_index(drop=True)
        dup_kinds = errors.assign(rng, rates, errors.eligibility(dup_true, at), n_dup)
        dup = errors.apply(rng, dup_true, dup_kinds)
        dup["jenis_galat"] = np.where(dup["pid"] < 0, "not_in_dukcapil", dup["jenis_galat"])
        dup["duplikat_dari"] = src  # position; replaced by the original's id below
        out = pd.concat([out, dup], ignore_index=True)
    out["id_sumber"] = np.arange(reg.next_person, reg.next_person + len(out), dtype=np.int64)
    reg.next_person += len(out)
    is_dup = (out["duplikat_dari"] >= 0).to_numpy()
    out.loc[is_dup, "duplikat_dari"] = out["id_sumber"].to_numpy()[out.loc[is_dup, "duplikat_dari"].to_numpy()]
    out["listed"] = True
    new = compact(out[PERSON_COLUMNS], world.dtypes)
    reg.persons = pd.concat([reg.persons, new], ignore_index=True) if len(reg.persons) else new
    return out


def add_families(reg: Registry, world: World, fids: np.ndarray, at: np.datetime64, z: np.ndarray) -> np.ndarray:
    fam = world.families.loc[fids]
    ids = np.arange(reg.next_family, reg.next_family + len(fids), dtype=np.int64)
    reg.next_family += len(fids)
    new = pd.DataFrame({
        "id_keluarga_sumber": ids, "fid": fids, "no_kk": fam["kk"].to_numpy(dtype=object),
        "kode_desa": fam["desa"].to_numpy(dtype=object), "alamat": fam["alamat"].to_numpy(dtype=object),
        "rt": fam["rt"].to_numpy(), "rw": fam["rw"].to_numpy(), "snapshot_z": z,
        "snapshot_date": np.full(len(fids), at).astype("datetime64[s]"), "listed": True,
    })
    new = compact(new, world.dtypes)
    reg.families = pd.concat([reg.families, new], ignore_index=True) if len(reg.families) else new
    return ids


def _members_at(world: World, fids: np.ndarray, at: np.datetime64) -> pd.DataFrame:
    """People of these families who were born by ``at`` and had not died before it."""
    p = world.persons
    at_s = at.astype("datetime64[s]")
    m = p["fid"].isin(fids).to_numpy() & (p["birth"].to_numpy() <= at_s) & (p["alive"].to_numpy() | (p["death_date"].to_numpy() >= at_s))
    return p.loc[m, ["fid"]]


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _intercept_for_share(s: np.ndarray, size: np.ndarray, slope: float, share: float) -> float:
    """Intercept a of P = sigmoid(a - slope*s) so that the expected share of people is ``share``."""
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        got = (size * _sigmoid(mid - slope * s)).sum() / size.sum()
        lo, hi = (mid, hi) if got < share else (lo, mid)
    return (lo + hi) / 2


def _snapshot_members(reg: Registry, world: World, rng, fids, fam_ids, at, cfg_source, rates):
    members = _members_at(world, fids, at)
    id_of_fid = pd.Series(fam_ids, index=fids)
    members = members.sort_values("fid", kind="stable")
    add_records(reg, world, rng, members.index.to_numpy(), id_of_fid.loc[members["fid"]].to_numpy(), cfg_source, rates, at)


# --- DTKS -------------------------------------------------------------------------------------
def dtks_init(world: World, rng, cfg: dict) -> Registry:
    c = cfg["sources"]["dtks"]
    fam = world.families
    size = world.living_size().to_numpy()
    # DTKS was built from older data: inclusion follows a stale mix of 2022 and current welfare
    stale_z = 0.5 * fam["z_regsosek"].to_numpy() + 0.5 * fam["z"].to_numpy()
    s = world.welfare_s(stale_z)
    a = _intercept_for_share(s, np.maximum(size, 1), c["slope"], c["target_share"])
    fids = fam.index.to_numpy()[rng.random(len(fam)) < _sigmoid(a - c["slope"] * s)]
    reg = _new_registry("dtks", "1", "2")
    reg.intercept = a
    reg.keeps_variables = True
    verified = world.date - rng.integers(90, 900, len(fids)) * DAY  # last verval 3 months to 2.5 years ago
    ids = add_families(reg, world, fids, world.date, stale_z[fids])
    reg.families["snapshot_date"] = verified.astype("datetime64[s]")
    _snapshot_members(reg, world, rng, fids, ids, world.date, c, cfg["errors"]["dtks"])
    # people who died before the start are still listed with probability 1/2 (stale)
    dead = reg.persons["pid"].to_numpy() >= 0
    dead &= ~world.persons["alive"].to_numpy()[np.maximum(reg.persons["pid"].to_numpy(), 0)]
    reg.persons.loc[dead & (rng.random(len(reg.persons)) < 0.5), "listed"] = False
    _duplicate_families(reg, world, rng, c, cfg["errors"]["dtks"])
    return reg


def _duplicate_families(reg: Registry, world: World, rng, c: dict, rates: dict) -> None:
    n = rng.binomial(len(reg.families), c.get("duplicate_families", 0.0))
    if not n:
        return
    src = reg.families.sample(n, random_state=rng)
    new_ids = add_families(reg, world, src["fid"].to_numpy(), world.date, src["snapshot_z"].to_numpy())
    mapping = pd.Series(new_ids, index=src["id_keluarga_sumber"].to_numpy())
    members = reg.persons[reg.persons["id_keluarga_sumber"].isin(mapping.index) & (reg.persons["pid"] >= 0)
                          & (reg.persons["duplikat_dari"] < 0)]
    out = add_records(reg, world, rng, members["pid"].to_numpy(), mapping.loc[members["id_keluarga_sumber"]].to_numpy(),
                      {}, rates, world.date)
    # every copied person is a duplicate of its record in the original family (same order)
    reg.persons.loc[reg.persons["id_sumber"].isin(out["id_sumber"]), "duplikat_dari"] = members["id_sumber"].to_numpy()


def dtks_update(reg: Registry, world: World, rng, cfg: dict) -> None:
    """One quarter of SIKS-NG: graduations, new poor families, late death removals and births."""
    c = cfg["sources"]["dtks"]
    fam = world.families
    s_now = world.welfare_s()
    f = reg.families
    listed = f["listed"].to_numpy()
    # graduation of well-off listed families (verval), more likely the richer they are
    s_f = s_now[f["fid"].to_numpy()]
    grad = listed & (rng.random(len(f)) < c["graduate_per_quarter"] * 2 * _sigmoid(2 * (s_f - 0.3)))
    f.loc[grad, "listed"] = False
    reg.persons.loc[reg.persons["id_keluarga_sumber"].isin(f.loc[grad, "id_keluarga_sumber"]), "listed"] = False
    # new poor families proposed through the village meeting
    known = np.zeros(len(fam), dtype=bool)
    known[f.loc[f["listed"], "fid"].to_numpy()] = True
    p_new = c["new_per_quarter"] * 2 * _sigmoid(reg.intercept - c["slope"] * s_now - 1.0)
    new = fam.index.to_numpy()[fam["active"].to_numpy() & ~known & (rng.random(len(fam)) < p_new)]
    if len(new):
        ids = add_families(reg, world, new, world.date, fam.loc[new, "z"].to_numpy())
        members = world.persons[world.persons["alive"] & world.persons["fid"].isin(new)]
        id_of = pd.Series(ids, index=new)
        add_records(reg, world, rng, members.index.to_numpy(), id_of.loc[members["fid"]].to_numpy(), c, cfg["errors"]["dtks"], world.date)
    f = reg.families  # add_families replaced the frame: later updates must reach the registry's own
    persons = reg.persons
    pid = persons["pid"].to_numpy()
    true_alive = world.persons["alive"].to_numpy()[np.maximum(pid, 0)] | (pid < 0)
    drop_dead = persons["listed"].to_numpy() & ~true_alive & (rng.random(len(persons)) < c["dead_removed_per_quarter"])
    persons.loc[drop_dead, "listed"] = False
    # newborns (and other new members) of listed families are added late
    listed_f = f[f["listed"]]
    fam_of = pd.Series(listed_f["id_keluarga_sumber"].to_numpy(), index=listed_f["fid"].to_numpy())
    fam_of = fam_of[~fam_of.index.duplicated()]
    wp = world.persons
    in_reg = np.zeros(len(wp), dtype=bool)
    in_reg[pid[pid >= 0]] = True
    cand = wp.index[wp["alive"].to_numpy() & ~in_reg & wp["fid"].isin(fam_of.index).to_numpy() & (wp["created_period"].to_numpy() > 0)]
    cand = cand[rng.random(len(cand)) < c["births_added_per_quarter"]]
    if len(cand):
        add_records(reg, world, rng, cand.to_numpy(), fam_of.loc[wp.loc[cand, "fid"]].to_numpy(), {}, cfg["errors"]["dtks"], world.date)
    # re-verification refreshes variables, KK and (for moved families) the address
    refresh = f["listed"].to_numpy() & (rng.random(len(f)) < c["refresh_per_quarter"])
    cur = fam.loc[f.loc[refresh, "fid"]]
    f.loc[refresh, "snapshot_z"] = cur["z"].to_numpy()
    f.loc[refresh, "snapshot_date"] = (world.date - rng.integers(1, 90, refresh.sum()) * DAY).astype("datetime64[s]")
    f.loc[refresh, "no_kk"] = cur["kk"].to_numpy()
    moved = f["listed"].to_numpy() & (f["kode_desa"].to_numpy() != fam["desa"].to_numpy()[f["fid"].to_numpy()])
    moved &= refresh | (rng.random(len(f)) < c["moved_address_updated"])
    cur = fam.loc[f.loc[moved, "fid"]]
    for col, src in (("kode_desa", "desa"), ("alamat", "alamat"), ("rt", "rt"), ("rw", "rw"), ("no_kk", "kk")):
        f.loc[moved, col] = cur[src].to_numpy()


# --- P3KE and REGSOSEK (snapshots) ---------------------------------------------------------------
def p3ke_init(world: World, rng, cfg: dict) -> Registry:
    c = cfg["sources"]["p3ke"]
    fam = world.families
    at = np.datetime64(cfg["p3ke_date"], "D")
    size = np.maximum(world.living_size().to_numpy(), 1)
    logc = world.log_consumption(fam["z_p3ke"]).to_numpy()
    desil = weighted_deciles(logc, size, fam.index.to_numpy())
    u = rng.random(len(fam))
    pick = ((desil <= c["max_desil"]) & (u < c["coverage"])) | ((desil > c["max_desil"]) & (desil <= c["max_desil"] + 2) & (u < c["leakage"]))
    fids = fam.index.to_numpy()[pick]
    reg = _new_registry("p3ke", "P3KE", "I")
    ids = add_families(reg, world, fids, at, fam.loc[fids, "z_p3ke"].to_numpy())
    reg.families["desil_p3ke"] = np.minimum(desil[pick], c["max_desil"])
    _snapshot_members(reg, world, rng, fids, ids, at, c, cfg["errors"]["p3ke"])
    _spreadsheet_style(reg, rng)
    return reg


def _spreadsheet_style(reg: Registry, rng) -> None:
    """How a mangled NIK looks in the workbook: a number cell (15 digits kept) or the text Excel
    shows for it in scientific notation (``3.40301E+15``)."""
    m = (reg.persons["jenis_galat"] == "nik_spreadsheet").to_numpy()
    reg.persons["nik_cell"] = np.where(m, np.where(rng.random(len(m)) < 0.6, "number", "scientific"), "text")


def regsosek_init(world: World, rng, cfg: dict) -> Registry:
    c = cfg["sources"]["regsosek"]
    fam = world.families
    at = np.datetime64(cfg["regsosek_date"], "D")
    s = world.welfare_s(fam["z_regsosek"])
    covered = rng.random(len(fam)) < c["coverage"] - 0.06 * (s > 1.8)  # gated well-off homes are missed more
    fids = fam.index.to_numpy()[covered]
    reg = _new_registry("regsosek", "R22", "A")
    ids = add_families(reg, world, fids, at, fam.loc[fids, "z_regsosek"].to_numpy())
    reg.families["snapshot_date"] = (at + rng.integers(0, 45, len(fids)) * DAY).astype("datetime64[s]")
    _snapshot_members(reg, world, rng, fids, ids, at, c, cfg["errors"]["regsosek"])
    return reg
