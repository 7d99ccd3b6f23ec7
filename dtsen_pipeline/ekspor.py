"""Pseudonymised export of the published tables (`dtsen ekspor-pseudonim`), for analysts who must
not see identities.

Every table and view of schema `main` becomes one Parquet file in which:

- NIK and KK numbers (`nik`, `no_kk` and every `nik_*` / `no_kk_*` column holding one, e.g.
  `nik_dukcapil`, `nik_kepala`) and every record or person id (`id_*`: `id_individu` and
  `id_keluarga`, today unsalted hashes of the NIK and KK that anybody can reverse by trying the
  NIK space, `id_sumber` (Dukcapil's is the NIK itself), `id_keluarga_asal`, ..., `duplikat_dari`,
  `nip`) are replaced by HMAC-SHA256(salt, value) in hex: the same value gives the same
  pseudonym in every table, so joins still work, and without the salt nobody can recompute it;
- names, addresses and exact birth dates are dropped (`nama*` but the names of regions and
  programmes, `alamat*`, `rt`, `rw`, `tgl_lahir`, `nik_tgl_lahir`; `umur` stays);
- in any other text column a run of 15 or more digits (a NIK or KK inside a sentence) and the record
  id of a "duplikat dari <sumber> <id>" reason are blanked.

The salt is the user's secret, read from a file (at least 16 bytes; there is no default): the same
salt gives the same pseudonyms on every export, another salt unlinkable ones. The hashing runs in
DuckDB SQL (HMAC from two SHA-256 passes over the key pads), never row by row in Python, and the
salt never reaches a file or a log: only its derived pads live in a temporary macro of the export's
own connection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .resources import DuckDBStorage

MIN_SALT_BYTES = 16
IDENTIFIER = re.compile(r"^(nik|no_kk)(_.+)?$")
DESCRIPTIVE = re.compile(r"^(nik_(bentuk|cocok_.+|jenis_kelamin|kode_kecamatan|wilayah_dikenal)|no_kk_bentuk)$")
RECORD_ID = re.compile(r"^id_.+$")
OTHER_IDS = frozenset({"duplikat_dari", "nip"})
NOT_PERSONAL_NAME = re.compile(r"^nama_(provinsi|kabupaten|kecamatan|desa|wilayah|program)$")  # regions, programmes
REGION_TABLES = frozenset({"wilayah"})  # whose `nama` is a region's
DROPPED = frozenset({"rt", "rw", "tgl_lahir", "nik_tgl_lahir"})
_PERIODE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class EksporError(ValueError):
    """A usage problem: no or too short a salt, an unknown quarter, no database."""


def read_salt(path: str | Path) -> bytes:
    """The secret salt: the file's bytes without surrounding whitespace (an editor's newline)."""
    path = Path(path)
    if not path.is_file():
        raise EksporError(f"salt file {path} not found: write a long random secret into it, e.g. "
                          "`python3 -c 'import secrets; print(secrets.token_hex(32))' > salt.txt`, and keep it apart "
                          "from the export (whoever has it can link the pseudonyms back to NIKs)")
    salt = path.read_bytes().strip()
    if len(salt) < MIN_SALT_BYTES:
        raise EksporError(f"salt file {path} holds {len(salt)} bytes; use at least {MIN_SALT_BYTES} (e.g. 64 random hex characters)")
    return salt


def rule(table: str, column: str, data_type: str) -> str:
    """What the export does with a column: 'samarkan' (HMAC), 'buang' (drop), 'saring' (text:
    long digit runs blanked) or 'salin' (copy)."""
    text = "VARCHAR" in data_type.upper()  # text, or a list or struct holding text
    personal_name = column.startswith("nama") and not NOT_PERSONAL_NAME.match(column) and not (
        table in REGION_TABLES and column == "nama")
    if column in DROPPED or column.startswith("alamat") or personal_name:
        return "buang"
    if (column in ("nik", "no_kk") or RECORD_ID.match(column) or column in OTHER_IDS
            or (text and IDENTIFIER.match(column) and not DESCRIPTIVE.match(column))):  # a count such as nik_tidak_ditemukan stays
        return "samarkan"
    return "saring" if text else "salin"


def _pads(salt: bytes) -> tuple[str, str]:
    """HMAC's inner and outer key pads (hex) for SHA-256 (block 64 bytes)."""
    key = hashlib.sha256(salt).digest() if len(salt) > 64 else salt
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key).hex(), bytes(b ^ 0x5C for b in key).hex()


