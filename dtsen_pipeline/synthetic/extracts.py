"""Canonical frames of every extract of one quarter, from the true world and the registries.

Each function returns a frame whose columns are the pipeline's canonical names; writers.py turns
it into the source's native layout through the mapping.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import errors
from .columns import is_in, take_labels, take_text
from .identifiers import padded_ids
from .names import add_title
from .population import DAY, World
from .registries import Registry
from .welfare import ASN_OCCUPATIONS, family_variables, person_variables, standardised, weighted_deciles


def _s_at(world: World, fids: np.ndarray, z: np.ndarray) -> np.ndarray:
    fam = world.families
    size = world.living_size().to_numpy()[fids]
    elasticity = world.cfg["families"]["size_elasticity"]
    logc = fam["loc"].to_numpy()[fids] + fam["sigma"].to_numpy()[fids] * z + elasticity * np.log(np.maximum(size, 1) / 3)
    return standardised(logc)


def _family_vars(world: World, fids: np.ndarray, z: np.ndarray) -> pd.DataFrame:
    fam = world.families
    return family_variables(_s_at(world, fids, z), fam["urban"].to_numpy()[fids],
                            (fam["style"].to_numpy()[fids] == "ntt"), world.family_noise[fids])


def _person_vars(world: World, rec: pd.DataFrame, fam_by_id: pd.DataFrame) -> pd.DataFrame:
    """Individual variables of person records as at their family record's verification date
    (``fam_by_id``: family records indexed by id_keluarga_sumber)."""
    f = fam_by_id.loc[rec["id_keluarga_sumber"]]
    fids = f["fid"].to_numpy()
    at = f["snapshot_date"].to_numpy()
    age = np.maximum((at - rec["tgl_lahir"].to_numpy()) / DAY / 365.25, 0)
    pid = rec["pid"].to_numpy()
    noise = np.where((pid >= 0)[:, None], world.person_noise[np.maximum(pid, 0)], 0.0)
    s = _s_at(world, fids, f["snapshot_z"].to_numpy())
    return person_variables(age, rec["jenis_kelamin"].to_numpy(), s, world.families["urban"].to_numpy()[fids],
                            rec["pekerjaan"].to_numpy(), noise)


def iter_dukcapil(world: World, chunk: int = 400_000):
    """The civil-registry extract, ``chunk`` people at a time (living and deceased)."""
    for start in range(0, max(len(world.persons), 1), chunk):
        yield _dukcapil_chunk(world, world.persons.iloc[start:start + chunk])


def _dukcapil_chunk(world: World, p: pd.DataFrame) -> pd.DataFrame:
    fam = world.families
    fid = p["fid"].to_numpy()
    alive = p["alive"].to_numpy()
    kk = pc.if_else(pa.array(alive), pa.array(take_text(fam["kk"], fid)), pa.array(p["kk_last"].array))
    return pd.DataFrame({
        "nik": p["nik"].array, "no_kk": pd.arrays.ArrowExtensionArray(kk), "nama": p["name"].array, "tgl_lahir": p["birth"].to_numpy(),
        "jenis_kelamin": p["sex"].array, "hubungan_keluarga": p["relation"].array, "pekerjaan": p["occupation"].array,
        "kode_desa": take_labels(fam["desa"], fid), "alamat": take_text(fam["alamat"], fid),
        "rt": fam["rt"].to_numpy()[fid], "rw": fam["rw"].to_numpy()[fid],
        "status_hidup": pd.Categorical.from_codes(np.where(alive, 0, 1).astype(np.int8), categories=pd.Index(["HIDUP", "MATI"], dtype=object)),
        "tgl_meninggal": p["death_date"].to_numpy(),
    })


CHUNK = 400_000


def registry_families(world: World, reg: Registry, extra: list[str] | None = None, variables: list[str] | None = None) -> pd.DataFrame:
    return pd.concat(list(iter_registry_families(world, reg, extra, variables, chunk=None)), ignore_index=True)


def iter_registry_families(world: World, reg: Registry, extra: list[str] | None = None, variables: list[str] | None = None,
                           chunk: int | None = CHUNK):
    """Listed family records with their variables as verified, ``chunk`` records at a time."""
    is_listed = reg.families["listed"].to_numpy()
    listed = reg.families[is_listed]
    persons = reg.persons[reg.persons["listed"]]
    heads = persons[persons["hubungan_keluarga"] == "KEPALA KELUARGA"].drop_duplicates("id_keluarga_sumber")
    head_name = heads.set_index("id_keluarga_sumber")["nama"]
    kept = None
    if reg.keeps_variables:
        f = reg.families
        kept = _as_verified(reg, "families", _stamp(f),
                            lambda rows: _family_vars(world, f["fid"].to_numpy()[rows], f["snapshot_z"].to_numpy()[rows]))[is_listed]
    step = chunk or max(len(listed), 1)
    for start in range(0, max(len(listed), 1), step):
        f = listed.iloc[start:start + step]
        v = kept.iloc[start:start + step].reset_index(drop=True) if kept is not None else _family_vars(
            world, f["fid"].to_numpy(), f["snapshot_z"].to_numpy())
        yield _family_chunk(reg, f, head_name, extra, v[variables] if variables is not None else v)


def _family_chunk(reg, f, head_name, extra, v: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "id_keluarga_sumber": reg.family_ids(f["id_keluarga_sumber"]), "no_kk": f["no_kk"].array,
        "nama_kepala": f["id_keluarga_sumber"].map(head_name).to_numpy(dtype=object, na_value=None),
        "kode_desa": f["kode_desa"].array, "alamat": f["alamat"].array,
        "rt": f["rt"].to_numpy(), "rw": f["rw"].to_numpy(), "tgl_pendataan": f["snapshot_date"].to_numpy(),
    })
    for col in extra or []:
        out[col] = f[col].to_numpy()
    return pd.concat([out, v], axis=1)


def registry_persons(world: World, reg: Registry, variables: list[str] | None = None) -> pd.DataFrame:
    return pd.concat(list(iter_registry_persons(world, reg, variables, chunk=None)), ignore_index=True)


def iter_registry_persons(world: World, reg: Registry, variables: list[str] | None = None, chunk: int | None = CHUNK):
    """Listed person records with their individual variables, ``chunk`` records at a time."""
    is_listed = reg.persons["listed"].to_numpy()
    listed = reg.persons[is_listed]
    fam = reg.families.set_index("id_keluarga_sumber")
    kept = None
    if reg.keeps_variables:
        p = reg.persons
        kept = _as_verified(reg, "persons", _stamp(fam[["snapshot_date", "snapshot_z"]].loc[p["id_keluarga_sumber"]]),
                            lambda rows: _person_vars(world, p.iloc[rows], fam))[is_listed]
    step = chunk or max(len(listed), 1)
    for start in range(0, max(len(listed), 1), step):
        rec = listed.iloc[start:start + step].reset_index(drop=True)
        v = kept.iloc[start:start + step].reset_index(drop=True) if kept is not None else _person_vars(world, rec, fam)
        yield _person_chunk(reg, rec, fam, v[variables] if variables is not None else v)


def _person_chunk(reg, rec, fam, v: pd.DataFrame) -> pd.DataFrame:
    out = rec[["nik", "nama", "tgl_lahir", "jenis_kelamin", "hubungan_keluarga", "pekerjaan"]].copy()
    out.insert(0, "id_keluarga_sumber", reg.family_ids(rec["id_keluarga_sumber"]))
    out.insert(0, "id_sumber", reg.person_ids(rec["id_sumber"]))
    out["no_kk"] = fam.loc[rec["id_keluarga_sumber"], "no_kk"].array
    if "nik_cell" in rec:
        out["nik_cell"] = rec["nik_cell"].to_numpy()
    return pd.concat([out, v], axis=1)


def _stamp(families: pd.DataFrame) -> np.ndarray:
    """What a family record's variables were verified from: its verification date and welfare."""
    return np.column_stack([families["snapshot_date"].to_numpy().astype(np.int64), families["snapshot_z"].to_numpy()])


