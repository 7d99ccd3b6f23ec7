"""The pseudonymised export (`dtsen ekspor-pseudonim`): no NIK, KK or name of the sources survives
in any exported file, the pseudonyms are HMAC-SHA256 with the user's salt (same salt, same
pseudonyms; joins still work), and there is no default salt."""

import hashlib
import hmac
import json
import re

import duckdb
import pytest

from dtsen_pipeline.cli import main
from dtsen_pipeline.ekspor import EksporError, export, pseudonym_macro, rule

SALT = b"garam-rahasia-kabupaten-0123456789"
OTHER_SALT = b"garam-lain-sama-sekali-9876543210"
QUARTER = "2025-01-01"
LONG_DIGITS = re.compile(r"(?<![\d.])\d{15,}")  # not the decimals of a DOUBLE
PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")


def _write_salt(path, salt: bytes):
    path.write_bytes(salt + b"\n")  # as an editor or `echo` leaves it
    return path


@pytest.fixture(scope="module")
def exports(tiny_db, tmp_path_factory):
    """The tiny world's quarter exported twice with one salt (once through the CLI) and once with another."""
    root = tmp_path_factory.mktemp("ekspor")
    salt_file = _write_salt(root / "garam.txt", SALT)
    assert main(["ekspor-pseudonim", "--db", str(tiny_db), "--out", str(root / "a"), "--salt-file", str(salt_file)]) == 0
    export(tiny_db, root / "b", SALT, QUARTER)
    export(tiny_db, root / "c", OTHER_SALT, QUARTER)
    return root


@pytest.fixture(scope="module")
def identities(tiny_db):
    """Every NIK, KK and name the sources gave (as the standardised tables hold them) and the golden ids."""
    sql = """
        SELECT DISTINCT v FROM (
            SELECT unnest([nik, no_kk, id_sumber]) AS v FROM standardise.stg_individu WHERE sumber = 'dukcapil'
            UNION ALL SELECT unnest([nik, no_kk]) FROM standardise.stg_individu
            UNION ALL SELECT no_kk FROM standardise.stg_keluarga
            UNION ALL SELECT unnest([nik, no_kk]) FROM standardise.stg_penerima_bansos
            UNION ALL SELECT unnest([nik, nip]) FROM standardise.stg_daftar_negatif)
        WHERE length(v) >= 12"""
    names = """
        SELECT DISTINCT v FROM (
            SELECT unnest([nama, nama_baku]) AS v FROM standardise.stg_individu
            UNION ALL SELECT unnest([nama_kepala, nama_kepala_baku]) FROM standardise.stg_keluarga
            UNION ALL SELECT unnest([nama, nama_baku]) FROM standardise.stg_penerima_bansos
            UNION ALL SELECT unnest([nama, alamat]) FROM main.individu)
        WHERE length(v) >= 6"""
    with duckdb.connect(str(tiny_db), read_only=True) as con:
        numbers = {r[0] for r in con.execute(sql).fetchall()}
        texts = {r[0] for r in con.execute(names).fetchall()}
        ids = {r[0] for r in con.execute("SELECT id_individu FROM main.individu UNION SELECT id_keluarga FROM main.keluarga").fetchall()}
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    assert len(numbers) > 10_000 and len(texts) > 5_000
    return numbers, texts, ids, tables


def _values(path) -> list[str]:
    """Every distinct non-null value of every column of a Parquet file as text (and each element of a list)."""
    with duckdb.connect() as con:
        columns = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        union = " UNION ALL ".join(
            f'SELECT CAST(unnest("{c}") AS VARCHAR) AS v FROM read_parquet($p)' if t.endswith("[]")
            else f'SELECT CAST("{c}" AS VARCHAR) AS v FROM read_parquet($p)' for c, t, *_ in columns)
        return [r[0] for r in con.execute(f"SELECT DISTINCT v FROM ({union}) WHERE v IS NOT NULL", {"p": str(path)}).fetchall()]


