"""The great-expectations suites (checks/suites.yaml): they pass on the synthetic world, fail on
broken tables with masked examples, and never show a NIK, KK or name in clear."""

import re
import shutil

import duckdb
import pytest
from dagster import AssetCheckKey, AssetCheckSeverity, AssetKey

from dtsen_pipeline.checks.expectations import build_expectation_checks, load_suites, run_suite, suite_specs
from dtsen_pipeline.definitions import defs
from dtsen_pipeline.resources import DuckDBStorage

SUITES = load_suites()
SIXTEEN_DIGITS = re.compile(r"\d{16}")
SUITE_KEYS = [(name, sumber) for name, table in SUITES["tabel"].items() for sumber in table.get("sumber") or [None]]
NEW_TABLES = ("stg_penerima_bansos", "stg_daftar_negatif", "stg_survei", "stg_survei_anggota", "wilayah")


@pytest.fixture(scope="module")
def world_db(tiny_db, tmp_path_factory):
    """A copy of the tiny world's quarter run through the whole job (whose `dtsen run` exit code 0
    already says every check passed, these included), and its quarter."""
    db = tmp_path_factory.mktemp("gx") / "dtsen.duckdb"
    shutil.copy(tiny_db, db)
    with duckdb.connect(str(db), read_only=True) as con:
        (quarter,), = con.execute("SELECT DISTINCT periode FROM standardise.stg_individu").fetchall()
    return db, quarter


@pytest.fixture(scope="module")
def results(world_db):
    db, quarter = world_db
    storage = DuckDBStorage(database=str(db))
    return {(name, sumber): run_suite(storage, name, SUITES["tabel"][name], sumber, quarter, SUITES["sampel"])
            for name, sumber in SUITE_KEYS}


@pytest.fixture
def broken(world_db, tmp_path):
    """A copy to break: (connection, storage, quarter)."""
    db = tmp_path / "broken.duckdb"
    shutil.copy(world_db[0], db)
    return duckdb.connect(str(db)), DuckDBStorage(database=str(db)), world_db[1]


def _metadata_text(metadata) -> str:
    return " ".join(str(getattr(v, "value", v)) for v in metadata.values())


def test_a_check_per_table_and_source_in_the_job():
    checks = defs.resolve_asset_graph().asset_check_keys
    assert set(NEW_TABLES) < {name for name, _ in SUITE_KEYS}
    for name, sumber in SUITE_KEYS:
        assert AssetCheckKey(AssetKey(name), f"mutu_{sumber}" if sumber else "mutu") in checks
    specs = {(spec.asset_key.path[-1], spec.name): spec for c in build_expectation_checks(defs.assets) for spec in c.check_specs}
    assert {n: s.blocking for (a, n), s in specs.items() if a == "stg_individu"} == {
        f"mutu_{s}": True for s in SUITES["tabel"]["stg_individu"]["sumber"]}
    assert {n for (a, n), s in specs.items() if a == "stg_penerima_bansos" and s.blocking} == {
        "mutu_penerima_pkh", "mutu_penerima_sembako", "mutu_penerima_pbi_jk"}
    assert specs[("wilayah", "mutu")].blocking and specs[("stg_survei", "mutu_survei")].blocking
    # a check whose derived columns read another table runs after that table's asset
    graph = defs.resolve_asset_graph()
    survei = AssetCheckKey(AssetKey("stg_survei"), "mutu_survei")
    assert {AssetKey("stg_survei"), AssetKey("stg_survei_anggota")} <= set(graph.get(survei).parent_entity_keys)
    assert not specs[("wilayah", "mutu")].additional_deps


def test_every_suite_passes_on_the_synthetic_world(results):
    for key, result in results.items():
        assert result.passed, (key, result.description)
        metadata = {k: getattr(v, "value", v) for k, v in result.metadata.items()}
        assert metadata["baris_divalidasi"] == metadata["baris_sumber"] > 0  # tiny world: every row
        assert metadata["harapan_gagal"] == 0 and "| NO " not in metadata["hasil"]
        assert not SIXTEEN_DIGITS.search(_metadata_text(result.metadata))