def _as_verified(reg: Registry, kind: str, stamp: np.ndarray, compute) -> pd.DataFrame:
    """Variables of every record of ``reg`` (one per row of ``stamp``) as last verified. A registry
    that lives on (DTKS) keeps them from quarter to quarter; only new records and re-verified
    families (whose stamp changed) are computed, ``compute(rows)``, ``CHUNK`` records at a time."""
    n = len(stamp)
    stale = np.ones(n, dtype=bool)
    kept, kept_stamp = reg.variables.get(kind, (None, stamp[:0]))
    k = len(kept_stamp)
    stale[:k] = (kept_stamp != stamp[:k]).any(axis=1)
    rows = np.flatnonzero(stale)
    fresh = [compute(rows[start:start + CHUNK]) for start in range(0, max(len(rows), 1), CHUNK)]
    if kept is None and len(rows) == n:
        out = pd.concat(fresh, ignore_index=True)
    else:
        position = np.arange(n)
        position[rows] = k + np.arange(len(rows))
        out = pd.concat([kept, *fresh], ignore_index=True).take(position).reset_index(drop=True)
    reg.variables[kind] = (out, stamp)
    return out


def to_bps(world: World, kode_desa: pd.Series) -> np.ndarray:
    """Kemendagri village codes to BPS village codes (the crosswalk of the region reference)."""
    xwalk = world.regions.desa.set_index("kode_desa")["kode_desa_bps"]
    return kode_desa.map(xwalk).to_numpy(dtype=object)


