"""Programme rules of stage `target`: the YAML file (programs.yaml by default) loaded, validated
with errors that name the key and say what is allowed, and turned into what the SQL needs (frames
of programmes and reasons, and the criteria as SQL predicates over a person row)."""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..sources.variables import catalogue

DEFAULT_RULES = Path(__file__).with_name("programs.yaml")
ENV_VAR = "DTSEN_PROGRAM"

DESIL_LEVELS = ("nasional", "provinsi", "kabupaten")
UNITS = ("keluarga", "individu")
PBI_REASONS = ("NIK tidak ditemukan", "meninggal", "dihapuskan", "pindah segmen", "pekerjaan tidak sesuai")
# the reason codes the stage can give (texts and priorities come from the file)
REASON_CODES = ("MENINGGAL", "NIK_TIDAK_DITEMUKAN", "ASN_TNI_POLRI", "JUDI_ONLINE", "GANDA", "IDENTITAS_TIDAK_COCOK",
                "PEKERJAAN_TIDAK_SESUAI", "PINDAH_SEGMEN", "DESIL_DI_LUAR_RENTANG", "GRADUASI", "TIDAK_MEMENUHI_KRITERIA",
                "BELUM_TERDATA")
TOP_KEYS = ("versi", "desil", "penduduk_nasional", "pekerjaan_asn", "pekerjaan_tidak_sesuai", "batas_kemiripan_nama",
            "bayi_baru_lahir_bulan", "kriteria", "program", "alasan")
PROGRAM_KEYS = ("nama", "satuan", "desil", "kriteria", "segmen_lain", "daftar_penerima", "kuota_nasional")
OPERATORS = ("antara", "minimal", "maksimal", "sama_dengan", "salah_satu")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class ProgramRulesError(ValueError):
    """The programme rules file is not valid; the message names the file, the key and what is allowed."""


def condition_columns() -> dict[str, dict]:
    """Columns a criterion may test: ``{column: {tipe, nilai?}}`` (tipe as in variables.yaml, or
    ``teks`` for free text)."""
    cols: dict[str, dict] = {
        "umur": {"tipe": "bilangan"},
        "jenis_kelamin": {"tipe": "kategori", "nilai": ["L", "P"]},
        "hubungan_keluarga": {"tipe": "teks"},
        "pekerjaan": {"tipe": "teks"},
        "jumlah_anggota": {"tipe": "bilangan"},
        "ada_anggota_asn": {"tipe": "ya_tidak"},
    }
    for level in ("individu", "keluarga"):
        for name, spec in catalogue()[level].items():
            cols[name] = spec
    return cols


FAMILY_COLUMNS = ("jumlah_anggota",)  # from keluarga; the family variables too (catalogue level keluarga)


