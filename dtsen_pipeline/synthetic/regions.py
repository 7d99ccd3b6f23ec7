"""Region catalog of the synthetic world: real provinces, regencies and kecamatan, generated villages.

``regions.yaml`` (next to this module) lists real regencies and their kecamatan with both code
systems:

* Kemendagri codes, which prefix NIK and KK numbers: province 2 digits, regency 4, kecamatan 6,
  desa/kelurahan 10. In the 4-digit village part, kelurahan are numbered 1001, 1002, ... and desa
  2001, 2002, ...
* BPS codes: province 2, regency 4, kecamatan 7 (regency + 3 digits such as 090), village 10
  (kecamatan + 3 digits). Below the regency level the two systems number places differently. Even
  a regency can differ: Timor Tengah Selatan is Kemendagri 5302 but BPS 5304.

Villages are not stored. :func:`build_regions` generates them with plausible, style-dependent
names (Javanese, Timorese/Dawan, general Indonesian) and unequal sizes. The result depends only on
the catalog and the random generator.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

CATALOG_PATH = Path(__file__).with_name("regions.yaml")

GAYA_NAMA = ("jawa", "ntt", "umum")
JENIS_DESA = ("desa", "kelurahan")
TINGKAT = ("provinsi", "kabupaten", "kecamatan", "desa")

# Gunungkidul's 18 kapanewon in the official Kemendagri/BPS crosswalk:
# (Kemendagri 2-digit suffix, BPS 3-digit suffix, name). Wonosari = 340301 / 3403090.
GUNUNGKIDUL = "3403"
GUNUNGKIDUL_KAPANEWON: tuple[tuple[str, str, str], ...] = (
    ("01", "090", "WONOSARI"), ("02", "130", "NGLIPAR"), ("03", "100", "PLAYEN"),
    ("04", "110", "PATUK"), ("05", "020", "PALIYAN"), ("06", "010", "PANGGANG"),
    ("07", "040", "TEPUS"), ("08", "060", "SEMANU"), ("09", "080", "KARANGMOJO"),
    ("10", "070", "PONJONG"), ("11", "050", "RONGKOP"), ("12", "150", "SEMIN"),
    ("13", "140", "NGAWEN"), ("14", "120", "GEDANGSARI"), ("15", "030", "SAPTOSARI"),
    ("16", "051", "GIRISUBO"), ("17", "041", "TANJUNGSARI"), ("18", "011", "PURWOSARI"),
)
GUNUNGKIDUL_KALURAHAN = 144

_PROV_FIELDS = {"kode", "nama"}
_KAB_REQUIRED = {"kode", "nama", "provinsi", "penduduk", "gaya_nama", "jenis_desa", "kecamatan"}
_KAB_OPTIONAL = {"kode_bps"}
_KEC_REQUIRED = {"kode", "kode_bps", "nama", "jumlah_desa", "bobot"}
_KEC_OPTIONAL = {"jenis_desa"}
_MAX_VILLAGES = 999  # 3-digit BPS village part; Kemendagri part 1001-1999 / 2001-2999


# --------------------------------------------------------------------------------------------
# Catalog loading and validation
# --------------------------------------------------------------------------------------------

def load_catalog(path: str | Path | None = None) -> dict:
    """Read and validate a region catalog (default: the packaged ``regions.yaml``).

    Raises ValueError that names the offending entry when codes are not digit strings of the
    right length, are duplicated, or when Gunungkidul differs from the official crosswalk.
    """
    path = CATALOG_PATH if path is None else Path(path)
    with open(path, encoding="utf-8") as fh:
        catalog = yaml.safe_load(fh)
    validate_catalog(catalog, source=str(path))
    return catalog


def validate_catalog(catalog: Any, source: str = "catalog") -> None:
    """Check a catalog dict and raise ValueError naming the first offending entry."""

    def fail(where: str, problem: str) -> None:
        raise ValueError(f"{source}: {where}: {problem}")

    if not isinstance(catalog, dict):
        fail("top level", "must be a mapping with 'provinsi' and 'kabupaten' lists")
    for key in ("provinsi", "kabupaten"):
        if not isinstance(catalog.get(key), list) or not catalog[key]:
            fail("top level", f"'{key}' must be a non-empty list")

    provinces: dict[str, str] = {}
    for i, prov in enumerate(catalog["provinsi"], 1):
        where = f"provinsi #{i}"
        if not isinstance(prov, dict):
            fail(where, "must be a mapping")
        where = f"provinsi #{i} {prov.get('kode')!r} ({prov.get('nama')})"
        _check_fields(prov, _PROV_FIELDS, set(), where, fail)
        _check_code(prov["kode"], 2, "kode", where, fail)
        _check_name(prov["nama"], where, fail)
        if prov["kode"] in provinces:
            fail(where, f"duplicate province kode {prov['kode']!r}")
        provinces[prov["kode"]] = prov["nama"]

    kab_codes: set[str] = set()
    kab_bps_codes: set[str] = set()
    for i, kab in enumerate(catalog["kabupaten"], 1):
        if not isinstance(kab, dict):
            fail(f"kabupaten #{i}", "must be a mapping")
        where = f"kabupaten #{i} {kab.get('kode')!r} ({kab.get('nama')})"
        _check_fields(kab, _KAB_REQUIRED, _KAB_OPTIONAL, where, fail)
        _check_code(kab["kode"], 4, "kode", where, fail)
        _check_name(kab["nama"], where, fail)
        _check_code(kab["provinsi"], 2, "provinsi", where, fail)
        if kab["provinsi"] not in provinces:
            fail(where, f"provinsi {kab['provinsi']!r} is not in the provinsi list")
        if not kab["kode"].startswith(kab["provinsi"]):
            fail(where, f"kode {kab['kode']!r} does not start with its provinsi {kab['provinsi']!r}")
        if kab["kode"] in kab_codes:
            fail(where, f"duplicate regency kode {kab['kode']!r}")
        kab_codes.add(kab["kode"])
        kab_bps = kab.get("kode_bps", kab["kode"])
        _check_code(kab_bps, 4, "kode_bps", where, fail)
        if not kab_bps.startswith(kab["provinsi"]):
            fail(where, f"kode_bps {kab_bps!r} does not start with its provinsi {kab['provinsi']!r}")
        if kab_bps in kab_bps_codes:
            fail(where, f"duplicate regency kode_bps {kab_bps!r}")
        kab_bps_codes.add(kab_bps)
        pop = kab["penduduk"]
        if isinstance(pop, bool) or not isinstance(pop, int) or pop <= 0:
            fail(where, f"penduduk must be a positive integer, got {pop!r}")
        if kab["gaya_nama"] not in GAYA_NAMA:
            fail(where, f"gaya_nama {kab['gaya_nama']!r} is not one of {GAYA_NAMA}")
        if kab["jenis_desa"] not in JENIS_DESA:
            fail(where, f"jenis_desa {kab['jenis_desa']!r} is not one of {JENIS_DESA}")
        if not isinstance(kab["kecamatan"], list) or not kab["kecamatan"]:
            fail(where, "kecamatan must be a non-empty list")

        kec_codes: set[str] = set()
        kec_bps: set[str] = set()
        kec_names: set[str] = set()
        for j, kec in enumerate(kab["kecamatan"], 1):
            if not isinstance(kec, dict):
                fail(f"{where}, kecamatan #{j}", "must be a mapping")
            kwhere = f"{where}, kecamatan #{j} {kec.get('kode')!r} ({kec.get('nama')})"
            _check_fields(kec, _KEC_REQUIRED, _KEC_OPTIONAL, kwhere, fail)
            _check_code(kec["kode"], 2, "kode", kwhere, fail)
            _check_code(kec["kode_bps"], 3, "kode_bps", kwhere, fail)
            _check_name(kec["nama"], kwhere, fail)
            if kec["kode"] == "00":
                fail(kwhere, "kode '00' is not a valid kecamatan suffix")
            if kec["kode_bps"] == "000":
                fail(kwhere, "kode_bps '000' is not a valid kecamatan suffix")
            if kec["kode"] in kec_codes:
                fail(kwhere, f"duplicate kecamatan kode {kec['kode']!r} in regency {kab['kode']}")
            if kec["kode_bps"] in kec_bps:
                fail(kwhere, f"duplicate kecamatan kode_bps {kec['kode_bps']!r} in regency {kab['kode']}")
            if kec["nama"] in kec_names:
                fail(kwhere, f"duplicate kecamatan nama {kec['nama']!r} in regency {kab['kode']}")
            kec_codes.add(kec["kode"])
            kec_bps.add(kec["kode_bps"])
            kec_names.add(kec["nama"])
            n = kec["jumlah_desa"]
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= _MAX_VILLAGES:
                fail(kwhere, f"jumlah_desa must be an integer 1..{_MAX_VILLAGES}, got {n!r}")
            w = kec["bobot"]
            if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w <= 0:
                fail(kwhere, f"bobot must be a positive number, got {w!r}")
            if "jenis_desa" in kec and kec["jenis_desa"] not in JENIS_DESA:
                fail(kwhere, f"jenis_desa {kec['jenis_desa']!r} is not one of {JENIS_DESA}")

        if kab["kode"] == GUNUNGKIDUL:
            _check_gunungkidul(kab, kab_bps, where, fail)


def _check_fields(entry: dict, required: set, optional: set, where: str, fail) -> None:
    missing = sorted(required - entry.keys())
    if missing:
        fail(where, f"missing field(s) {', '.join(missing)}")
    unknown = sorted(set(entry) - required - optional, key=str)
    if unknown:
        fail(where, f"unknown field(s) {', '.join(map(str, unknown))}")


def _check_code(value: Any, length: int, field: str, where: str, fail) -> None:
    if not isinstance(value, str):
        fail(where, f"{field} {value!r} must be a quoted string of {length} digits")
    if not re.fullmatch(rf"[0-9]{{{length}}}", value):
        fail(where, f"{field} {value!r} must be exactly {length} digits (0-9)")


def _check_name(value: Any, where: str, fail) -> None:
    if not isinstance(value, str) or not value.strip():
        fail(where, f"nama must be a non-empty string, got {value!r}")


def _check_gunungkidul(kab: dict, kab_bps: str, where: str, fail) -> None:
    if kab_bps != GUNUNGKIDUL:
        fail(where, f"Gunungkidul's BPS regency code must be {GUNUNGKIDUL!r}, got {kab_bps!r}")
    official = {k: (bps, name) for k, bps, name in GUNUNGKIDUL_KAPANEWON}
    have = {kec["kode"]: (kec["kode_bps"], kec["nama"]) for kec in kab["kecamatan"]}
    for kode in sorted(have.keys() - official.keys()):
        fail(where, f"kapanewon {kode!r} ({have[kode][1]}) is not in the official crosswalk")
    for kode in sorted(official.keys() - have.keys()):
        fail(where, f"kapanewon {kode!r} ({official[kode][1]}) is missing")
    for kode, (bps, name) in sorted(official.items()):
        got_bps, got_name = have[kode]
        if got_name != name:
            fail(where, f"kapanewon {kode!r} must be {name}, got {got_name!r}")
        if got_bps != bps:
            fail(where, f"kapanewon {kode!r} ({name}) must have kode_bps {bps!r} "
                        f"(BPS {GUNUNGKIDUL}{bps}), got {got_bps!r}")
    total = sum(kec["jumlah_desa"] for kec in kab["kecamatan"])
    if total != GUNUNGKIDUL_KALURAHAN:
        fail(where, f"Gunungkidul has {GUNUNGKIDUL_KALURAHAN} kalurahan, the catalog sums to {total}")


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class RegionTables:
    """The region hierarchy of the synthetic world (code columns use the pandas "string" dtype)."""

    provinsi: pd.DataFrame   # kode_provinsi, nama_provinsi
    kabupaten: pd.DataFrame  # kode_kabupaten, kode_kabupaten_bps, nama_kabupaten, kode_provinsi, penduduk, gaya_nama
    kecamatan: pd.DataFrame  # kode_kecamatan, kode_kecamatan_bps, nama_kecamatan, kode_kabupaten, kode_provinsi, bobot
    desa: pd.DataFrame       # kode_desa, kode_desa_bps, nama_desa, jenis, kode_kecamatan, kode_kabupaten, kode_provinsi, bobot

    def referensi(self) -> pd.DataFrame:
        """The region reference file: one row per region at each level, sorted by Kemendagri kode.

        Columns: kode, nama, tingkat (provinsi|kabupaten|kecamatan|desa), kode_bps and kode_induk
        (the parent's Kemendagri kode; null for provinces).
        """
        p, kb, kc, d = self.provinsi, self.kabupaten, self.kecamatan, self.desa
        parts = [
            pd.DataFrame({"kode": p["kode_provinsi"], "nama": p["nama_provinsi"], "tingkat": "provinsi",
                          "kode_bps": p["kode_provinsi"], "kode_induk": pd.NA}),
            pd.DataFrame({"kode": kb["kode_kabupaten"], "nama": kb["nama_kabupaten"], "tingkat": "kabupaten",
                          "kode_bps": kb["kode_kabupaten_bps"], "kode_induk": kb["kode_provinsi"]}),
            pd.DataFrame({"kode": kc["kode_kecamatan"], "nama": kc["nama_kecamatan"], "tingkat": "kecamatan",
                          "kode_bps": kc["kode_kecamatan_bps"], "kode_induk": kc["kode_kabupaten"]}),
            pd.DataFrame({"kode": d["kode_desa"], "nama": d["nama_desa"], "tingkat": "desa",
                          "kode_bps": d["kode_desa_bps"], "kode_induk": d["kode_kecamatan"]}),
        ]
        parts = [part.astype("string") for part in parts]
        ref = pd.concat(parts, ignore_index=True)
        return ref.sort_values("kode", kind="stable").reset_index(drop=True)


def build_regions(catalog: dict, rng: np.random.Generator,
                  regencies: list[str] | None = None) -> RegionTables:
    """Region tables for the catalog (or a subset of its regency codes), villages generated by ``rng``.

    Regencies and kecamatan are processed in code order, so the same catalog and seed always
    give identical tables.
    """
    validate_catalog(catalog)
    kabs = sorted(catalog["kabupaten"], key=lambda k: k["kode"])
    if regencies is not None:
        if isinstance(regencies, str):
            regencies = [regencies]
        wanted = [str(code) for code in regencies]
        if not wanted:
            raise ValueError("regencies: empty list; pass None for all regencies")
        known = {k["kode"] for k in kabs}
        unknown = sorted(set(wanted) - known)
        if unknown:
            raise ValueError(f"regencies: unknown regency code(s) {', '.join(unknown)}; "
                             f"the catalog has {', '.join(sorted(known))}")
        kabs = [k for k in kabs if k["kode"] in set(wanted)]
    prov_names = {p["kode"]: p["nama"] for p in catalog["provinsi"]}
    prov_codes = sorted({k["provinsi"] for k in kabs})

    kab_rows, kec_rows, desa_rows = [], [], []
    for kab in kabs:
        kab_code, prov = kab["kode"], kab["provinsi"]
        kab_bps = kab.get("kode_bps", kab_code)
        kab_rows.append((kab_code, kab_bps, kab["nama"], prov, int(kab["penduduk"]), kab["gaya_nama"]))
        kecs = sorted(kab["kecamatan"], key=lambda k: k["kode"])
        total = float(sum(k["bobot"] for k in kecs))
        for kec in kecs:
            kec_code = kab_code + kec["kode"]
            kec_bps = kab_bps + kec["kode_bps"]
            kec_rows.append((kec_code, kec_bps, kec["nama"], kab_code, prov, kec["bobot"] / total))
            jenis = kec.get("jenis_desa", kab["jenis_desa"])
            n = int(kec["jumlah_desa"])
            names = village_names(rng, kab["gaya_nama"], n, kota=jenis == "kelurahan")
            weights = _village_weights(rng, n)
            lead = "1" if jenis == "kelurahan" else "2"
            for i, (name, w) in enumerate(zip(names, weights), 1):
                desa_rows.append((f"{kec_code}{lead}{i:03d}", f"{kec_bps}{i:03d}", name, jenis,
                                  kec_code, kab_code, prov, w))

    provinsi = _frame([(c, prov_names[c]) for c in prov_codes], ["kode_provinsi", "nama_provinsi"])
    kabupaten = _frame(kab_rows, ["kode_kabupaten", "kode_kabupaten_bps", "nama_kabupaten", "kode_provinsi",
                                  "penduduk", "gaya_nama"], ints=("penduduk",))
    kecamatan = _frame(kec_rows, ["kode_kecamatan", "kode_kecamatan_bps", "nama_kecamatan", "kode_kabupaten",
                                  "kode_provinsi", "bobot"], floats=("bobot",))
    desa = _frame(desa_rows, ["kode_desa", "kode_desa_bps", "nama_desa", "jenis", "kode_kecamatan",
                              "kode_kabupaten", "kode_provinsi", "bobot"], floats=("bobot",))
    return RegionTables(provinsi=provinsi, kabupaten=kabupaten, kecamatan=kecamatan, desa=desa)


def _frame(rows: list[tuple], columns: list[str], ints: tuple = (), floats: tuple = ()) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    dtypes = {c: ("int64" if c in ints else "float64" if c in floats else "string") for c in columns}
    return df.astype(dtypes)


def _village_weights(rng: np.random.Generator, n: int) -> np.ndarray:
    """Population shares of a kecamatan's villages: lognormal sizes (CV ~0.5), summing to 1."""
    if n == 1:
        return np.ones(1)
    w = rng.lognormal(mean=0.0, sigma=0.5, size=n)
    return w / w.sum()


# --------------------------------------------------------------------------------------------
# Village names
# --------------------------------------------------------------------------------------------

# Javanese: compounds of place-name morphemes (KARANG+REJO, SUMBER+MULYO, WONO+SARI ...).
_JAWA_AWAL = (
    "KARANG", "SUMBER", "WONO", "SIDO", "TEGAL", "PURWO", "SELO", "GUNUNG", "BANJAR", "NGESTI",
    "TRI", "CATUR", "ARGO", "GIRI", "BUMI", "JATI", "KEDUNG", "TAMAN", "SRI", "SENDANG", "BANYU",
    "PANDAN", "KALI", "MARGO", "WATU", "REJO", "SUKO", "TIRTO", "DONO", "SAMBI", "PUCANG", "MULYO",
    "GEDANG", "BENDUNG", "WIDORO",
)
_JAWA_AKHIR = (  # the commonest suffixes are listed twice to weight them
    "REJO", "MULYO", "HARJO", "SARI", "AGUNG", "ASRI", "TIRTO", "KARTO", "DADI", "JOYO", "UTOMO",
    "WARNO", "ARUM", "ANOM", "MARTANI", "ADI", "LUHUR", "WINANGUN", "KERTO", "MAKMUR", "SARI",
    "REJO", "MULYO", "HARJO",
)
# NG- names such as NGLIPAR, NGAWEN, NGLEGI, NGAWIS, NGIPAK, NGLORO.
_NG_AWAL = ("NGLI", "NGLE", "NGA", "NGE", "NGI", "NGRA", "NGRE", "NGLO", "NGU", "NGLA")
_NG_AKHIR = ("PAR", "WEN", "GI", "WIS", "PAK", "RO", "DONG", "SEM", "POH", "RANDU", "MPON", "GANDU",
             "BLAK", "DAWU", "RIMBI", "TOSARI", "LOSARI", "MBUL")
# Two-word names such as KARANG TENGAH, WATU GAJAH.
_JAWA_DUA_AWAL = ("KARANG", "GUNUNG", "KEDUNG", "TEGAL", "WATU", "SENDANG", "BANJAR", "JATI", "SELO", "KALI")
_JAWA_DUA_AKHIR = ("TENGAH", "ANYAR", "DOWO", "GEDE", "KULON", "WETAN", "LOR", "KIDUL", "DUWUR", "GAJAH",
                   "ASEM", "PUTIH")
# Old town quarters (kelurahan) such as SURYODININGRATAN, PRAWIRODIRJAN, MANGKUBUMEN, NOTOPRAJAN.
_KUTHA_AWAL = ("SURYO", "PRAWIRO", "MANGKU", "PURWO", "JOYO", "KUSUMO", "WIRO", "DANU", "NOTO", "PATANG",
               "MERTO", "SOSRO", "KARTO", "GONDO")
_KUTHA_AKHIR = ("DININGRATAN", "DIRJAN", "BUMEN", "KUSUMAN", "PRAJAN", "BRAJAN", "JERON", "WIJAYAN",
                "MENDURAN", "NEGARAN")

# Timorese (Uab Meto/Dawan): OE- "water", NOE- "river", FATU "rock", NUNU "banyan" ...
# e.g. OELBUBUK, NOEMUKE, OINLASI, FATUKOTO, NUNUMEU, HAUMENI, KUANOEL.
_NTT_AWAL = ("OE", "NOE", "OEL", "OIN", "FATU", "NUNU", "NIFU", "HAU", "KUAN", "TAE", "BI", "NEN", "NAI",
             "TUA", "BES", "TUN", "LELO", "BOTI", "BAUN", "NUN", "MNELA", "TOI", "SAN", "KOL")
_NTT_AKHIR = ("BUBUK", "MUKE", "LASI", "BESA", "KEFAN", "MEU", "KOTO", "KIU", "SENE", "NENO", "MENI", "NOEL",
              "BONE", "FUTU", "NOAT", "BET", "LEU", "NASI", "TOB", "FANU", "LEON", "METO", "NUTU", "BAKI",
              "MANAT", "KOLO", "PUNU", "LUNU", "TOBE", "SAPU", "LETE", "TNANA", "KAM", "HONIS", "LIKI",
              "BELO", "NINO", "MAT", "BANO", "POLI")
_NTT_DUA_AWAL = ("ENO", "FATU", "OE", "NUNU", "NAI", "HAUMENI")
_NTT_DUA_AKHIR = ("NAPI", "ONI", "EKAM", "NEONTES", "BAKI", "MANUFUI", "NETEN", "NABUASA", "LETE", "METAN")
_NTT_ULANG = ("NIKI", "NOBI", "TUKU", "SOBA", "LAKA", "BENU", "KOKO", "TEFA")

# General Indonesian (Sunda/Melayu/transmigration): SUKAJAYA, MEKARSARI, TANJUNG BARU, SUNGAI NANGKA.
_UMUM_AWAL = ("SUKA", "MEKAR", "MARGA", "KARYA", "SIDO", "BUMI", "SRI", "TIRTA", "WANA", "GIRI", "RAJA",
              "SINAR", "CIPTA")
_UMUM_AKHIR = ("JAYA", "MAKMUR", "SARI", "MULYA", "RAHAYU", "ASIH", "MUKTI", "LAKSANA", "WANGI", "BAKTI",
               "MAJU", "INDAH", "RAYA", "DAMAI")
_UMUM_DUA_AWAL = ("TANJUNG", "SUNGAI", "TELUK", "GUNUNG", "BATU", "MUARA", "PADANG", "HARAPAN", "KAMPUNG",
                  "KARANG", "PULAU", "LEMBAH", "SIMPANG")
_UMUM_DUA_AKHIR = ("BARU", "INDAH", "JAYA", "MAKMUR", "BAHAGIA", "DAMAI", "PERMAI", "LESTARI", "SEJAHTERA",
                   "NANGKA", "DURIAN", "KELAPA", "RAMBUTAN", "PINANG", "MERANTI", "BAMBU", "ILIR", "ULU",
                   "TENGAH", "RAYA", "HARAPAN", "SARI", "TIMUR", "SELATAN")

_ARAH = {"jawa": ("LOR", "KIDUL", "WETAN", "KULON"),
         "ntt": ("UTARA", "SELATAN", "TIMUR", "BARAT"),
         "umum": ("UTARA", "SELATAN", "TIMUR", "BARAT")}


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _join(first: str, second: str) -> str:
    """Glue two morphemes, merging a doubled consonant (SUMBER+REJO -> SUMBEREJO, KUAN+NOEL -> KUANOEL)."""
    if first[-1] == second[0] and first[-1] not in "AEIOU":
        return first + second[1:]
    return first + second


def _compound(rng, first: tuple[str, ...], second: tuple[str, ...]) -> str:
    while True:
        a, b = _pick(rng, first), _pick(rng, second)
        if a != b:
            return _join(a, b)


def _two_words(rng, first: tuple[str, ...], second: tuple[str, ...]) -> str:
    while True:
        a, b = _pick(rng, first), _pick(rng, second)
        if a != b:
            return f"{a} {b}"


def _nama_jawa(rng: np.random.Generator, kota: bool) -> str:
    u = rng.random()
    if kota and u < 0.35:
        return _compound(rng, _KUTHA_AWAL, _KUTHA_AKHIR)
    u = rng.random()
    if u < 0.68:
        return _compound(rng, _JAWA_AWAL, _JAWA_AKHIR)
    if u < 0.84:
        return _compound(rng, _NG_AWAL, _NG_AKHIR)
    return _two_words(rng, _JAWA_DUA_AWAL, _JAWA_DUA_AKHIR)


def _nama_ntt(rng: np.random.Generator, kota: bool) -> str:
    u = rng.random()
    if u < 0.80:
        return _compound(rng, _NTT_AWAL, _NTT_AKHIR)
    if u < 0.94:
        return _two_words(rng, _NTT_DUA_AWAL, _NTT_DUA_AKHIR)
    word = _pick(rng, _NTT_ULANG)
    return f"{word}-{word}"


def _nama_umum(rng: np.random.Generator, kota: bool) -> str:
    if rng.random() < 0.5:
        return _compound(rng, _UMUM_AWAL, _UMUM_AKHIR)
    return _two_words(rng, _UMUM_DUA_AWAL, _UMUM_DUA_AKHIR)


_GENERATORS = {"jawa": _nama_jawa, "ntt": _nama_ntt, "umum": _nama_umum}


def village_names(rng: np.random.Generator, style: str, n: int, kota: bool = False) -> list[str]:
    """``n`` distinct upper-case village names in a naming style (jawa | ntt | umum).

    ``kota`` marks urban kelurahan; Javanese town quarters then sometimes get priyayi-style names
    such as SURYODININGRATAN. When a name repeats, the generator draws again. Real villages also
    split into north/south halves, so after too many repeats it appends a direction (LOR/KIDUL ...).
    """
    if style not in _GENERATORS:
        raise ValueError(f"unknown name style {style!r}; expected one of {GAYA_NAMA}")
    gen = _GENERATORS[style]
    names: list[str] = []
    seen: set[str] = set()
    misses = 0
    while len(names) < n:
        name = gen(rng, kota)
        if name in seen:
            misses += 1
            if misses < 50:
                continue
            name = f"{name} {_pick(rng, _ARAH[style])}"
            if name in seen:
                continue
        seen.add(name)
        names.append(name)
        misses = 0
    return names