# --- recipients -----------------------------------------------------------------------------
def _pkh_component(world: World) -> np.ndarray:
    """Per family (by fid): has a living child or elderly member."""
    p = world.persons
    alive = p["alive"].to_numpy()
    age = (world.date - p["birth"].to_numpy()[alive]) / DAY / 365.25
    has = (age < 19) | (age >= 70)
    return np.bincount(p["fid"].to_numpy()[alive][has], minlength=len(world.families)) > 0


def _carers(persons: pd.DataFrame) -> pd.Series:
    """Position (in ``persons``) of each family record's carer: the wife, else the head, else the
    first member, as recorded; indexed by id_keluarga_sumber."""
    relation = persons["hubungan_keluarga"]
    rank = np.select([(relation == "ISTRI").to_numpy(), (relation == "KEPALA KELUARGA").to_numpy()], [0, 1], 2)
    ids = persons["id_keluarga_sumber"].to_numpy()
    order = np.lexsort((rank, ids))
    first = order[np.r_[True, ids[order][1:] != ids[order][:-1]]] if len(order) else order
    return pd.Series(first, index=ids[first])


def _members_in_order(persons: pd.DataFrame, family_ids: np.ndarray) -> np.ndarray:
    """Positions (in ``persons``) of the members of these family records, family by family in the
    given order, members in their record order."""
    ids = persons["id_keluarga_sumber"].to_numpy()
    rank = np.full(ids.max(initial=-1) + 1, -1)
    rank[family_ids] = np.arange(len(family_ids))
    key = rank[ids]
    inside = np.flatnonzero(key >= 0)
    return inside[np.argsort(key[inside], kind="stable")]


