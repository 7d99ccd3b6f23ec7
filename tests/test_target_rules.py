"""Programme rules (dtsen_pipeline/target/programs.yaml): the defaults load, a user's file is found
through DTSEN_PROGRAM, and a broken file fails with an error that names the key and what is
allowed."""

import copy

import pytest
import yaml

from dtsen_pipeline.target.rules import DEFAULT_RULES, ENV_VAR, ProgramRulesError, load_rules, rules_path, validate


@pytest.fixture(scope="module")
def default_doc():
    return yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))


def test_default_rules_follow_kepmensos(default_doc):
    rules = load_rules(DEFAULT_RULES)
    programs = {p["program"]: p for p in rules.program_rows()}
    assert (programs["pkh"]["desil_dari"], programs["pkh"]["desil_sampai"]) == (1, 4)
    assert programs["pkh"]["satuan"] == "keluarga" and set(programs["pkh"]["kriteria"]) == {
        "anak_usia_dini", "anak_sekolah", "lansia", "disabilitas_berat"}
    assert (programs["sembako"]["desil_sampai"], programs["pbi_jk"]["desil_sampai"], programs["atensi"]["desil_sampai"]) == (5, 5, 5)
    assert programs["pbi_jk"]["satuan"] == "individu" and programs["pbi_jk"]["segmen_lain"]
    assert [programs[p]["kuota_nasional"] for p in ("pkh", "sembako", "pbi_jk")] == [10_000_000, 18_300_000, 96_800_000]
    assert programs["atensi"]["daftar_penerima"] is None and programs["atensi"]["kuota_nasional"] is None
    assert len(rules.sha256) == 64


def test_criteria_compile_to_sql_over_the_columns_they_name():
    rules = load_rules(DEFAULT_RULES)
    sql = rules.criteria_sql()
    assert "umur BETWEEN 0 AND 6" in sql and "'anak_usia_dini'" in sql and "disabilitas_berat = true" in sql
    assert {"umur", "disabilitas_berat", "jumlah_anggota", "pekerjaan"} <= set(rules.used_columns())


def test_the_rules_file_comes_from_the_environment(tmp_path, monkeypatch, default_doc):
    mine = tmp_path / "mine.yaml"
    doc = copy.deepcopy(default_doc)
    doc["program"]["pkh"]["desil"]["sampai"] = 3
    mine.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(mine))
    assert rules_path() == mine
    assert load_rules().programs["pkh"]["desil"]["sampai"] == 3
    monkeypatch.delenv(ENV_VAR)
    assert rules_path() == DEFAULT_RULES


def test_a_missing_file_says_how_to_point_to_one(tmp_path):
    with pytest.raises(ProgramRulesError, match="does not exist.*DTSEN_PROGRAM"):
        load_rules(tmp_path / "nope.yaml")


def _set(doc, path, value):
    *parents, last = path
    for key in parents:
        doc = doc[key]
    if value is _DELETE:
        del doc[last]
    else:
        doc[last] = value


_DELETE = object()