def test_failing_examples_are_masked(broken):
    """Failing examples of NIK, KK and id columns (Dukcapil's id is the NIK) never show a number in clear."""
    con, storage, quarter = broken
    con.execute("UPDATE standardise.stg_individu SET nik = nik || '1', no_kk = '0' || no_kk, nik_bentuk = nik WHERE sumber = 'dukcapil'")
    con.execute("UPDATE standardise.stg_individu SET id_sumber = '3403014703850001' WHERE sumber = 'dukcapil' AND baris % 50 = 0")
    con.close()
    result = run_suite(storage, "stg_individu", SUITES["tabel"]["stg_individu"], "dukcapil", quarter, SUITES["sampel"])
    assert not result.passed
    failed = {line.split("|")[1].strip() for line in result.metadata["hasil"].value.splitlines() if "| NO " in line}
    assert {"nik", "no_kk", "nik_bentuk", "id_sumber"} <= failed
    text = _metadata_text(result.metadata) + result.description
    assert "3403**********01" in text and re.search(r"\d{4}\*{11}\d{2}", text)  # examples are shown, masked
    assert not SIXTEEN_DIGITS.search(text)


def test_garbage_sex_and_blank_niks_fail_their_checks_as_blocking(broken):
    con, storage, quarter = broken
    con.execute("UPDATE standardise.stg_individu SET jenis_kelamin = 'X' WHERE sumber = 'p3ke'")
    con.execute("UPDATE standardise.stg_individu SET nik = NULL WHERE sumber = 'dtks' AND baris % 5 = 0")
    con.close()
    table = SUITES["tabel"]["stg_individu"]
    p3ke = run_suite(storage, "stg_individu", table, "p3ke", quarter, SUITES["sampel"])
    assert not p3ke.passed and p3ke.severity == AssetCheckSeverity.ERROR
    assert "jenis_kelamin be_in_set: 100.0% unexpected" in p3ke.description
    assert re.search(r"\| jenis_kelamin +\| be_in_set .*\| NO .*\| X ", p3ke.metadata["hasil"].value)
    dtks = run_suite(storage, "stg_individu", table, "dtks", quarter, SUITES["sampel"])
    assert not dtks.passed and dtks.severity == AssetCheckSeverity.ERROR
    assert dtks.description.startswith("nik not_be_null:")
    assert run_suite(storage, "stg_individu", table, "regsosek", quarter, SUITES["sampel"]).passed


def test_birth_years_outside_pandas_nanosecond_dates_are_still_judged(broken):
    """Dates reach GX as datetime64[ns], which it compares vectorised; a typed-in year 0019 or 9999
    does not fit that type and must fail its range expectation, not break the check."""
    con, storage, quarter = broken
    con.execute("UPDATE standardise.stg_individu SET tgl_lahir = DATE '0019-05-01' WHERE sumber = 'dtks' AND baris % 3 = 0")
    con.execute("UPDATE standardise.stg_individu SET tgl_lahir = DATE '9999-05-01' WHERE sumber = 'dtks' AND baris % 3 = 1")
    con.execute("UPDATE standardise.stg_individu SET tgl_lahir = DATE '2031-05-01' WHERE sumber = 'p3ke' AND baris % 2 = 0")
    con.close()
    table = SUITES["tabel"]["stg_individu"]
    for sumber in ("dtks", "p3ke"):  # out of the datetime64[ns] range, and in it but after the quarter
        result = run_suite(storage, "stg_individu", table, sumber, quarter, SUITES["sampel"])
        assert not result.passed and result.severity == AssetCheckSeverity.ERROR, sumber
        assert re.search(r"tgl_lahir be_between: (6[0-9]|5[0-9])\.\d+% unexpected", result.description), result.description