def recipients(world: World, dtks: Registry, rng: np.random.Generator, cfg: dict, stable_noise: np.ndarray) -> dict[str, pd.DataFrame]:
    """PKH, Sembako and PBI-JK lists: chosen among DTKS families by a stale, noisy welfare score,
    plus a few random households; NIKs as DTKS recorded them (with its errors).

    ``stable_noise`` (families x 3) keeps each family's score noise fixed across quarters.
    Returns canonical frames; each has ``pid`` and ``jenis_galat`` for the truth.
    """
    c = cfg["sources"]["recipients"]
    fam = world.families
    n_families = int(fam["active"].sum())
    n_people = int(world.persons["alive"].sum())
    persons = dtks.persons[dtks.persons["listed"]]
    f = dtks.families[dtks.families["listed"] & dtks.families["id_keluarga_sumber"].isin(persons["id_keluarga_sumber"])]
    f = f.drop_duplicates("fid")
    base_score = _s_at(world, f["fid"].to_numpy(), f["snapshot_z"].to_numpy())
    component = _pkh_component(world)[f["fid"].to_numpy()]
    carer = _carers(persons)
    out = {}
    for k, (program, eligible) in enumerate((("pkh", component), ("sembako", np.ones(len(f), dtype=bool)))):
        score = base_score + c[program]["noise_sd"] * stable_noise[f["fid"].to_numpy(), k]
        target = int(round(c[program]["share"] * n_families * (1 - c["random_inclusion"])))
        order = np.argsort(np.where(eligible, score, np.inf), kind="stable")[: min(target, int(eligible.sum()))]
        chosen = f.iloc[order]
        rows = persons.iloc[carer.loc[chosen["id_keluarga_sumber"]].to_numpy()]
        listed = pd.DataFrame({"id_sumber": (program.upper() + "-" + pd.Series(dtks.family_ids(chosen["id_keluarga_sumber"]))).to_numpy(dtype=object),
                               "pid": rows["pid"].to_numpy(), "nik": rows["nik"].to_numpy(dtype=object), "nama": rows["nama"].to_numpy(dtype=object),
                               "no_kk": chosen["no_kk"].to_numpy(dtype=object), "kode_desa": chosen["kode_desa"].to_numpy(dtype=object),
                               "jenis_galat": rows["jenis_galat"].to_numpy(dtype=object)})
        extra = _random_households(world, rng, int(round(c["random_inclusion"] * target)))
        extra["id_sumber"] = (program.upper() + "-X" + extra["pid"].astype(str).str.zfill(11)).to_numpy(dtype=object)
        frame = pd.concat([listed, extra], ignore_index=True)
        if program == "pkh":
            frame["komponen"] = np.where(frame["pid"] >= 0, "ANAK SEKOLAH/BALITA/LANSIA", None)
        out[program] = frame
    # PBI-JK: individuals of the lowest-score families
    score = base_score + c["pbi_jk"]["noise_sd"] * stable_noise[f["fid"].to_numpy(), 2]
    members = _members_in_order(persons, f["id_keluarga_sumber"].to_numpy()[np.argsort(score, kind="stable")])
    pid = persons["pid"].to_numpy()[members]
    asn = (pid >= 0) & is_in(world.persons["occupation"], ASN_OCCUPATIONS)[np.maximum(pid, 0)]
    members = members[~(asn & (rng.random(len(members)) < c["pbi_jk"]["asn_excluded"]))]
    target = int(round(c["pbi_jk"]["share"] * n_people * (1 - c["random_inclusion"])))
    members = persons.iloc[members[:target]]
    extra_p = world.persons.index[world.persons["alive"]].to_numpy()
    extra_p = rng.choice(extra_p, min(len(extra_p), int(round(c["random_inclusion"] * target))), replace=False)
    pbi = pd.concat([
        members[["pid", "nik", "nama", "tgl_lahir", "jenis_kelamin", "jenis_galat"]].assign(
            id_sumber=padded_ids("0", members["id_sumber"])),
        pd.DataFrame({"id_sumber": padded_ids("9", extra_p), "pid": extra_p, "nik": world.persons.loc[extra_p, "nik"].to_numpy(dtype=object),
                      "nama": world.persons.loc[extra_p, "name"].to_numpy(dtype=object),
                      "tgl_lahir": world.persons.loc[extra_p, "birth"].to_numpy(),
                      "jenis_kelamin": world.persons.loc[extra_p, "sex"].to_numpy(dtype=object), "jenis_galat": "none"}),
    ], ignore_index=True)
    fid = world.persons["fid"].to_numpy()[np.maximum(pbi["pid"].to_numpy(), 0)]
    pbi["kode_kabupaten"] = fam["kab"].to_numpy(dtype=object)[fid]
    pbi["status_kepesertaan"] = "AKTIF"
    out["pbi_jk"] = pbi
    # a few more typing errors on the recipient lists themselves
    for program, frame in out.items():
        clean = (frame["jenis_galat"] == "none").to_numpy() & frame["nik"].notna().to_numpy()
        idx = np.flatnonzero(clean)
        sub = frame.iloc[idx].assign(tgl_lahir=np.datetime64("1980-01-01", "s"), jenis_kelamin="L", fid=0)
        kinds = errors.assign(rng, cfg["errors"]["recipients"], {}, len(sub))
        changed = errors.apply(rng, sub[["nik", "nama", "tgl_lahir", "jenis_kelamin", "fid"]], kinds)
        frame.loc[frame.index[idx], "nik"] = changed["nik"].to_numpy()
        frame.loc[frame.index[idx], "jenis_galat"] = changed["jenis_galat"].to_numpy()
    return out