@dataclass(frozen=True)
class Rules:
    path: Path
    sha256: str
    doc: dict = field(repr=False)

    # --- plain values ---------------------------------------------------------------------------
    @property
    def desil(self) -> str:
        return self.doc["desil"]

    @property
    def programs(self) -> dict[str, dict]:
        return self.doc["program"]

    @property
    def criteria(self) -> dict[str, dict]:
        return self.doc["kriteria"]

    @property
    def reasons(self) -> dict[str, dict]:
        return self.doc["alasan"]

    def params(self) -> dict:
        """Scalar and list parameters of the stage's SQL."""
        return {
            "pekerjaan_asn": list(self.doc["pekerjaan_asn"]),
            "pekerjaan_tidak_sesuai": list(self.doc["pekerjaan_tidak_sesuai"]),
            "batas_kemiripan_nama": float(self.doc["batas_kemiripan_nama"]),
            "bayi_baru_lahir_bulan": int(self.doc["bayi_baru_lahir_bulan"]),
            "penduduk_nasional": int(self.doc["penduduk_nasional"]),
        }

    # --- rows of the tables the SQL joins ---------------------------------------------------
    def program_rows(self) -> list[dict]:
        """One row per programme: what the SQL joins as «aturan»."""
        return [{
            "program": key, "nama_program": p["nama"], "satuan": p["satuan"],
            "desil_dari": int(p["desil"]["dari"]), "desil_sampai": int(p["desil"]["sampai"]),
            "kriteria": list(p["kriteria"]), "segmen_lain": list(p["segmen_lain"]),
            "daftar_penerima": p["daftar_penerima"],
            "kuota_nasional": None if p["kuota_nasional"] is None else int(p["kuota_nasional"]),
            "kriteria_teks": "; ".join(self.criteria[c]["arti"] for c in p["kriteria"]) or None,
            "segmen_lain_teks": "; ".join(self.criteria[c]["arti"] for c in p["segmen_lain"]) or None,
            "urutan_program": n,
        } for n, (key, p) in enumerate(self.programs.items(), start=1)]

    def reason_rows(self) -> list[dict]:
        """One row per reason code: «alasan» (kode, prioritas, teks, verifikasi, pbi_jk)."""
        return [{"kode": code, "prioritas": int(r["prioritas"]), "teks": r["teks"], "verifikasi": r["verifikasi"],
                 "pbi_jk": r["pbi_jk"]} for code, r in self.reasons.items()]

    def criteria_rows(self) -> list[dict]:
        """One row per criterion: «kriteria_aturan» (kode, arti)."""
        return [{"kode": name, "arti": c["arti"]} for name, c in self.criteria.items()]

    # --- SQL ------------------------------------------------------------------------------------
    def used_columns(self) -> list[str]:
        """Columns the criteria test, in first-use order."""
        seen: list[str] = []
        for c in self.criteria.values():
            for col in c["syarat"]:
                if col not in seen:
                    seen.append(col)
        return seen

    def criteria_sql(self) -> str:
        """SQL list of the names of the criteria a person row meets (over the columns of
        :meth:`used_columns`)."""
        if not self.criteria:
            return "CAST([] AS VARCHAR[])"
        parts = [f"CASE WHEN {_predicate(c['syarat'])} THEN {_quote(name)} END" for name, c in self.criteria.items()]
        return f"list_filter([{', '.join(parts)}], lambda x: x IS NOT NULL)"


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return _quote(value)


def _predicate(syarat: dict) -> str:
    parts = []
    for col, ops in syarat.items():
        for op, value in ops.items():
            if op == "antara":
                parts.append(f"{col} BETWEEN {_literal(value[0])} AND {_literal(value[1])}")
            elif op == "minimal":
                parts.append(f"{col} >= {_literal(value)}")
            elif op == "maksimal":
                parts.append(f"{col} <= {_literal(value)}")
            elif op == "sama_dengan":
                parts.append(f"{col} = {_literal(value)}")
            else:  # salah_satu
                parts.append(f"{col} IN ({', '.join(_literal(v) for v in value)})")
    return "coalesce(" + " AND ".join(f"({p})" for p in parts) + ", false)"


# --- loading and validation -------------------------------------------------------------------
def rules_path(config_file: str | None = None) -> Path:
    """The rules file: the one given, else $DTSEN_PROGRAM, else the built-in programs.yaml."""
    return Path(config_file or os.environ.get(ENV_VAR) or DEFAULT_RULES)


def load_rules(config_file: str | os.PathLike | None = None) -> Rules:
    path = rules_path(str(config_file) if config_file else None)
    if not path.is_file():
        raise ProgramRulesError(f"programme rules file {path} does not exist (set {ENV_VAR} or the aturan resource's "
                                f"config_file to a copy of {DEFAULT_RULES})")
    data = path.read_bytes()
    try:
        doc = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProgramRulesError(f"{path}: not readable YAML: {exc}") from exc
    validate(doc, path)
    return Rules(path=path, sha256=hashlib.sha256(data).hexdigest(), doc=doc)


def validate(doc, path: Path | str = "<rules>") -> None:
    """Raise ProgramRulesError naming the first key that is wrong and what is allowed."""
    def fail(key: str, message: str):
        raise ProgramRulesError(f"{path}: {key}: {message}")

    if not isinstance(doc, dict):
        fail("(top)", "the file must be a mapping with keys " + ", ".join(TOP_KEYS))
    for key in doc:
        if key not in TOP_KEYS:
            fail(str(key), f"unknown key; allowed: {', '.join(TOP_KEYS)}")
    for key in TOP_KEYS:
        if key not in doc:
            fail(key, "missing (copy it from the built-in programs.yaml)")
    if doc["versi"] != 1:
        fail("versi", f"{doc['versi']!r} is not supported; allowed: 1")
    if doc["desil"] not in DESIL_LEVELS:
        fail("desil", f"{doc['desil']!r} is not allowed; allowed: {', '.join(DESIL_LEVELS)}")
    _positive_int(doc["penduduk_nasional"], "penduduk_nasional", fail)
    for key in ("pekerjaan_asn", "pekerjaan_tidak_sesuai"):
        if not isinstance(doc[key], list) or not all(isinstance(v, str) and v.strip() for v in doc[key]):
            fail(key, "must be a list of Dukcapil occupations as text, e.g. [PEGAWAI NEGERI SIPIL]")
    b = doc["batas_kemiripan_nama"]
    if isinstance(b, bool) or not isinstance(b, (int, float)) or not 0 <= b <= 1:
        fail("batas_kemiripan_nama", f"{b!r} is not allowed; a number from 0 to 1")
    m = doc["bayi_baru_lahir_bulan"]
    if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 60:
        fail("bayi_baru_lahir_bulan", f"{m!r} is not allowed; whole months from 1 to 60")
    _validate_criteria(doc["kriteria"], fail)
    _validate_programs(doc["program"], doc["kriteria"], fail)
    _validate_reasons(doc["alasan"], fail)