def test_no_nik_kk_or_name_survives_in_any_file(exports, identities):
    numbers, texts, ids, tables = identities
    for folder in ("a", "b"):
        files = sorted((exports / folder).glob("*.parquet"))
        assert {f.stem for f in files} == tables  # every published table
        for path in files:
            values = _values(path)
            raw = path.read_bytes()
            assert not numbers.intersection(values), path.name
            assert not texts.intersection(values), path.name
            assert not ids.intersection(values), path.name  # the unsalted golden ids are re-keyed too
            # no run of 15+ digits outside the pseudonyms (64 hex characters, which may hold one by chance)
            assert not [v for v in values if LONG_DIGITS.search(v) and not PSEUDONYM.match(v)], path.name
            sample = sorted(numbers)[::500]
            assert not any(n.encode() in raw for n in sample), path.name  # nor in the file's bytes (statistics)


def test_pseudonyms_are_the_salted_hmac_and_joins_still_work(exports, tiny_db):
    with duckdb.connect(str(tiny_db), read_only=True) as con:
        (nik, no_kk, id_individu, id_keluarga), = con.execute(
            "SELECT nik, no_kk, id_individu, id_keluarga FROM main.individu WHERE periode = ? ORDER BY nik LIMIT 1", [QUARTER]).fetchall()
    expected = {k: hmac.new(SALT, v.encode(), hashlib.sha256).hexdigest()
                for k, v in {"nik": nik, "no_kk": no_kk, "id_individu": id_individu, "id_keluarga": id_keluarga}.items()}
    with duckdb.connect() as con:
        b = str(exports / "b")
        row = con.execute(f"SELECT nik, no_kk, id_individu, id_keluarga FROM '{b}/individu.parquet' WHERE nik = ?",
                          [expected["nik"]]).fetchall()
        assert row == [(expected["nik"], expected["no_kk"], expected["id_individu"], expected["id_keluarga"])]
        # one person, one pseudonym in every table: padan_dukcapil's NIKs matched to a living person are
        # individu's, families join
        (matched, unmatched), = con.execute(f"""SELECT count(*), count(*) FILTER (p.nik_dukcapil NOT IN (SELECT nik FROM '{b}/individu.parquet'))
            FROM '{b}/padan_dukcapil.parquet' p WHERE p.nik_dukcapil IS NOT NULL AND status_padan <> 'meninggal'""").fetchall()
        assert matched > 1000 and unmatched == 0
        (orphans,), = con.execute(f"""SELECT count(*) FROM '{b}/individu.parquet'
            WHERE id_keluarga NOT IN (SELECT id_keluarga FROM '{b}/keluarga.parquet')""").fetchall()
        assert orphans == 0
        columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{b}/individu.parquet'").fetchall()}
        assert {"nama", "nama_baku", "alamat", "tgl_lahir"}.isdisjoint(columns) and {"umur", "kode_desa"} <= columns
        kolom = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{b}/keluarga.parquet'").fetchall()}
        assert {"nama_desa", "nama_kabupaten"} <= kolom and "nama_kepala" not in kolom  # region names stay


def test_same_salt_same_pseudonyms_another_salt_unlinkable(exports):
    a, b, c = (str(exports / x) for x in "abc")
    with duckdb.connect() as con:
        (quarters,), = con.execute(f"SELECT count(DISTINCT periode) FROM '{a}/individu.parquet'").fetchall()
        assert quarters == 1  # the tiny database holds one quarter; the CLI exported every quarter
        for table in ("individu", "keluarga", "status_penerima", "padan_dukcapil"):
            (differ,), = con.execute(f"SELECT count(*) FROM (SELECT * FROM '{a}/{table}.parquet' "
                                     f"EXCEPT ALL SELECT * FROM '{b}/{table}.parquet')").fetchall()
            assert differ == 0, table
        (shared,), = con.execute(f"SELECT count(*) FROM (SELECT id_individu FROM '{b}/individu.parquet' "
                                 f"INTERSECT SELECT id_individu FROM '{c}/individu.parquet')").fetchall()
        assert shared == 0
    manifest = json.loads((exports / "b" / "ekspor.json").read_text())
    assert manifest["periode"] == QUARTER and "nik" in manifest["tabel"]["individu"]["disamarkan"]
    assert "nama" in manifest["tabel"]["individu"]["dibuang"]
    assert SALT.decode() not in (exports / "b" / "ekspor.json").read_text()


