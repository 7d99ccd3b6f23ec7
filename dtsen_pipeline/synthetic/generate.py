"""Generate a synthetic DTSEN world: raw extracts per quarter and the ground truth beside them.

    out/raw/<YYYY-MM-DD>/<source>/...   the extracts, each in its source's native layout
    out/raw/<YYYY-MM-DD>/manifest.json  files, rows, bytes and sha256 of the quarter
    out/truth/<YYYY-MM-DD>/*.parquet    the truth (evaluation only: never read by the stages)

The world is advanced quarter by quarter in memory and each quarter is written before the next
is simulated, so memory stays at one world plus its registries.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..sources.mapping import load_mapping
from . import extracts, registries
from .config import load_world, quarter_starts
from .dynamics import advance
from .population import initial_world
from .regions import build_regions, load_catalog
from .writers import write, write_xlsx

log = logging.getLogger("dtsen.generate")

TRUTH_README = """Ground truth of a synthetic DTSEN world (evaluation only; the pipeline's stages never read it).

padan.parquet          one row per source person record (dukcapil, dtks, p3ke, regsosek):
                       sumber, id_sumber (the source's own record id), nik_benar (the person's true
                       Dukcapil NIK, null if Dukcapil does not know the person), jenis_galat (injected
                       identity error, 'none' if none), duplikat_dari (id_sumber of the record this one
                       duplicates inside the same source, else null)
kesejahteraan.parquet  one row per living Dukcapil family: no_kk, id_keluarga_benar (stable truth id),
                       konsumsi_per_kapita (true monthly rupiah), jumlah_anggota, kode_desa,
                       kode_kabupaten, kode_provinsi, no_kk_asal (KK of the family it split from),
                       desil_nasional, desil_provinsi, desil_kabupaten (population-weighted)
penerima.parquet       one row per recipient-list row: program, id_sumber, nik_benar, jenis_galat,
                       no_kk_benar, desil_nasional_benar, meninggal, asn
"""


def generate(out: str | Path, scale: float | None = None, seed: int | None = None, world_file: str | Path | None = None,
             mapping_file: str | Path | None = None) -> dict:
    """Write the world's raw extracts and truth under ``out``; returns a summary per quarter.

    Generation keeps strings as numpy object arrays: pandas 3's default arrow-backed ``str``
    dtype would convert every array back and forth, a quarter of the run time. (The option is
    deprecated for pandas 4; by then the hot paths should build arrow arrays directly.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*infer_string.*")
        with pd.option_context("future.infer_string", False):
            return _generate(out, scale, seed, world_file, mapping_file)


def _generate(out, scale, seed, world_file, mapping_file) -> dict:
    t0 = time.monotonic()
    cfg = load_world(world_file, scale=scale, seed=seed)
    mapping = load_mapping(mapping_file)
    out = Path(out)
    rng = np.random.default_rng(cfg["seed"])
    regions = build_regions(load_catalog(), rng, regencies=list(cfg["regencies"]))
    world = initial_world(cfg, regions, rng)
    log.info("world: %d people in %d families, %d regencies (scale %s, seed %s) in %.1fs",
             world.persons["alive"].sum(), len(world.families), len(cfg["regencies"]), cfg["scale"], cfg["seed"], time.monotonic() - t0)
    dtks = registries.dtks_init(world, rng, cfg)
    p3ke = registries.p3ke_init(world, rng, cfg)
    regsosek = registries.regsosek_init(world, rng, cfg)
    log.info("registries: dtks %d, p3ke %d, regsosek %d person records (%.1fs)",
             len(dtks.persons), len(p3ke.persons), len(regsosek.persons), time.monotonic() - t0)
    recipient_noise = rng.standard_normal((len(world.families) * 2, 3))
    static = out / ".static"
    static_files = _write_static(world, p3ke, regsosek, mapping, static)

    summary = {}
    for q, date in enumerate(quarter_starts(cfg)):
        if q:
            advance(world, rng)
            registries.dtks_update(dtks, world, rng, cfg)
        if len(world.families) > len(recipient_noise):
            recipient_noise = np.vstack([recipient_noise, rng.standard_normal((len(world.families), 3))])
        key = date.isoformat()
        qdir, tdir = out / "raw" / key, out / "truth" / key
        if qdir.exists():
            shutil.rmtree(qdir)
        rows = _write_quarter(world, dtks, mapping, rng, cfg, recipient_noise, qdir, tdir, q)
        for rel in static_files:
            (qdir / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(static / rel, qdir / rel)
        rows["padan"] = _write_padan(world, {"dtks": dtks, "p3ke": p3ke, "regsosek": regsosek}, tdir)
        _write_manifest(qdir, key, cfg)
        summary[key] = rows
        log.info("quarter %s written: %d living people, %d families (%.1fs)", key, world.persons["alive"].sum(),
                 int(world.families["active"].sum()), time.monotonic() - t0)
    shutil.rmtree(static)
    (out / "truth" / "README.txt").write_text(TRUTH_README, encoding="utf-8")
    return summary


def _spec(mapping: dict, source: str, name: str) -> dict:
    return mapping[source]["files"][name]


def _path(qdir: Path, spec: dict, stem: str | None = None) -> Path:
    """A file name that matches the spec's pattern (``dir/name*.ext`` -> ``dir/name<stem>.ext``)."""
    pattern = spec["pattern"]
    return qdir / pattern.replace("*", stem or "")


def _write_static(world, p3ke, regsosek, mapping, static: Path) -> list[str]:
    """P3KE (2021) and REGSOSEK (2022) do not change: written once, copied into every quarter."""
    if static.exists():
        shutil.rmtree(static)
    files = []
    fam = extracts.registry_families(world, p3ke, extra=["desil_p3ke"], variables=_variables(_spec(mapping, "p3ke", "keluarga")))
    ind = extracts.registry_persons(world, p3ke, variables=_variables(_spec(mapping, "p3ke", "individu")))
    fam_kab = fam["kode_desa"].str.slice(0, 4)
    ind_kab = ind["id_keluarga_sumber"].map(pd.Series(fam_kab.to_numpy(), index=fam["id_keluarga_sumber"]))
    for kab in sorted(fam_kab.unique()):
        path = _path(static, _spec(mapping, "p3ke", "keluarga"), kab)
        write_xlsx([(_only(fam[fam_kab == kab], mapping, "p3ke", "keluarga"), _spec(mapping, "p3ke", "keluarga")),
                    (_only(ind[(ind_kab == kab).to_numpy()], mapping, "p3ke", "individu"), _spec(mapping, "p3ke", "individu"))], path)
        files.append(str(path.relative_to(static)))
    families = (c.assign(kode_desa=extracts.to_bps(world, c["kode_desa"])) for c in extracts.iter_registry_families(world, regsosek))
    for name, frames in (("keluarga", families), ("individu", extracts.iter_registry_persons(world, regsosek))):
        spec = _spec(mapping, "regsosek", name)
        path = _path(static, spec)
        write((_only(c, mapping, "regsosek", name) for c in frames), spec, path)
        files.append(str(path.relative_to(static)))
    return files


def _variables(spec: dict) -> list[str]:
    from .welfare import FAMILY_VARIABLES, WG_DOMAINS

    known = set(FAMILY_VARIABLES) | set(WG_DOMAINS) | {
        "partisipasi_sekolah", "jenjang_pendidikan", "ijazah_tertinggi", "status_bekerja", "lapangan_usaha",
        "status_kedudukan_kerja", "punya_usaha", "jumlah_usaha", "jumlah_pekerja_usaha", "omzet_usaha_per_bulan",
        "disabilitas_berat", "penyakit_kronis", "depresi", "status_gizi_balita"}
    return [c for c in spec["columns"] if c in known]


def _only(frame: pd.DataFrame, mapping: dict, source: str, name: str) -> pd.DataFrame:
    """The frame's columns that the source's layout carries (helper columns kept for writers)."""
    spec = _spec(mapping, source, name)
    return frame[[c for c in frame.columns if c in spec["columns"] or c == "nik_cell"]]


def _write_quarter(world, dtks, mapping, rng, cfg, recipient_noise, qdir: Path, tdir: Path, q: int) -> dict:
    rows = {}
    rows["dukcapil"] = write(extracts.dukcapil(world), _spec(mapping, "dukcapil", "individu"), _path(qdir, _spec(mapping, "dukcapil", "individu")))
    for name, frames in (("keluarga", extracts.iter_registry_families(world, dtks)), ("individu", extracts.iter_registry_persons(world, dtks))):
        spec = _spec(mapping, "dtks", name)
        rows[f"dtks_{name}"] = write((_only(c, mapping, "dtks", name) for c in frames), spec, _path(qdir, spec))
    lists = extracts.recipients(world, dtks, rng, cfg, recipient_noise)
    for program, frame in lists.items():
        source = f"penerima_{program}"
        rows[source] = write(_only(frame, mapping, source, "penerima"), _spec(mapping, source, "penerima"), _path(qdir, _spec(mapping, source, "penerima")))
    asn = extracts.asn_list(world, rng, cfg)
    rows["negatif_asn"] = write(asn, _spec(mapping, "negatif_asn", "daftar"), _path(qdir, _spec(mapping, "negatif_asn", "daftar")))
    all_pids = np.concatenate([f["pid"].to_numpy() for f in lists.values()])
    ppatk = extracts.ppatk_list(world, all_pids, cfg)
    rows["negatif_ppatk"] = write(ppatk, _spec(mapping, "negatif_ppatk", "daftar"), _path(qdir, _spec(mapping, "negatif_ppatk", "daftar")))
    keluarga, anggota = extracts.survey(world, rng, cfg, q)
    rows["survei_keluarga"] = write(keluarga, _spec(mapping, "survei", "keluarga"), _path(qdir, _spec(mapping, "survei", "keluarga")))
    rows["survei_anggota"] = write(anggota, _spec(mapping, "survei", "anggota"), _path(qdir, _spec(mapping, "survei", "anggota")))
    ref = world.regions.referensi()
    rows["wilayah"] = write(ref, _spec(mapping, "wilayah", "referensi"), _path(qdir, _spec(mapping, "wilayah", "referensi")))

    tdir.mkdir(parents=True, exist_ok=True)
    truth = extracts.welfare_truth(world)
    truth.to_parquet(tdir / "kesejahteraan.parquet", index=False)
    _recipient_truth(world, lists, truth).to_parquet(tdir / "penerima.parquet", index=False)
    return rows


def _recipient_truth(world, lists: dict, welfare: pd.DataFrame) -> pd.DataFrame:
    p = world.persons
    parts = []
    desil = pd.Series(welfare["desil_nasional"].to_numpy(), index=welfare["id_keluarga_benar"].to_numpy())
    for program, frame in lists.items():
        pid = frame["pid"].to_numpy()
        known = pid >= 0
        safe = np.maximum(pid, 0)
        fid = p["fid"].to_numpy()[safe]
        parts.append(pd.DataFrame({
            "program": program, "id_sumber": frame["id_sumber"].to_numpy(dtype=object),
            "nik_benar": np.where(known, p["nik"].to_numpy(dtype=object)[safe], None),
            "jenis_galat": frame["jenis_galat"].to_numpy(dtype=object),
            "no_kk_benar": np.where(known, world.families["kk"].to_numpy(dtype=object)[fid], None),
            "desil_nasional_benar": np.where(known, pd.Series(fid).map(desil).to_numpy(), np.nan),
            "meninggal": known & ~p["alive"].to_numpy()[safe],
            "asn": known & p["occupation"].isin(["PEGAWAI NEGERI SIPIL", "TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI"]).to_numpy()[safe],
        }))
    return pd.concat(parts, ignore_index=True)


def _write_padan(world, regs: dict, tdir: Path) -> int:
    nik = world.persons["nik"].to_numpy(dtype=object)
    parts = [pd.DataFrame({"sumber": "dukcapil", "id_sumber": nik, "nik_benar": nik, "jenis_galat": "none", "duplikat_dari": None})]
    for name, reg in regs.items():
        rec = reg.persons[reg.persons["listed"]]
        pid = rec["pid"].to_numpy()
        parts.append(pd.DataFrame({
            "sumber": name, "id_sumber": rec["id_sumber"].to_numpy(dtype=object),
            "nik_benar": np.where(pid >= 0, nik[np.maximum(pid, 0)], None),
            "jenis_galat": rec["jenis_galat"].to_numpy(dtype=object), "duplikat_dari": rec["duplikat_dari"].to_numpy(dtype=object),
        }))
    padan = pd.concat(parts, ignore_index=True)
    padan.to_parquet(tdir / "padan.parquet", index=False)
    return len(padan)


def _write_manifest(qdir: Path, key: str, cfg: dict) -> None:
    files = []
    for path in sorted(p for p in qdir.rglob("*") if p.is_file() and p.name != "manifest.json"):
        data = path.read_bytes()
        files.append({"path": str(path.relative_to(qdir)), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    manifest = {"periode": key, "world": cfg.get("name"), "seed": cfg["seed"], "scale": cfg["scale"], "files": files}
    (qdir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