def _positive_int(value, key, fail):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        fail(key, f"{value!r} is not allowed; a whole number above 0")


def _validate_criteria(criteria, fail):
    if not isinstance(criteria, dict):
        fail("kriteria", "must be a mapping of criterion name -> {arti, syarat}")
    columns = condition_columns()
    for name, c in criteria.items():
        key = f"kriteria.{name}"
        if not isinstance(name, str) or not _NAME.match(name):
            fail(key, "a criterion name is lower-case letters, digits and _")
        if not isinstance(c, dict) or set(c) != {"arti", "syarat"}:
            fail(key, "must have exactly the keys arti (meaning, text) and syarat (conditions)")
        if not isinstance(c["arti"], str) or not c["arti"].strip():
            fail(f"{key}.arti", "must be a non-empty text")
        if not isinstance(c["syarat"], dict) or not c["syarat"]:
            fail(f"{key}.syarat", "must be a non-empty mapping column -> {operator: value}")
        for col, ops in c["syarat"].items():
            ckey = f"{key}.syarat.{col}"
            if col not in columns:
                fail(ckey, f"unknown column; allowed: {', '.join(sorted(columns))}")
            if not isinstance(ops, dict) or not ops:
                fail(ckey, f"must be a mapping operator -> value; operators: {', '.join(OPERATORS)}")
            for op, value in ops.items():
                _validate_condition(f"{ckey}.{op}", op, value, columns[col], fail)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _validate_condition(key, op, value, spec, fail):
    kind = spec["tipe"]
    if op not in OPERATORS:
        fail(key, f"unknown operator; allowed: {', '.join(OPERATORS)}")
    numeric = kind in ("bilangan", "desimal")
    if op in ("antara", "minimal", "maksimal") and not numeric:
        fail(key, f"{op} needs a numeric column; this column is {kind} (use sama_dengan or salah_satu)")
    if op == "antara":
        if not isinstance(value, list) or len(value) != 2 or not all(_is_number(v) for v in value) or value[0] > value[1]:
            fail(key, f"{value!r} is not allowed; [min, max], two numbers with min <= max")
        return
    if op in ("minimal", "maksimal"):
        if not _is_number(value):
            fail(key, f"{value!r} is not allowed; a number")
        return
    values = value if op == "salah_satu" else [value]
    if op == "salah_satu" and (not isinstance(value, list) or not value):
        fail(key, "must be a non-empty list of values")
    for v in values:
        if kind == "ya_tidak":
            if not isinstance(v, bool):
                fail(key, f"{v!r} is not allowed; true or false")
        elif numeric:
            if not _is_number(v):
                fail(key, f"{v!r} is not allowed; a number")
        elif not isinstance(v, str):
            fail(key, f"{v!r} is not allowed; a text value")
        elif kind == "kategori" and v not in spec["nilai"]:
            fail(key, f"{v!r} is not allowed; allowed: {', '.join(spec['nilai'])}")


PBI_JK = "pbi_jk"  # programme key and recipient list of the PBI-JK decree outputs