def test_no_default_salt(tiny_db, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["ekspor-pseudonim", "--db", str(tiny_db), "--out", str(out), "--salt-file", str(tmp_path / "none")]) == 2
    assert "salt file" in capsys.readouterr().err
    short = _write_salt(tmp_path / "pendek.txt", b"rahasia")
    assert main(["ekspor-pseudonim", "--db", str(tiny_db), "--out", str(out), "--salt-file", str(short)]) == 2
    assert "at least 16" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["ekspor-pseudonim", "--db", str(tiny_db), "--out", str(out)])  # --salt-file is required
    with pytest.raises(EksporError):
        export(tiny_db, out, SALT, "2025-13")
    assert not out.exists() or not list(out.glob("*.parquet"))


def test_column_rules():
    assert rule("individu", "nik", "VARCHAR") == rule("individu", "id_individu", "VARCHAR") == "samarkan"
    assert rule("verifikasi_pbi_jk", "nik_saran", "VARCHAR") == rule("keluarga", "id_keluarga_asal", "VARCHAR") == "samarkan"
    assert rule("padan_dukcapil", "duplikat_dari", "VARCHAR") == rule("stg_daftar_negatif", "nip", "VARCHAR") == "samarkan"
    assert rule("rekap_pbi_jk", "nik_tidak_ditemukan", "BIGINT") == "salin"  # a count, not a NIK
    assert rule("stg_individu", "nik_bentuk", "VARCHAR") == rule("padan_dukcapil", "alasan", "VARCHAR") == "saring"
    assert rule("stg_individu", "nik_cocok_tgl_lahir", "BOOLEAN") == "salin"
    for column in ("nama", "nama_baku", "nama_kepala", "alamat", "rt", "tgl_lahir", "nik_tgl_lahir"):
        assert rule("individu", column, "VARCHAR") == "buang", column
    assert rule("wilayah", "nama", "VARCHAR") == rule("keluarga", "nama_desa", "VARCHAR") == "saring"  # regions
    assert rule("status_penerima", "alasan", "VARCHAR[]") == "saring"


def test_text_is_scrubbed_of_long_digit_runs(tmp_path):
    db = tmp_path / "x.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE main.catatan AS SELECT 'periksa NIK 3403014703850001 di desa' AS alasan, "
                    "['KK 3403010101200001', 'tanpa'] AS daftar, {'a': '3403014703850001'} AS s, 12 AS n, "
                    "'duplikat dari regsosek A000004847257; NIK sama, desa 3403010001' AS alasan_padan")
    export(db, tmp_path / "out", SALT)
    with duckdb.connect() as con:
        row = con.execute(f"SELECT * FROM '{tmp_path / 'out' / 'catatan.parquet'}'").fetchall()
    assert row == [("periksa NIK <disamarkan> di desa", ["KK <disamarkan>", "tanpa"], "{'a': <disamarkan>}", 12,
                    "duplikat dari regsosek <disamarkan>; NIK sama, desa 3403010001")]  # a region code stays


def test_the_macro_is_hmac_sha256():
    with duckdb.connect() as con:
        for salt in (SALT, b"k" * 100):  # keys longer than SHA-256's block are hashed first, as HMAC says
            con.execute(pseudonym_macro(salt))
            got = con.execute("SELECT pseudonim('3403014703850001'), pseudonim(NULL), pseudonim(42)").fetchall()[0]
            assert got == (hmac.new(salt, b"3403014703850001", hashlib.sha256).hexdigest(), None,
                           hmac.new(salt, b"42", hashlib.sha256).hexdigest())