def test_a_non_blocking_failure_warns_and_the_sample_is_deterministic(broken):
    con, storage, quarter = broken
    con.execute("UPDATE standardise.stg_keluarga SET tgl_pendataan = DATE '2031-01-01' WHERE sumber = 'regsosek'")
    con.close()
    table = SUITES["tabel"]["stg_keluarga"]
    first = run_suite(storage, "stg_keluarga", table, "regsosek", quarter, 1000)
    assert not first.passed and first.severity == AssetCheckSeverity.WARN  # tgl_pendataan guards no later stage
    assert first.metadata["baris_divalidasi"].value == 1000 < first.metadata["baris_sumber"].value
    assert "smallest hash(id_keluarga_sumber)" in first.metadata["sampel"].value
    again = run_suite(storage, "stg_keluarga", table, "regsosek", quarter, 1000)
    assert again.metadata["hasil"].value == first.metadata["hasil"].value


def test_suite_file_per_source_values_pairing_and_new_tables(tmp_path):
    specs = suite_specs(SUITES["tabel"]["stg_individu"], "dtks", "2025-04-01")
    assert [s["kwargs"]["mostly"] for s in specs if s["column"] == "nik"] == [0.94, 0.97]
    assert not [s for s in specs if s["column"] == "status_hidup"]  # hanya: [dukcapil]
    between = next(s for s in specs if s["column"] == "tgl_lahir" and "max_value" in s["kwargs"])
    assert between["kwargs"]["max_value"].date().isoformat() == "2025-06-30"  # the quarter's last day
    # GX map expectations skip nulls: every column is paired with not_null unless it says why its nulls are legitimate
    for name, table in SUITES["tabel"].items():
        for column, rules in table["kolom"].items():
            assert ("not_null" in rules) != ("boleh_null" in rules), (name, column)
        assert set(table.get("turunan") or {}) <= set(table["kolom"]), name  # a derived column is validated
    # a threshold or value set per source
    pkh = suite_specs(SUITES["tabel"]["stg_penerima_bansos"], "penerima_pkh", "2025-01-01")
    assert [s["kwargs"]["value_set"] for s in pkh if s["column"] == "program" and "value_set" in s["kwargs"]] == [["pkh"]]
    assert not [s for s in pkh if s["column"] in ("status_kepesertaan", "tgl_lahir")]  # PBI-JK only
    # a suite for a table whose asset is not (yet) defined is skipped
    from dtsen_pipeline.assets.standardise import stg_individu

    (tmp_path / "s.yaml").write_text("sampel: 10\ntabel:\n  stg_baru: {kunci: id, kolom: {id: {not_null: 1.0}}}\n"
                                     "  stg_individu: {kunci: id_sumber, kolom: {id_sumber: {not_null: 1.0}}}\n")
    checks = build_expectation_checks([stg_individu], tmp_path / "s.yaml")
    assert [key.name for c in checks for key in c.check_keys] == ["mutu"]


def _run(storage, name, sumber, quarter):
    return run_suite(storage, name, SUITES["tabel"][name], sumber, quarter, SUITES["sampel"])


def _failed(result) -> set[str]:
    """(column, expectation) of the failing lines of a result's table."""
    return {tuple(cell.strip() for cell in line.split("|")[1:3]) for line in result.metadata["hasil"].value.splitlines()
            if "| NO " in line}