def _validate_programs(programs, criteria, fail):
    if not isinstance(programs, dict) or not programs:
        fail("program", "must be a non-empty mapping of programme key -> rules")
    lists = {}
    for name, p in programs.items():
        key = f"program.{name}"
        if not isinstance(name, str) or not _NAME.match(name):
            fail(key, "a programme key is lower-case letters, digits and _ (e.g. pkh)")
        if not isinstance(p, dict):
            fail(key, f"must be a mapping with keys {', '.join(PROGRAM_KEYS)}")
        for k in p:
            if k not in PROGRAM_KEYS:
                fail(f"{key}.{k}", f"unknown key; allowed: {', '.join(PROGRAM_KEYS)}")
        for k in PROGRAM_KEYS:
            if k not in p:
                fail(f"{key}.{k}", "missing")
        if not isinstance(p["nama"], str) or not p["nama"].strip():
            fail(f"{key}.nama", "must be a non-empty text")
        if p["satuan"] not in UNITS:
            fail(f"{key}.satuan", f"{p['satuan']!r} is not allowed; allowed: {', '.join(UNITS)}")
        d = p["desil"]
        if not isinstance(d, dict) or set(d) != {"dari", "sampai"}:
            fail(f"{key}.desil", "must be {dari: <1-10>, sampai: <1-10>}")
        for k in ("dari", "sampai"):
            if isinstance(d[k], bool) or not isinstance(d[k], int) or not 1 <= d[k] <= 10:
                fail(f"{key}.desil.{k}", f"{d[k]!r} is not allowed; a decile from 1 to 10")
        if d["dari"] > d["sampai"]:
            fail(f"{key}.desil", f"dari ({d['dari']}) is above sampai ({d['sampai']})")
        for k in ("kriteria", "segmen_lain"):
            if not isinstance(p[k], list):
                fail(f"{key}.{k}", "must be a list of criterion names (may be empty: [])")
            for c in p[k]:
                if c not in criteria:
                    fail(f"{key}.{k}", f"{c!r} is not a criterion of `kriteria`; known: {', '.join(criteria) or '(none)'}")
        dp = p["daftar_penerima"]
        if dp is not None:
            if not isinstance(dp, str) or not dp.strip():
                fail(f"{key}.daftar_penerima", "must be the recipient list's program value (e.g. pkh) or null")
            if dp in lists:
                fail(f"{key}.daftar_penerima", f"{dp!r} is already the list of programme {lists[dp]}")
            lists[dp] = name
        if p["kuota_nasional"] is not None:
            _positive_int(p["kuota_nasional"], f"{key}.kuota_nasional", fail)
        # the PBI-JK decree outputs (verifikasi_pbi_jk, rekap_pbi_jk, the newborns of the village lists)
        # are built for the programme keyed pbi_jk on the list pbi_jk, per person: renamed, they would
        # be empty without a word
        if dp == PBI_JK and name != PBI_JK:
            fail(key, f"the programme on the {PBI_JK} list must keep the key {PBI_JK} (the PBI-JK decree lists are built "
                      "for it); change its `nama` instead")
        if name == PBI_JK and dp != PBI_JK:
            fail(f"{key}.daftar_penerima", f"{dp!r}: programme {PBI_JK} is the PBI-JK decree's and must use the list {PBI_JK}")
        if name == PBI_JK and p["satuan"] != "individu":
            fail(f"{key}.satuan", f"{p['satuan']!r}: PBI-JK's members and decree lists are per person (individu)")


def _validate_reasons(reasons, fail):
    if not isinstance(reasons, dict):
        fail("alasan", "must be a mapping reason code -> {prioritas, teks, verifikasi, pbi_jk}")
    for code in reasons:
        if code not in REASON_CODES:
            fail(f"alasan.{code}", f"unknown reason code; the codes are fixed: {', '.join(REASON_CODES)}")
    for code in REASON_CODES:
        key = f"alasan.{code}"
        if code not in reasons:
            fail(key, "missing (every reason code needs its text and priority)")
        r = reasons[code]
        if not isinstance(r, dict) or set(r) != {"prioritas", "teks", "verifikasi", "pbi_jk"}:
            fail(key, "must have exactly the keys prioritas, teks, verifikasi, pbi_jk")
        if isinstance(r["prioritas"], bool) or not isinstance(r["prioritas"], int) or r["prioritas"] < 1:
            fail(f"{key}.prioritas", f"{r['prioritas']!r} is not allowed; a whole number from 1 (verify first)")
        for k in ("teks", "verifikasi"):
            if not isinstance(r[k], str) or not r[k].strip():
                fail(f"{key}.{k}", "must be a non-empty text")
        if r["pbi_jk"] is not None and r["pbi_jk"] not in PBI_REASONS:
            fail(f"{key}.pbi_jk", f"{r['pbi_jk']!r} is not allowed; allowed: {', '.join(PBI_REASONS)} or null")