def _random_households(world: World, rng, n: int) -> pd.DataFrame:
    """Recipients with no basis in DTKS (plain inclusion errors), with their true NIK."""
    fam = world.families[world.families["active"]]
    fids = rng.choice(fam.index.to_numpy(), min(n, len(fam)), replace=False)
    heads = world.persons[world.persons["alive"] & world.persons["fid"].isin(fids)].sort_values(["fid", "relation"]).drop_duplicates("fid")
    return pd.DataFrame({"pid": heads.index.to_numpy(), "nik": heads["nik"].to_numpy(dtype=object), "nama": heads["name"].to_numpy(dtype=object),
                         "no_kk": world.families.loc[heads["fid"], "kk"].to_numpy(dtype=object),
                         "kode_desa": world.families.loc[heads["fid"], "desa"].to_numpy(dtype=object), "jenis_galat": "none"})


# --- negative lists ---------------------------------------------------------------------------
def _stable_uniform(pid: np.ndarray, salt: int) -> np.ndarray:
    """A per-person uniform that does not change between quarters (a hash of the person id)."""
    x = (pid.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt)) & np.uint64(0xFFFFFFFF)
    return x.astype(np.float64) / 2**32


def asn_list(world: World, rng, cfg: dict) -> pd.DataFrame:
    p = world.persons
    m = p["alive"].to_numpy() & is_in(p["occupation"], ASN_OCCUPATIONS)
    m &= _stable_uniform(p.index.to_numpy(), 11) < cfg["sources"]["negative"]["asn_listed"]
    a = p[m]
    kind = a["occupation"].map({"PEGAWAI NEGERI SIPIL": "ASN", "TENTARA NASIONAL INDONESIA": "TNI", "KEPOLISIAN RI": "POLRI"})
    kab = world.families["kab"].to_numpy()[a["fid"].to_numpy()]
    names = world.regions.kabupaten.set_index("kode_kabupaten")["nama_kabupaten"]
    instansi = np.where(kind == "TNI", "TNI ANGKATAN DARAT", np.where(kind == "POLRI", "KEPOLISIAN NEGARA RI",
                        "PEMERINTAH " + pd.Series(kab).map(names).to_numpy(dtype=object)))
    birth = pd.DatetimeIndex(a["birth"])
    tmt_year = np.minimum(birth.year.to_numpy() + 23 + (_stable_uniform(a.index.to_numpy(), 12) * 10).astype(int), 2024)
    nip = (pd.Series(birth.strftime("%Y%m%d")) + pd.Series(tmt_year).astype(str) + "03"
           + np.where(a["sex"].to_numpy() == "L", "1", "2") + pd.Series(a.index.to_numpy() % 1000).astype(str).str.zfill(3))
    titled = _stable_uniform(a.index.to_numpy(), 13) < 0.4
    nama = a["name"].to_numpy(dtype=object).copy()
    nama[titled] = add_title(nama[titled], a["sex"].to_numpy()[titled], birth.year.to_numpy()[titled], rng)
    return pd.DataFrame({"nip": nip.to_numpy(dtype=object), "nik": a["nik"].to_numpy(dtype=object), "nama": nama,
                         "kategori": kind.to_numpy(dtype=object), "instansi": instansi,
                         "tgl_mulai": pd.to_datetime(pd.Series(tmt_year).astype(str) + "-03-01").to_numpy()})


def ppatk_list(world: World, recipient_pids: np.ndarray, cfg: dict) -> pd.DataFrame:
    c = cfg["sources"]["negative"]
    p = world.persons
    age = (world.date - p["birth"].to_numpy()) / DAY / 365.25
    u = _stable_uniform(p.index.to_numpy(), 21)
    recipient = np.zeros(len(p), dtype=bool)
    recipient[recipient_pids[recipient_pids >= 0]] = True
    m = p["alive"].to_numpy() & (age >= 18) & (u < np.where(recipient, c["ppatk_recipient_share"], c["ppatk_other_adults"]))
    report = world.date - (1 + (u[m] * 1e6).astype(int) % 80) * DAY
    return pd.DataFrame({"nik": p.loc[m, "nik"].array, "tgl_laporan": report.astype("datetime64[s]")})