def test_recipient_lists_per_programme(broken):
    """Each programme's list is judged on its own: a PKH list without KK numbers blocks targeting,
    swapped sex codes on the PBI-JK list only warn, and a duplicated card number is shown masked."""
    con, storage, quarter = broken
    con.execute("UPDATE standardise.stg_penerima_bansos SET no_kk = NULL WHERE program = 'pkh' AND baris % 10 < 3")
    con.execute("UPDATE standardise.stg_penerima_bansos SET jenis_kelamin = CASE jenis_kelamin WHEN 'L' THEN 'P' ELSE 'L' END "
                "WHERE program = 'pbi_jk'")
    (noka,), = con.execute("SELECT min(id_sumber) FROM standardise.stg_penerima_bansos WHERE program = 'pbi_jk'").fetchall()
    con.execute("UPDATE standardise.stg_penerima_bansos SET id_sumber = $noka WHERE program = 'pbi_jk' AND baris % 40 = 0", {"noka": noka})
    con.close()
    pkh = _run(storage, "stg_penerima_bansos", "penerima_pkh", quarter)
    assert not pkh.passed and pkh.severity == AssetCheckSeverity.ERROR
    assert _failed(pkh) == {("no_kk", "not_be_null")}
    assert _run(storage, "stg_penerima_bansos", "penerima_sembako", quarter).passed
    pbi = _run(storage, "stg_penerima_bansos", "penerima_pbi_jk", quarter)
    assert _failed(pbi) == {("nik_cocok_jenis_kelamin", "be_in_set"), ("id_sumber", "be_unique")}
    assert pbi.severity == AssetCheckSeverity.ERROR  # the duplicated id blocks; the sex codes alone would warn
    text = _metadata_text(pbi.metadata) + pbi.description
    assert noka not in text and noka[:4] + "*" * (len(noka) - 6) + noka[-2:] in text
    # the sex codes alone
    con = duckdb.connect(str(storage.database))
    con.execute("UPDATE standardise.stg_penerima_bansos SET id_sumber = id_sumber || '-' || baris WHERE program = 'pbi_jk'")
    con.close()
    pbi = _run(storage, "stg_penerima_bansos", "penerima_pbi_jk", quarter)
    assert not pbi.passed and pbi.severity == AssetCheckSeverity.WARN


def test_negative_lists(broken):
    con, storage, quarter = broken
    con.execute("UPDATE standardise.stg_daftar_negatif SET kategori = 'ASN' WHERE daftar = 'ppatk'")
    con.execute("UPDATE standardise.stg_daftar_negatif SET tgl_berlaku = DATE '2099-01-01' WHERE daftar = 'asn' AND baris % 2 = 0")
    con.execute("UPDATE standardise.stg_daftar_negatif SET nip = 'x' || nip WHERE daftar = 'asn'")
    con.close()
    ppatk = _run(storage, "stg_daftar_negatif", "negatif_ppatk", quarter)
    assert _failed(ppatk) == {("kategori", "be_in_set")} and ppatk.severity == AssetCheckSeverity.ERROR
    asn = _run(storage, "stg_daftar_negatif", "negatif_asn", quarter)
    assert _failed(asn) == {("tgl_berlaku", "be_between"), ("nip", "match_regex")} and asn.severity == AssetCheckSeverity.ERROR
    assert "2099-01-01" in asn.metadata["hasil"].value
    assert not re.search(r"x\d{8}", _metadata_text(asn.metadata))  # NIPs masked


def test_survey_consumption_weights_and_member_counts(broken):
    con, storage, quarter = broken
    con.execute("UPDATE standardise.stg_survei SET konsumsi_per_kapita = 0 WHERE baris % 25 = 0")
    con.execute("UPDATE standardise.stg_survei SET bobot = -bobot WHERE baris % 30 = 0")
    # members of ~5 % of the households lost: their jumlah_anggota no longer matches the roster
    con.execute("DELETE FROM standardise.stg_survei_anggota WHERE nomor_anggota = 1 AND hash(id_sumber) % 20 = 0")
    con.close()
    survei = _run(storage, "stg_survei", "survei", quarter)
    assert not survei.passed and survei.severity == AssetCheckSeverity.ERROR
    assert _failed(survei) == {("konsumsi_per_kapita", "be_between"), ("bobot", "be_between"), ("anggota_cocok", "be_in_set")}
    assert re.search(r"\| anggota_cocok +\| be_in_set .*\| NO .*\| +False +\|$", survei.metadata["hasil"].value, re.M)
    # the lost heads leave their households without a head
    anggota = _run(storage, "stg_survei_anggota", "survei", quarter)
    assert _failed(anggota) == {("kepala_keluarga", "be_between")} and anggota.severity == AssetCheckSeverity.ERROR