@pytest.mark.parametrize("path, value, key, allowed", [
    (("program", "pkh", "desil", "sampai"), 11, "program.pkh.desil.sampai", "a decile from 1 to 10"),
    (("program", "pkh", "desil", "dari"), 5, "program.pkh.desil", "dari (5) is above sampai (4)"),
    (("program", "pkh", "satuan"), "rumah_tangga", "program.pkh.satuan", "allowed: keluarga, individu"),
    (("program", "pkh", "kriteria"), ["anak_usia_dini", "balita"], "program.pkh.kriteria", "'balita' is not a criterion"),
    (("program", "pkh", "warna"), "merah", "program.pkh.warna", "unknown key; allowed: nama, satuan"),
    (("program", "sembako", "daftar_penerima"), "pkh", "program.sembako.daftar_penerima", "already the list of programme pkh"),
    (("program", "pkh", "kuota_nasional"), -5, "program.pkh.kuota_nasional", "a whole number above 0"),
    (("program", "pkh", "nama"), _DELETE, "program.pkh.nama", "missing"),
    (("program", "pbi_jk", "satuan"), "keluarga", "program.pbi_jk.satuan", "per person (individu)"),
    (("program", "pbi_jk", "daftar_penerima"), "pbi", "program.pbi_jk.daftar_penerima", "must use the list pbi_jk"),
    (("kriteria", "lansia", "syarat", "usia"), {"minimal": 70}, "kriteria.lansia.syarat.usia", "unknown column; allowed:"),
    (("kriteria", "lansia", "syarat", "umur"), {"lebih_dari": 70}, "kriteria.lansia.syarat.umur.lebih_dari", "unknown operator"),
    (("kriteria", "lansia", "syarat", "umur"), {"antara": [80, 70]}, "kriteria.lansia.syarat.umur.antara", "min <= max"),
    (("kriteria", "disabilitas_berat", "syarat", "disabilitas_berat"), {"sama_dengan": "YA"},
     "kriteria.disabilitas_berat.syarat.disabilitas_berat.sama_dengan", "true or false"),
    (("kriteria", "lansia", "syarat", "jenis_lantai"), {"salah_satu": ["LUMPUR"]}, "kriteria.lansia.syarat.jenis_lantai.salah_satu",
     "allowed: TANAH, BAMBU"),
    (("kriteria", "lansia", "syarat", "jenis_lantai"), {"minimal": 2}, "kriteria.lansia.syarat.jenis_lantai.minimal",
     "needs a numeric column"),
    (("desil",), "kecamatan", "desil", "allowed: nasional, provinsi, kabupaten"),
    (("batas_kemiripan_nama",), 1.5, "batas_kemiripan_nama", "a number from 0 to 1"),
    (("penduduk_nasional",), "banyak", "penduduk_nasional", "a whole number above 0"),
    (("pekerjaan_asn",), "PNS", "pekerjaan_asn", "list of Dukcapil occupations"),
    (("kuota",), 5, "kuota", "unknown key; allowed: versi, desil"),
    (("alasan", "MENINGGAL", "pbi_jk"), "wafat", "alasan.MENINGGAL.pbi_jk", "allowed: NIK tidak ditemukan, meninggal, dihapuskan"),
    (("alasan", "MENINGGAL", "prioritas"), 0, "alasan.MENINGGAL.prioritas", "a whole number from 1"),
    (("alasan", "PINDAH_SEGMEN"), _DELETE, "alasan.PINDAH_SEGMEN", "missing"),
    (("alasan", "MISKIN_SEKALI"), {"prioritas": 1, "teks": "x", "verifikasi": "y", "pbi_jk": None}, "alasan.MISKIN_SEKALI",
     "unknown reason code; the codes are fixed"),
])
def test_a_broken_rules_file_names_the_key_and_what_is_allowed(default_doc, path, value, key, allowed):
    doc = copy.deepcopy(default_doc)
    _set(doc, path, value)
    with pytest.raises(ProgramRulesError) as err:
        validate(doc, "mine.yaml")
    message = str(err.value)
    assert message.startswith(f"mine.yaml: {key}:"), message
    assert allowed in message, message


def test_the_pbi_jk_programme_cannot_be_renamed_away_from_its_decree_lists(default_doc):
    doc = copy.deepcopy(default_doc)
    doc["program"]["pbi"] = doc["program"].pop("pbi_jk")  # verifikasi_pbi_jk and rekap_pbi_jk would be empty
    with pytest.raises(ProgramRulesError, match=r"mine.yaml: program.pbi: .*must keep the key pbi_jk"):
        validate(doc, "mine.yaml")
    del doc["program"]["pbi"]  # a rules copy without PBI-JK at all is allowed: no decree lists then
    validate(doc, "mine.yaml")


def test_an_unreadable_file_is_reported_with_its_path(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("program: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProgramRulesError, match="bad.yaml: not readable YAML"):
        load_rules(bad)