def pseudonym_macro(salt: bytes) -> str:
    """``pseudonim(x)``: HMAC-SHA256(salt, x as UTF-8 text) in hex, NULL for NULL."""
    inner, outer = _pads(salt)
    return (f"CREATE OR REPLACE TEMP MACRO pseudonim(x) AS CASE WHEN x IS NULL THEN NULL ELSE "
            f"sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || encode(CAST(x AS VARCHAR))))) END")


@dataclass
class Tabel:
    name: str
    rows: int
    samarkan: list[str]
    buang: list[str]


def _scrubbed(quoted: str, data_type: str) -> str:
    """A text column with every run of 15+ digits blanked; a list of texts element by element; any
    other type holding text (a struct, a map) as its text."""
    # the record id in unify's "duplikat dari <sumber> <id>" (padan_dukcapil.alasan: duplikat_dari is
    # hashed, its copy in the text must not stay readable), then any run of 15+ digits
    blank = ("regexp_replace(regexp_replace({}, '(duplikat dari [a-z_]+ )[^;]+', '\\1<disamarkan>', 'g'), "
             "'[0-9]{{15,}}', '<disamarkan>', 'g')")
    if data_type.upper() == "VARCHAR":
        return blank.format(quoted)
    if data_type.upper() == "VARCHAR[]":
        return f"list_transform({quoted}, lambda x: {blank.format('x')})"
    return blank.format(f"CAST({quoted} AS VARCHAR)")


def _projection(table: str, columns: list[tuple[str, str]]) -> tuple[str, list[str], list[str]]:
    parts, hashed, dropped = [], [], []
    for name, data_type in columns:
        kind = rule(table, name, data_type)
        quoted = '"' + name.replace('"', '""') + '"'
        if kind == "buang":
            dropped.append(name)
        elif kind == "samarkan":
            hashed.append(name)
            parts.append(f"pseudonim({quoted}) AS {quoted}")
        elif kind == "saring":
            parts.append(f"{_scrubbed(quoted, data_type)} AS {quoted}")
        else:
            parts.append(quoted)
    return ", ".join(parts), hashed, dropped


def export(database: str | Path, out: str | Path, salt: bytes, periode: str | None = None) -> list[Tabel]:
    """Write ``out/<table>.parquet`` for every table and view of main (one quarter, or all) and
    ``out/ekspor.json`` saying what was done to which column; returns the same per table."""
    if len(salt) < MIN_SALT_BYTES:
        raise EksporError(f"the salt must have at least {MIN_SALT_BYTES} bytes")
    if periode is not None and not _PERIODE.match(periode):
        raise EksporError(f"--periode {periode!r} is not a quarter key like 2025-07-01")
    if not Path(database).is_file():
        raise EksporError(f"no database {database}: run `dtsen run` first")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    done = []
    with DuckDBStorage(database=str(database)).connect(read_only=True) as con:
        con.execute(pseudonym_macro(salt))
        objects = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
            "UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' "
            "AND NOT internal ORDER BY 1").fetchall()]
        for name in objects:
            columns = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
                                  "AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()
            select, hashed, dropped = _projection(name, columns)
            where = f" WHERE periode = '{periode}'" if periode and any(c == "periode" for c, _ in columns) else ""
            target = out / f"{name}.parquet"
            path = target.as_posix().replace("'", "''")
            con.execute(f"COPY (SELECT {select} FROM main.\"{name}\"{where}) TO '{path}' "
                        "(FORMAT parquet, COMPRESSION zstd)")
            rows = con.execute("SELECT count(*) FROM read_parquet(?)", [str(target)]).fetchall()[0][0]
            done.append(Tabel(name, rows, hashed, dropped))
    (out / "ekspor.json").write_text(json.dumps({
        "dibuat": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "periode": periode or "semua",
        "cara": "HMAC-SHA256 with a secret salt (hex) for NIK, KK and ids; names, addresses and birth dates dropped; "
                "runs of 15+ digits in other text blanked",
        "tabel": {t.name: {"baris": t.rows, "disamarkan": t.samarkan, "dibuang": t.buang} for t in done},
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return done
