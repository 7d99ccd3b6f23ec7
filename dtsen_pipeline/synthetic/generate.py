"""Generate a synthetic DTSEN world: raw extracts per quarter and the ground truth beside them.

    out/raw/<YYYY-MM-DD>/<source>/...   the extracts, each in its source's native layout
    out/raw/<YYYY-MM-DD>/manifest.json  files, rows, bytes and sha256 of the quarter
    out/truth/<YYYY-MM-DD>/*.parquet    the truth (evaluation only: never read by the stages)

The world is advanced quarter by quarter in memory and each quarter is written before the next
is simulated, so memory stays at one world plus its registries.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import resource
import shutil
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..sources.mapping import load_mapping
from . import extracts, registries
from .columns import is_in, take_text
from .config import load_world, quarter_starts
from .dynamics import advance
from .population import initial_world
from .regions import build_regions, load_catalog
from .welfare import ASN_OCCUPATIONS, FAMILY_VARIABLES, PERSON_VARIABLES
from .writers import write, write_xlsx

log = logging.getLogger("dtsen.generate")


@contextlib.contextmanager
def _step(name: str):
    """DEBUG log of a step's duration, the process's resident memory after it and its peak so far."""
    start = time.monotonic()
    yield
    if log.isEnabledFor(logging.DEBUG):
        statm = Path("/proc/self/statm")
        rss = int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**30 if statm.exists() else float("nan")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux
        log.debug("%s: %.1fs, rss %.2f GiB, peak %.2f GiB", name, time.monotonic() - start, rss, peak)

TRUTH_README = """Ground truth of a synthetic DTSEN world (evaluation only; the pipeline's stages never read it).

padan.parquet          one row per source person record (dukcapil, dtks, p3ke, regsosek):
                       sumber, id_sumber (the source's own record id), nik_benar (the person's true
                       Dukcapil NIK, null if Dukcapil does not know the person), jenis_galat (injected
                       identity error, 'none' if none), duplikat_dari (id_sumber of the record this one
                       duplicates inside the same source and quarter, else null)
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

    The world and the registries hold their text compactly and explicitly (columns.py:
    categoricals and Arrow strings); the simulation steps work on small numpy object arrays, for
    which pandas 3's default inference of an arrow-backed ``str`` dtype would convert every array
    back and forth. (The option is deprecated for pandas 4; by then those steps should build
    Arrow arrays directly too.)
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
    with _step("world built"):
        world = initial_world(cfg, regions, rng)
    log.info("world: %d people in %d families, %d regencies (scale %s, seed %s) in %.1fs",
             world.persons["alive"].sum(), len(world.families), len(cfg["regencies"]), cfg["scale"], cfg["seed"], time.monotonic() - t0)
    # P3KE (2021) and REGSOSEK (2022) never change: each is written once (its files are copied into
    # every quarter) and reduced to its compact padan truth. The Dukcapil extract, the padan truth
    # and the P3KE workbooks draw no random numbers: they are written in a background thread beside
    # the main one (pyarrow's writers and zlib release the GIL; the Rust xlsx writer mostly holds
    # it); everything that draws from rng stays on the main thread in a fixed order, so the output
    # is the same for a seed. P3KE is written while REGSOSEK and DTKS are built; REGSOSEK is freed
    # before DTKS.
    static = out / ".static"
    if static.exists():
        shutil.rmtree(static)
    summary = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dtsen-write") as background:
        with _step("p3ke built"):
            p3ke = registries.p3ke_init(world, rng, cfg)
        p3ke_job = background.submit(_write_static, world, p3ke, _write_p3ke, mapping, static)
        del p3ke
        with _step("regsosek built"):
            regsosek = registries.regsosek_init(world, rng, cfg)
        regsosek_entries, regsosek_padan = _write_static(world, regsosek, _write_regsosek, mapping, static)
        del regsosek
        with _step("dtks built"):
            dtks = registries.dtks_init(world, rng, cfg)
        log.info("registries ready: dtks %d person records (%.1fs)", len(dtks.persons), time.monotonic() - t0)
        recipient_noise = rng.standard_normal((len(world.families) * 2, 3))
        p3ke_entries, p3ke_padan = p3ke_job.result()
        static_entries, static_padan = {**p3ke_entries, **regsosek_entries}, [p3ke_padan, regsosek_padan]

        for q, date in enumerate(quarter_starts(cfg)):
            if q:
                with _step("advance the world and DTKS"):
                    advance(world, rng)
                    registries.dtks_update(dtks, world, rng, cfg)
            if len(world.families) > len(recipient_noise):
                recipient_noise = np.vstack([recipient_noise, rng.standard_normal((len(world.families), 3))])
            key = date.isoformat()
            qdir, tdir = out / "raw" / key, out / "truth" / key
            if qdir.exists():
                shutil.rmtree(qdir)
            tdir.mkdir(parents=True, exist_ok=True)
            registry_job = background.submit(_write_dukcapil_and_padan, world, dtks, static_padan, mapping, qdir, tdir)
            rows = _write_quarter(world, dtks, mapping, rng, cfg, recipient_noise, qdir, tdir, q)
            rows.update(registry_job.result())
            for rel in static_entries:
                (qdir / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(static / rel, qdir / rel)
            _write_manifest(qdir, key, cfg, static_entries)
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


def _write_static(world, reg, write_files, mapping, static: Path) -> tuple[dict, pa.Table]:
    """Write a snapshot registry's files; returns their manifest entries and its padan truth."""
    with _step(f"{reg.name}: {len(reg.persons)} person records written"):
        entries = {rel: _file_entry(static / rel, rel) for rel in write_files(world, reg, mapping, static)}
        padan = pa.concat_tables(pa.Table.from_pandas(part, schema=PADAN_SCHEMA, preserve_index=False)
                                 for part in _registry_padan(world, reg))
    return entries, padan


def _write_p3ke(world, p3ke, mapping, static: Path) -> list[str]:
    """One workbook per regency with sheets Keluarga and Anggota."""
    files = []
    with _step("p3ke frames"):
        fam = extracts.registry_families(world, p3ke, extra=["desil_p3ke"], variables=_variables(_spec(mapping, "p3ke", "keluarga")))
        ind = extracts.registry_persons(world, p3ke, variables=_variables(_spec(mapping, "p3ke", "individu")))
    fam_kab = fam["kode_desa"].str.slice(0, 4)
    ind_kab = ind["id_keluarga_sumber"].map(pd.Series(fam_kab.to_numpy(), index=fam["id_keluarga_sumber"]))
    for kab in sorted(fam_kab.unique()):
        path = _path(static, _spec(mapping, "p3ke", "keluarga"), kab)
        with _step(f"p3ke/{kab}"):
            write_xlsx([(_only(fam[fam_kab == kab], mapping, "p3ke", "keluarga"), _spec(mapping, "p3ke", "keluarga")),
                        (_only(ind[(ind_kab == kab).to_numpy()], mapping, "p3ke", "individu"), _spec(mapping, "p3ke", "individu"))], path)
        files.append(str(path.relative_to(static)))
    return files


def _write_regsosek(world, regsosek, mapping, static: Path) -> list[str]:
    """Families and individuals as parquet, villages in BPS codes."""
    families = (c.assign(kode_desa=extracts.to_bps(world, c["kode_desa"])) for c in extracts.iter_registry_families(world, regsosek))
    files = []
    for name, frames in (("keluarga", families), ("individu", extracts.iter_registry_persons(world, regsosek))):
        _emit({}, mapping, static, "regsosek", name, _only_chunks(frames, mapping, "regsosek", name))
        files.append(str(_path(static, _spec(mapping, "regsosek", name)).relative_to(static)))
    return files


def _variables(spec: dict) -> list[str]:
    """The family and person variables a source's layout carries."""
    known = {*FAMILY_VARIABLES, *PERSON_VARIABLES}
    return [c for c in spec["columns"] if c in known]


def _only(frame: pd.DataFrame, mapping: dict, source: str, name: str) -> pd.DataFrame:
    """The frame's columns that the source's layout carries (helper columns kept for writers)."""
    spec = _spec(mapping, source, name)
    return frame[[c for c in frame.columns if c in spec["columns"] or c == "nik_cell"]]


def _emit(rows: dict, mapping: dict, qdir: Path, source: str, name: str, frames, key: str | None = None) -> None:
    """Write one extract (a frame or chunks) through its mapping spec; count its rows."""
    spec = _spec(mapping, source, name)
    with _step(f"{source}/{name}"):
        rows[key or source] = write(frames, spec, _path(qdir, spec))


def _only_chunks(frames, mapping: dict, source: str, name: str):
    return (_only(c, mapping, source, name) for c in frames)


def _write_dukcapil_and_padan(world, dtks, static_padan: list, mapping, qdir: Path, tdir: Path) -> dict:
    rows: dict = {}
    _emit(rows, mapping, qdir, "dukcapil", "individu", extracts.iter_dukcapil(world))
    with _step("padan"):
        rows["padan"] = _write_padan(world, dtks, static_padan, tdir)
    return rows


def _write_quarter(world, dtks, mapping, rng, cfg, recipient_noise, qdir: Path, tdir: Path, q: int) -> dict:
    rows: dict = {}
    _emit(rows, mapping, qdir, "dtks", "keluarga", _only_chunks(extracts.iter_registry_families(world, dtks), mapping, "dtks", "keluarga"), "dtks_keluarga")
    _emit(rows, mapping, qdir, "dtks", "individu", _only_chunks(extracts.iter_registry_persons(world, dtks), mapping, "dtks", "individu"), "dtks_individu")
    with _step("recipients"):
        lists = extracts.recipients(world, dtks, rng, cfg, recipient_noise)
    for program, frame in lists.items():
        _emit(rows, mapping, qdir, f"penerima_{program}", "penerima", _only(frame, mapping, f"penerima_{program}", "penerima"))
    _emit(rows, mapping, qdir, "negatif_asn", "daftar", extracts.asn_list(world, rng, cfg))
    all_pids = np.concatenate([f["pid"].to_numpy() for f in lists.values()])
    _emit(rows, mapping, qdir, "negatif_ppatk", "daftar", extracts.ppatk_list(world, all_pids, cfg))
    with _step("survey"):
        keluarga, anggota = extracts.survey(world, rng, cfg, q)
    _emit(rows, mapping, qdir, "survei", "keluarga", keluarga, "survei_keluarga")
    _emit(rows, mapping, qdir, "survei", "anggota", anggota, "survei_anggota")
    _emit(rows, mapping, qdir, "wilayah", "referensi", world.regions.referensi())
    with _step("truth: kesejahteraan, penerima"):
        truth = extracts.welfare_truth(world)
        _with_object_text(truth).to_parquet(tdir / "kesejahteraan.parquet", index=False)
        _with_object_text(_recipient_truth(world, lists, truth)).to_parquet(tdir / "penerima.parquet", index=False)
    return rows


def _with_object_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrow text columns as plain Python strings, so that the truth files' pandas metadata (how
    pandas reads them back) stays that of ordinary text columns."""
    arrow = [c for c in frame.columns if isinstance(frame[c].dtype, pd.ArrowDtype)]
    return frame.assign(**{c: frame[c].to_numpy(dtype=object, na_value=None) for c in arrow})


def _recipient_truth(world, lists: dict, welfare: pd.DataFrame) -> pd.DataFrame:
    p = world.persons
    parts = []
    desil = pd.Series(welfare["desil_nasional"].to_numpy(), index=welfare["id_keluarga_benar"].to_numpy())
    asn = is_in(p["occupation"], ASN_OCCUPATIONS)
    for program, frame in lists.items():
        pid = frame["pid"].to_numpy()
        known = pid >= 0
        safe = np.maximum(pid, 0)
        fid = p["fid"].to_numpy()[safe]
        parts.append(pd.DataFrame({
            "program": program, "id_sumber": frame["id_sumber"].to_numpy(dtype=object),
            "nik_benar": take_text(p["nik"], safe, valid=known),
            "jenis_galat": frame["jenis_galat"].to_numpy(dtype=object),
            "no_kk_benar": take_text(world.families["kk"], fid, valid=known),
            "desil_nasional_benar": np.where(known, pd.Series(fid).map(desil).to_numpy(), np.nan),
            "meninggal": known & ~p["alive"].to_numpy()[safe],
            "asn": known & asn[safe],
        }))
    return pd.concat(parts, ignore_index=True)


PADAN_SCHEMA = pa.schema([("sumber", pa.string()), ("id_sumber", pa.string()), ("nik_benar", pa.string()),
                          ("jenis_galat", pa.string()), ("duplikat_dari", pa.string())])


def _registry_padan(world, reg, chunk: int = 1_000_000):
    """Truth rows of a registry's listed person records, ``chunk`` at a time. A duplicate whose
    original is no longer listed (removed, the copy left behind) is no duplicate this quarter."""
    listed = reg.persons[reg.persons["listed"]]
    original_listed = listed["duplikat_dari"].isin(listed["id_sumber"]).to_numpy()
    for start in range(0, len(listed), chunk):
        rec = listed.iloc[start:start + chunk]
        dup = np.where(original_listed[start:start + chunk], rec["duplikat_dari"].to_numpy(), -1)
        pid = rec["pid"].to_numpy()
        yield pd.DataFrame({
            "sumber": reg.name, "id_sumber": reg.person_ids(rec["id_sumber"]),
            "nik_benar": take_text(world.persons["nik"], np.maximum(pid, 0), valid=pid >= 0),
            "jenis_galat": rec["jenis_galat"].array,
            "duplikat_dari": reg.person_ids(dup, valid=dup >= 0),
        })


def _dukcapil_padan(world, chunk: int = 1_000_000):
    nik = world.persons["nik"].array
    for start in range(0, len(nik), chunk):
        part = nik[start:start + chunk]
        yield pd.DataFrame({"sumber": "dukcapil", "id_sumber": part, "nik_benar": part, "jenis_galat": "none", "duplikat_dari": None})


def _write_padan(world, dtks, static_padan: list, tdir: Path) -> int:
    """padan.parquet, written in chunks (a row per source record): Dukcapil and DTKS of this
    quarter, then the unchanging P3KE and REGSOSEK truth."""
    rows = 0
    with pq.ParquetWriter(tdir / "padan.parquet", PADAN_SCHEMA, compression="zstd") as writer:
        for part in (*_dukcapil_padan(world), *_registry_padan(world, dtks)):
            writer.write_table(pa.Table.from_pandas(part, schema=PADAN_SCHEMA, preserve_index=False))
            rows += len(part)
        for table in static_padan:
            writer.write_table(table)
            rows += table.num_rows
    return rows


def _file_entry(path: Path, rel: str) -> dict:
    with path.open("rb") as fh:  # streamed: extracts reach a gigabyte at scale 1.0
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return {"path": rel, "bytes": path.stat().st_size, "sha256": digest}


def _write_manifest(qdir: Path, key: str, cfg: dict, known: dict) -> None:
    """manifest.json of a quarter; ``known`` holds the entries of files copied unchanged (P3KE and
    REGSOSEK), hashed once."""
    files = []
    for path in sorted(p for p in qdir.rglob("*") if p.is_file() and p.name != "manifest.json"):
        rel = str(path.relative_to(qdir))
        files.append(known.get(rel) or _file_entry(path, rel))
    manifest = {"periode": key, "world": cfg.get("name"), "seed": cfg["seed"], "scale": cfg["scale"], "files": files}
    (qdir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