def test_survey_members_listed_twice_or_keyed_differently(broken):
    con, storage, quarter = broken
    con.execute("INSERT INTO standardise.stg_survei_anggota SELECT * FROM standardise.stg_survei_anggota "
                "WHERE hubungan_keluarga = 'ISTRI' AND baris % 20 = 0")
    con.close()
    anggota = _run(storage, "stg_survei_anggota", "survei", quarter)
    assert _failed(anggota) == {("id_anggota", "be_unique")} and anggota.severity == AssetCheckSeverity.ERROR
    assert _failed(_run(storage, "stg_survei", "survei", quarter)) == {("anggota_cocok", "be_in_set")}
    # a roster whose household ids are written differently: no family has its members
    con = duckdb.connect(str(storage.database))
    con.execute("UPDATE standardise.stg_survei_anggota SET id_sumber = 'R' || id_sumber")
    con.close()
    survei = _run(storage, "stg_survei", "survei", quarter)
    assert survei.description.startswith("anggota_cocok be_in_set: 100.0% unexpected")


def test_region_reference(broken):
    con, storage, quarter = broken
    con.execute("INSERT INTO main.wilayah SELECT * FROM main.wilayah WHERE tingkat = 'kecamatan' AND baris % 10 = 0")
    con.execute("UPDATE main.wilayah SET kode = substr(kode, 1, 6) || '99' WHERE tingkat = 'desa' AND baris % 7 = 0")
    con.execute("UPDATE main.wilayah SET kode_induk = '9999' WHERE tingkat = 'kecamatan' AND baris % 9 = 0")
    # two villages given one BPS code: REGSOSEK's families there would be joined to both
    con.execute("""UPDATE main.wilayah SET kode_bps = (SELECT min(kode_bps) FROM main.wilayah WHERE tingkat = 'desa')
                   WHERE tingkat = 'desa' AND kode = (SELECT max(kode) FROM main.wilayah WHERE tingkat = 'desa')""")
    con.close()
    wilayah = _run(storage, "wilayah", None, quarter)
    assert _failed(wilayah) == {("kode", "be_unique"), ("kode", "match_regex"), ("kode_sesuai_tingkat", "be_in_set"),
                                ("induk_ada", "be_in_set"), ("kode_bps", "be_unique")}
    assert wilayah.severity == AssetCheckSeverity.ERROR and wilayah.metadata["baris_sumber"].value > 0


def test_derived_columns_and_their_dependencies(tmp_path, world_db):
    """A derived column is computed in DuckDB over the row `t`; its table is a dependency of the
    check only when that asset is in the code location."""
    from dtsen_pipeline.assets.standardise import stg_survei

    db, quarter = world_db
    (tmp_path / "s.yaml").write_text(
        "sampel: 10\ntabel:\n  stg_survei:\n    kunci: id_sumber\n    butuh: [stg_survei_anggota]\n"
        "    turunan: {dua_kali: 't.jumlah_anggota * 2'}\n"
        "    kolom: {dua_kali: {not_null: 1.0, expect_column_values_to_be_between: {min_value: 2, max_value: 2}}}\n")
    table = load_suites(tmp_path / "s.yaml")["tabel"]["stg_survei"]
    result = run_suite(DuckDBStorage(database=str(db)), "stg_survei", table, None, quarter, 10)
    assert result.metadata["baris_divalidasi"].value == 10 < result.metadata["baris_sumber"].value
    assert not result.passed and re.search(r"\| dua_kali +\| be_between .*\| NO ", result.metadata["hasil"].value)
    (check,) = build_expectation_checks([stg_survei], tmp_path / "s.yaml")
    assert not next(iter(check.check_specs)).additional_deps