# --- survey -----------------------------------------------------------------------------------
def survey(world: World, rng, cfg: dict, period: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = cfg["sources"]["survey"]
    fam = world.families
    active = fam.index.to_numpy()[fam["active"].to_numpy()]
    n = min(len(active), max(c["min_families"], int(round(c["family_share"] * len(active)))))
    fids = np.sort(rng.choice(active, n, replace=False))
    size = world.living_size().to_numpy()[fids]
    logc = world.log_consumption().to_numpy()[fids]
    ids = (f"S{period}" + pd.Series(np.arange(n)).astype(str).str.zfill(7)).to_numpy(dtype=object)
    kec_bps = world.regions.kecamatan.set_index("kode_kecamatan")["kode_kecamatan_bps"]
    kab_bps = world.regions.kabupaten.set_index("kode_kabupaten")["kode_kabupaten_bps"]  # the survey is BPS-coded
    keluarga = pd.DataFrame({
        "id_sumber": ids, "kode_kabupaten": fam["kab"].map(kab_bps).to_numpy(dtype=object)[fids],
        "kode_kecamatan": fam["kec"].map(kec_bps).to_numpy(dtype=object)[fids], "perkotaan": fam["urban"].to_numpy()[fids],
        "jumlah_anggota": size, "konsumsi_per_kapita": np.round(np.exp(logc + rng.normal(0, c["measurement_sd"], n)), -2),
        "bobot": np.full(n, len(active) / n),
    })
    keluarga = pd.concat([keluarga, _family_vars(world, fids, fam["z"].to_numpy()[fids])], axis=1)
    p = world.persons
    m = p["alive"].to_numpy() & np.isin(p["fid"].to_numpy(), fids)
    mem = p[m].sort_values(["fid", "birth"])
    rec = pd.DataFrame({"pid": mem.index.to_numpy(), "id_keluarga_sumber": mem["fid"].to_numpy(),
                        "tgl_lahir": mem["birth"].to_numpy(), "jenis_kelamin": mem["sex"].to_numpy(dtype=object),
                        "pekerjaan": mem["occupation"].to_numpy(dtype=object)})
    fam_rec = pd.DataFrame({"id_keluarga_sumber": fids, "fid": fids, "snapshot_z": fam["z"].to_numpy()[fids],
                            "snapshot_date": np.full(n, world.date).astype("datetime64[s]")})
    id_of = pd.Series(ids, index=fids)
    anggota = pd.DataFrame({
        "id_sumber": id_of.loc[mem["fid"]].to_numpy(), "nomor_anggota": mem.groupby("fid").cumcount().to_numpy() + 1,
        "hubungan_keluarga": mem["relation"].to_numpy(dtype=object), "jenis_kelamin": mem["sex"].to_numpy(dtype=object),
        "umur": np.floor((world.date - mem["birth"].to_numpy()) / DAY / 365.25).astype(int),
        "pekerjaan": mem["occupation"].to_numpy(dtype=object),
    })
    anggota = pd.concat([anggota, _person_vars(world, rec, fam_rec.set_index("id_keluarga_sumber"))], axis=1)
    return keluarga, anggota


# --- truth --------------------------------------------------------------------------------------
def welfare_truth(world: World) -> pd.DataFrame:
    fam = world.families[world.families["active"]]
    fids = fam.index.to_numpy()
    size = world.living_size().to_numpy()[fids]
    logc = world.log_consumption().to_numpy()[fids]
    origin = fam["origin_fid"].to_numpy()
    out = pd.DataFrame({
        "no_kk": fam["kk"].array, "id_keluarga_benar": fids,
        "konsumsi_per_kapita": np.round(np.exp(logc), 0), "jumlah_anggota": size,
        "kode_desa": fam["desa"].to_numpy(dtype=object), "kode_kabupaten": fam["kab"].to_numpy(dtype=object),
        "kode_provinsi": fam["prov"].to_numpy(dtype=object),
        "no_kk_asal": take_text(world.families["kk"], np.maximum(origin, 0), valid=origin >= 0),
    })
    out["desil_nasional"] = weighted_deciles(logc, size, fids)
    out["desil_provinsi"] = weighted_deciles(logc, size, fids, out["kode_provinsi"].to_numpy())
    out["desil_kabupaten"] = weighted_deciles(logc, size, fids, out["kode_kabupaten"].to_numpy())
    return out
