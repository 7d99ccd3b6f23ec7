"""Stage `target` on crafted families: each rule and reason, the exclusion candidates, PBI-JK
verification, quotas and the village workbooks, on a small DuckDB built by hand (the tables the
stage reads, with only the columns it needs)."""

import copy
import datetime as dt

import duckdb
import openpyxl
import pandas as pd
import pytest
import yaml
from dagster import materialize

from dtsen_pipeline.assets.target import ProgramRules, target_assets
from dtsen_pipeline.assets.target_lists import daftar_desa
from dtsen_pipeline.checks.target import target_checks
from dtsen_pipeline.resources import DuckDBStorage, RawData
from dtsen_pipeline.target.rules import DEFAULT_RULES

Q, LALU = "2025-04-01", "2025-01-01"
DESA1, DESA2, DESA3 = "3403012001", "3403012002", "3404012001"
NAMES = {DESA1: "SUKAMAJU", DESA2: "MULYOREJO", DESA3: "CATURTUNGGAL"}

# families: id -> (desa, desil now, desil last quarter (None = not ranked), skor); None desil = belum_terdata
FAMILIES = {
    "K01": (DESA1, 1, 1, 300_000),    # poor, toddler: PKH recipient, eligible
    "K02": (DESA1, 8, 3, 2_000_000),  # rich now, poor last quarter: PKH recipient -> out of range + graduated
    "K03": (DESA1, 2, 2, 500_000),    # poor, no PKH component: PKH recipient -> criteria not met
    "K04": (DESA1, 2, 2, 510_000),    # a civil servant (occupation): Sembako recipient
    "K05": (DESA1, 1, 1, 320_000),    # a member on the ASN payroll list: Sembako recipient
    "K06": (DESA1, 3, 3, 700_000),    # recipient on the PPATK list: Sembako
    "K07": (DESA1, 1, 1, 310_000),    # carer dead in Dukcapil: Sembako row with the dead carer's NIK
    "K08": (DESA2, 2, 2, 520_000),    # NIK on the Sembako list mistyped; name and KK right
    "K09": (DESA2, 2, 2, 530_000),    # PBI row with K09's NIK but another name
    "K10": (DESA2, None, None, None),  # belum_terdata: Sembako recipient
    "K11": (DESA2, 1, 1, 100_000),    # poorest, elderly, on no list: exclusion candidate (PKH, Sembako, PBI)
    "K12": (DESA2, 1, 1, 110_000),    # poor, elderly, but an ASN member: not eligible
    "K13": (DESA3, 9, 9, 3_000_000),  # rich, elderly: not eligible
    "K14": (DESA3, 2, 2, 540_000),    # PBI: formal employee (other JKN segment), and a pensioner
    "K15": (DESA2, 8, 8, 2_500_000),  # a police officer whose NIK is on list rows under other names
}

# people: nik -> (family, name, age, sex, relation, occupation, extra)
P = {}


def person(nik, fam, name, age, sex="L", rel="ANAK", job="BELUM/TIDAK BEKERJA", **extra):
    P[nik] = dict(id_keluarga=fam, nama=name, umur=age, jenis_kelamin=sex, hubungan_keluarga=rel, pekerjaan=job, **extra)
    return nik


W01 = person("3403014101900001", "K01", "SITI AMINAH", 35, "P", "ISTRI", "MENGURUS RUMAH TANGGA")
person("3403010101900002", "K01", "BUDI", 36, rel="KEPALA KELUARGA", job="PETANI/PEKEBUN")
person("3403010101220003", "K01", "DIMAS", 3)
BABY = person("3403010102250004", "K01", "BAYI SAPUTRA", 0, tgl_lahir=dt.date(2025, 2, 1))
W02 = person("3403014202800001", "K02", "SRI WAHYUNI", 45, "P", "ISTRI", "WIRASWASTA")
person("3403010101150002", "K02", "ANAK KAYA", 10)
W03 = person("3403014303800001", "K03", "SUMARNI", 44, "P", "ISTRI", "BURUH HARIAN LEPAS")
person("3403010303780002", "K03", "SUMARNO", 46, rel="KEPALA KELUARGA", job="BURUH HARIAN LEPAS")
W04 = person("3403014404800001", "K04", "PARTINI", 44, "P", "ISTRI", "MENGURUS RUMAH TANGGA")
person("3403010404780002", "K04", "PARTONO", 46, rel="KEPALA KELUARGA", job="PEGAWAI NEGERI SIPIL")
W05 = person("3403014505800001", "K05", "SUTINAH", 44, "P", "ISTRI", "PETANI/PEKEBUN")
ASN_LISTED = person("3403010505780002", "K05", "SUTRISNO", 46, rel="KEPALA KELUARGA", job="PETANI/PEKEBUN")
W06 = person("3403014606800001", "K06", "YATMI", 44, "P", "ISTRI", "PERDAGANGAN")
W07_DEAD = "3403014707500001"
person("3403010707750002", "K07", "JOKO", 50, rel="KEPALA KELUARGA", job="PETANI/PEKEBUN")
person("3403010707120003", "K07", "ANAK JOKO", 13)
W08 = person("3403024808800001", "K08", "PAINEM", 44, "P", "ISTRI", "PETANI/PEKEBUN")
W08_TYPO = "3403024808800009"
P09 = person("3403020909800001", "K09", "SUPARMAN", 44, rel="KEPALA KELUARGA", job="PETANI/PEKEBUN")
W10 = person("3403024110800001", "K10", "WAGIYEM", 44, "P", "KEPALA KELUARGA", "PETANI/PEKEBUN")
OLD11 = person("3403021111400001", "K11", "MBAH KARSO", 84, rel="KEPALA KELUARGA", job="BELUM/TIDAK BEKERJA")
person("3403021212400001", "K12", "MBAH WIRYO", 84, rel="KEPALA KELUARGA", job="BELUM/TIDAK BEKERJA")
person("3403021212800002", "K12", "ANAK PNS", 44, job="PEGAWAI NEGERI SIPIL")
person("3404011313400001", "K13", "MBAH KAYA", 80, rel="KEPALA KELUARGA", job="BELUM/TIDAK BEKERJA")
EMP = person("3404011414800001", "K14", "KARYAWATI", 44, "P", "ISTRI", "KARYAWAN SWASTA", status_kedudukan_kerja="BURUH/KARYAWAN/PEGAWAI")
PENSION = person("3404011414500002", "K14", "PAK PENSIUN", 70, rel="KEPALA KELUARGA", job="PENSIUNAN")
POLICE = person("3403021515800001", "K15", "SLAMET RIYADI", 45, rel="KEPALA KELUARGA", job="KEPOLISIAN RI")
# Dukcapil gives him a placeholder KK (in the pipeline a family alone; K13 only hosts him here), the
# one the 'ORANG ASING' Sembako row carries: a shared placeholder is no KK to suggest a person by
person("3404011616900001", "K13", "ORANG ASING", 35, job="KARYAWAN SWASTA", no_kk="0" * 16, no_kk_bentuk="placeholder")
PBI_TYPO_PERSON = person("3403011509850005", "K01", "DARMI", 39, "P", "FAMILI LAIN", "BURUH HARIAN LEPAS",
                         tgl_lahir=dt.date(1985, 9, 15))


def kk(fam):
    return "34" + fam[1:].zfill(14)


def _tables() -> dict[str, pd.DataFrame]:
    people = []
    for nik, p in P.items():
        fam = p["id_keluarga"]
        desa = FAMILIES[fam][0]
        people.append({
            "periode": Q, "id_individu": "I" + nik, "nik": nik, "no_kk": p.get("no_kk", kk(fam)),
            "no_kk_bentuk": p.get("no_kk_bentuk", "ok"), "id_keluarga": fam, "nama": p["nama"],
            "nama_baku": p["nama"], "tgl_lahir": p.get("tgl_lahir", dt.date(2025 - p["umur"], 6, 1)), "umur": p["umur"],
            "jenis_kelamin": p["jenis_kelamin"], "hubungan_keluarga": p["hubungan_keluarga"], "pekerjaan": p["pekerjaan"],
            "kode_provinsi": desa[:2], "kode_kabupaten": desa[:4], "kode_kecamatan": desa[:6], "kode_desa": desa,
            "disabilitas_berat": False, "status_kedudukan_kerja": p.get("status_kedudukan_kerja"),
        })
    individu = pd.DataFrame(people)
    size = individu.groupby("id_keluarga").size()
    heads = individu.sort_values("umur", ascending=False).drop_duplicates("id_keluarga").set_index("id_keluarga")
    keluarga, peringkat = [], []
    for rank, (fam, (desa, desil, lalu, skor)) in enumerate(sorted(FAMILIES.items(), key=lambda f: f[1][3] or 9e9), start=1):
        keluarga.append({"periode": Q, "id_keluarga": fam, "no_kk": kk(fam), "kode_provinsi": desa[:2], "kode_kabupaten": desa[:4],
                         "kode_kecamatan": desa[:6], "kode_desa": desa, "nama_desa": NAMES[desa], "alamat": f"RT 01 {NAMES[desa]}",
                         "nik_kepala": heads.loc[fam, "nik"], "nama_kepala": heads.loc[fam, "nama"], "jumlah_anggota": int(size[fam]),
                         "no_kk_bentuk": "ok", "id_keluarga_asal": None, "status_data": "belum_terdata" if desil is None else "terdata"})
        if desil is None:
            continue
        for periode, d in ((Q, desil), (LALU, lalu)):
            peringkat.append({"periode": periode, "id_keluarga": fam, "no_kk": kk(fam), "kode_provinsi": desa[:2],
                              "kode_kabupaten": desa[:4], "kode_kecamatan": desa[:6], "kode_desa": desa, "jumlah_anggota": int(size[fam]),
                              "skor": float(skor), "peringkat_nasional": rank, "desil_nasional": d, "desil_provinsi": d,
                              "desil_kabupaten": d, "versi_model": "uji", "cara_skor": "model"})
    rows = []

    def row(program, nik, nama, no_kk=None, desa=None, kab=None, tgl=None):
        n = len(rows) + 2
        rows.append({"periode": Q, "sumber": f"penerima_{program}", "program": program, "id_sumber": f"{program.upper()}-{n}",
                     "file": f"penerima/{program}.csv", "baris": n, "nik": nik,
                     "nik_bentuk": "ok" if nik and len(nik) == 16 and nik != "0" * 16 else ("kosong" if not nik else "placeholder"),
                     "no_kk": no_kk, "nama": nama, "nama_baku": nama, "tgl_lahir": tgl, "kode_desa": desa,
                     "kode_kabupaten": kab or (desa[:4] if desa else None), "status_kepesertaan": "AKTIF" if program == "pbi_jk" else None})

    row("pkh", W01, "SITI AMINAH", kk("K01"), DESA1)
    row("pkh", W02, "SRI WAHYUNI", kk("K02"), DESA1)
    row("pkh", W03, "SUMARNI", kk("K03"), DESA1)
    row("sembako", W04, "PARTINI", kk("K04"), DESA1)
    row("sembako", W05, "SUTINAH", kk("K05"), DESA1)
    row("sembako", W06, "YATMI", kk("K06"), DESA1)
    row("sembako", W07_DEAD, "SAMINEM", kk("K07"), DESA1)
    row("sembako", W08_TYPO, "PAINEM", kk("K08"), DESA2)
    row("sembako", "9999999999999999", "ORANG ASING", "0" * 16, DESA2)
    row("sembako", W10, "WAGIYEM", kk("K10"), DESA2)
    row("sembako", POLICE, "PAIJO", kk("K13"), DESA3)  # the officer's NIK on the row of K13's KK, a name nobody there has
    row("pbi_jk", W01, "SITI AMINAH", kab="3403")
    row("pbi_jk", W01, "SITI AMINAH", kab="3403")   # listed twice
    row("pbi_jk", P09, "JOHANNES OEMBOE", kab="3403")  # somebody else's NIK
    row("pbi_jk", EMP, "KARYAWATI", kab="3404")
    row("pbi_jk", PENSION, "PAK PENSIUN", kab="3404")
    row("pbi_jk", "3403011509850009", "DARMI", kab="3403", tgl=dt.date(1985, 9, 15))  # typo; same name and birth date in 3403
    row("pbi_jk", None, "TANPA NIK", kab="3403")
    row("pbi_jk", POLICE, "NANIK MARYATI", kab="3403")  # the officer's NIK, no birth date: nobody to suggest
    row("pbi_jk", POLICE, "SUMIYATI", kab="3403")       # the same NIK under yet another name
    penerima = pd.DataFrame(rows)
    negatif = pd.DataFrame([{"periode": Q, "daftar": "asn", "nik": ASN_LISTED, "nik_bentuk": "ok"},
                            {"periode": Q, "daftar": "ppatk", "nik": W06, "nik_bentuk": "ok"}])
    # the dead carer's last Dukcapil village differs from her living family's: the family's places the row
    dukcapil = pd.DataFrame([{"periode": Q, "sumber": "dukcapil", "nik": W07_DEAD, "no_kk": kk("K07"), "status_hidup": "MATI",
                              "nik_bentuk": "ok", "tgl_meninggal": dt.date(2025, 2, 10), "kode_desa": DESA2},
                             *({"periode": Q, "sumber": "dukcapil", "nik": nik, "no_kk": kk(p["id_keluarga"]), "status_hidup": "HIDUP",
                                "nik_bentuk": "ok", "tgl_meninggal": None, "kode_desa": None} for nik, p in P.items())])
    wilayah = pd.DataFrame([{"periode": Q, "kode": k, "nama": n, "tingkat": t} for k, n, t in [
        ("34", "DI YOGYAKARTA", "provinsi"), ("3403", "KABUPATEN GUNUNGKIDUL", "kabupaten"), ("3404", "KABUPATEN SLEMAN", "kabupaten"),
        ("340301", "WONOSARI", "kecamatan"), ("340401", "DEPOK", "kecamatan"),
        *((d, n, "desa") for d, n in NAMES.items())]])
    return {"individu": individu, "keluarga": pd.DataFrame(keluarga), "peringkat": pd.DataFrame(peringkat),
            "stg_penerima_bansos": penerima, "stg_daftar_negatif": negatif, "stg_individu": dukcapil, "wilayah": wilayah}


def build_db(path):
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA standardise")
    for name, frame in _tables().items():
        con.register("f", frame)
        con.execute(f"CREATE TABLE {'standardise' if name.startswith('stg_') else 'main'}.{name} AS SELECT * FROM f")
        con.unregister("f")
    con.close()


def run_stage(db, data_dir, rules_file=""):
    result = materialize([*target_assets, daftar_desa, *target_checks], partition_key=Q, resources={
        "storage": DuckDBStorage(database=str(db)), "raw": RawData(data_dir=str(data_dir)), "aturan": ProgramRules(config_file=rules_file)})
    assert result.success
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    return {c.check_name: c.passed for c in checks}


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    root = tmp_path_factory.mktemp("target")
    db = root / "dtsen.duckdb"
    build_db(db)
    checks = run_stage(db, root)
    con = duckdb.connect(str(db), read_only=True)
    yield con, root, checks
    con.close()


def rows(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def status(con, program, nik=None, nama=None):
    cond = f"nik = '{nik}'" if nik else f"nama = '{nama}'"
    return rows(con, f"SELECT * FROM status_penerima WHERE program = '{program}' AND {cond} ORDER BY baris")


def test_every_check_passes_and_every_list_row_is_accounted_for(crafted):
    con, _, checks = crafted
    assert checks and all(checks.values()), checks
    assert con.execute("SELECT count(*) FROM status_penerima").fetchall() == con.execute("SELECT count(*) FROM standardise.stg_penerima_bansos").fetchall()
    assert con.execute("SELECT count(*) FROM kandidat_inclusion_error").fetchall() == \
        con.execute("SELECT count(*) FROM status_penerima WHERE status = 'kandidat_inclusion_error'").fetchall()


def test_an_eligible_recipient_has_no_reason(crafted):
    con, _, _ = crafted
    [r] = status(con, "pkh", W01)
    assert (r["status"], r["status_nik"], r["alasan"], r["id_keluarga"]) == ("layak", "ditemukan", [], "K01")
    assert r["kriteria"] == ["anak_usia_dini"]


@pytest.mark.parametrize("program, nik, expected", [
    ("pkh", W02, ["DESIL_DI_LUAR_RENTANG", "GRADUASI"]),
    ("pkh", W03, ["TIDAK_MEMENUHI_KRITERIA"]),
    ("sembako", W04, ["ASN_TNI_POLRI"]),
    ("sembako", W05, ["ASN_TNI_POLRI"]),
    ("sembako", W06, ["JUDI_ONLINE"]),
    ("sembako", W07_DEAD, ["MENINGGAL"]),
    ("sembako", W08_TYPO, ["NIK_TIDAK_DITEMUKAN"]),
    ("sembako", W10, ["BELUM_TERDATA"]),
    ("pbi_jk", P09, ["IDENTITAS_TIDAK_COCOK"]),
    ("pbi_jk", EMP, ["PINDAH_SEGMEN"]),
    ("pbi_jk", PENSION, ["PEKERJAAN_TIDAK_SESUAI"]),
])
def test_each_reason_on_its_crafted_family(crafted, program, nik, expected):
    con, _, _ = crafted
    [r] = status(con, program, nik)
    assert r["status"] == "kandidat_inclusion_error"
    assert r["alasan"] == expected


def test_reasons_are_ordered_and_prioritised_by_the_rules(crafted):
    con, _, _ = crafted
    [k] = rows(con, f"SELECT * FROM kandidat_inclusion_error WHERE nik = '{W02}'")
    assert k["prioritas"] == 9  # DESIL_DI_LUAR_RENTANG (9) before GRADUASI (10)
    assert "desil 8, rentang program 1-4" in k["alasan_teks"] and "desil 3 -> 8" in k["alasan_teks"]
    order = rows(con, "SELECT nik, prioritas, urutan FROM kandidat_inclusion_error WHERE program = 'sembako' ORDER BY urutan")
    assert [o["prioritas"] for o in order] == sorted(o["prioritas"] for o in order)
    assert order[0]["nik"] == W07_DEAD  # deceased: verified first


def test_a_dead_recipients_family_is_still_assessed(crafted):
    con, _, _ = crafted
    [r] = status(con, "sembako", W07_DEAD)
    assert (r["status_nik"], r["id_keluarga"], r["cara_padan"], r["desil"], r["kode_desa"]) == ("meninggal", "K07", "no_kk", 1, DESA1)


def test_a_mistyped_nik_is_listed_with_the_person_it_probably_is(crafted):
    con, _, _ = crafted
    [r] = status(con, "sembako", W08_TYPO)
    assert (r["status_nik"], r["nik_saran"], r["id_keluarga"], r["cara_padan"]) == ("tidak_ditemukan", W08, "K08", "nik_saran")
    [k] = rows(con, f"SELECT alasan_teks FROM kandidat_inclusion_error WHERE nik = '{W08_TYPO}'")
    assert W08 in k["alasan_teks"]


def test_a_nik_nobody_has_is_listed_not_lost(crafted):
    con, _, _ = crafted
    [r] = status(con, "sembako", "9999999999999999")
    assert (r["status_nik"], r["nik_saran"], r["id_keluarga"], r["cara_padan"], r["kode_desa"]) == \
        ("tidak_ditemukan", None, None, "tidak_ada", DESA2)
    assert r["alasan"] == ["NIK_TIDAK_DITEMUKAN"]
    [r] = status(con, "pbi_jk", nama="TANPA NIK")
    assert r["alasan"] == ["NIK_TIDAK_DITEMUKAN"] and r["kode_kabupaten"] == "3403"


def test_a_name_not_matching_its_nik_is_not_assessed_as_the_niks_owner(crafted):
    con, _, _ = crafted
    # PBI-JK rows with the officer's NIK under other names, nobody to suggest: not the officer (desil 8, ASN/TNI/Polri)
    # but a mismatch to verify; two different names on one NIK are not the same person listed twice
    nanik, sumiyati = status(con, "pbi_jk", POLICE)
    assert (nanik["nama"], sumiyati["nama"]) == ("NANIK MARYATI", "SUMIYATI")
    for r in (nanik, sumiyati):
        assert (r["status_nik"], r["nik_saran"], r["id_individu"], r["id_keluarga"], r["cara_padan"], r["desil"]) == \
            ("identitas_tidak_cocok", None, None, None, "tidak_ada", None)
        assert (r["status"], r["alasan"], r["kode_kabupaten"]) == ("kandidat_inclusion_error", ["IDENTITAS_TIDAK_COCOK"], "3403")
    assert not rows(con, f"SELECT * FROM verifikasi_pbi_jk WHERE nik = '{POLICE}'")  # to verify, not to deactivate
    # a family programme's row is assessed by its own KK, not by the NIK's owner's family
    [r] = status(con, "sembako", POLICE)
    assert (r["status_nik"], r["id_keluarga"], r["cara_padan"], r["desil"]) == ("identitas_tidak_cocok", "K13", "no_kk", 9)
    assert r["alasan"] == ["IDENTITAS_TIDAK_COCOK", "DESIL_DI_LUAR_RENTANG"]
    # the NIK's owner is not taken as receiving: Suparman (his NIK on JOHANNES OEMBOE's row) stays a PBI-JK exclusion candidate
    pbi = {r["nik"] for r in rows(con, "SELECT nik FROM kandidat_exclusion_error WHERE program = 'pbi_jk'")}
    assert P09 in pbi


def test_a_person_listed_twice_is_flagged_on_the_second_row(crafted):
    con, _, _ = crafted
    first, second = status(con, "pbi_jk", W01)
    assert first["alasan"] == [] and second["alasan"] == ["GANDA"]


def test_exclusion_candidates_are_eligible_non_recipients_poorest_first(crafted):
    con, _, _ = crafted
    pkh = rows(con, "SELECT id_keluarga, urutan, kriteria FROM kandidat_exclusion_error WHERE program = 'pkh' ORDER BY urutan")
    # K11 (elderly, poorest) and K07 (a child of 13, carer dead but family on no PKH row); K01 receives; K12 has an ASN member
    assert [r["id_keluarga"] for r in pkh] == ["K11", "K07"]
    assert pkh[0]["kriteria"] == ["lansia"] and pkh[1]["kriteria"] == ["anak_sekolah"]
    sembako = {r["id_keluarga"] for r in rows(con, "SELECT id_keluarga FROM kandidat_exclusion_error WHERE program = 'sembako'")}
    assert "K11" in sembako and "K01" in sembako and "K03" in sembako
    assert not sembako & {"K04", "K05", "K06", "K07", "K08", "K10", "K12", "K13"}  # receiving, ASN, gambling, rich or not ranked
    pbi = {r["nik"] for r in rows(con, "SELECT nik FROM kandidat_exclusion_error WHERE program = 'pbi_jk'")}
    assert OLD11 in pbi and W01 not in pbi and PBI_TYPO_PERSON not in pbi  # on the list (under a mistyped NIK)
    atensi = rows(con, "SELECT nik, kriteria FROM kandidat_exclusion_error WHERE program = 'atensi'")
    assert [(r["nik"], r["kriteria"]) for r in atensi] == [(OLD11, ["lansia_tunggal"])]


def test_pbi_jk_decree_reasons_fixes_and_newborns(crafted):
    con, _, _ = crafted
    v = {(r["nik"], r["jenis"]): r for r in rows(con, "SELECT * FROM verifikasi_pbi_jk")}
    assert (P09, "nonaktifkan") not in v  # a name not matching the NIK: verification only
    assert v[(EMP, "nonaktifkan")]["alasan_nonaktif"] == "pindah segmen"
    assert v[(PENSION, "nonaktifkan")]["alasan_nonaktif"] == "pekerjaan tidak sesuai"
    assert v[(W01, "nonaktifkan")]["alasan_nonaktif"] == "dihapuskan"  # the second row of a person listed twice
    assert v[(None, "nonaktifkan")]["alasan_nonaktif"] == "NIK tidak ditemukan"
    fix = v[("3403011509850009", "perbaiki_nik")]
    assert fix["nik_saran"] == PBI_TYPO_PERSON and fix["alasan_nonaktif"] is None
    baby = v[(BABY, "tambahkan_bayi")]
    assert baby["nik_anggota"] == W01  # the mother on the list
    [total] = rows(con, "SELECT * FROM rekap_pbi_jk WHERE kode_kabupaten = 'SEMUA'")
    assert (total["terdaftar"], total["usul_nonaktif"], total["perbaiki_nik"], total["bayi_baru_lahir"]) == (9, 4, 1, 1)
    assert total["usul_nonaktif"] == total["nik_tidak_ditemukan"] + total["meninggal"] + total["dihapuskan"] + total["pindah_segmen"] \
        + total["pekerjaan_tidak_sesuai"]


def test_quotas_follow_the_poor_population_and_sum_to_the_national_total(crafted):
    con, _, _ = crafted
    people = con.execute("SELECT count(*) FROM individu").fetchall()[0][0]
    for program, national in (("pkh", 10_000_000), ("sembako", 18_300_000), ("pbi_jk", 96_800_000)):
        q = rows(con, f"SELECT * FROM kuota_program WHERE program = '{program}' ORDER BY kode_kabupaten")
        assert sum(r["kuota"] for r in q) == round(national * people / 287_000_000)
        assert abs(sum(r["porsi"] for r in q) - 1) < 1e-6
    sembako = {r["kode_kabupaten"]: r for r in rows(con, "SELECT * FROM kuota_program WHERE program = 'sembako'")}
    # 3404's only family in range is K14 (2 people); 3403 has the rest
    poor_3403 = con.execute("""SELECT sum(k.jumlah_anggota) FROM keluarga k JOIN peringkat p USING (periode, id_keluarga)
                               WHERE p.desil_nasional <= 5 AND k.kode_kabupaten = '3403'""").fetchall()[0][0]
    assert (sembako["3404"]["penduduk_miskin"], sembako["3403"]["penduduk_miskin"]) == (2, poor_3403)
    assert sembako["3403"]["penerima"] == 7 and sembako["3403"]["selisih"] == 7 - sembako["3403"]["kuota"]


def test_a_changed_rules_file_takes_effect(tmp_path):
    doc = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    changed = copy.deepcopy(doc)
    changed["program"]["pkh"]["desil"]["sampai"] = 9       # PKH up to desil 9
    changed["program"]["pkh"]["kriteria"] = ["lansia"]      # and only for the elderly
    changed["pekerjaan_tidak_sesuai"] = []
    path = tmp_path / "aturan.yaml"
    path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "dtsen.duckdb"
    build_db(db)
    stray = tmp_path / "keluaran" / Q / "3403019999_LAMA.xlsx"  # a file of an earlier run: the quarter's folder is rebuilt whole
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"old")
    run_stage(db, tmp_path, str(path))
    assert not stray.exists() and len(list(stray.parent.glob("*.xlsx"))) == 4
    con = duckdb.connect(str(db), read_only=True)
    try:
        [k02] = status(con, "pkh", W02)
        assert k02["alasan"] == ["TIDAK_MEMENUHI_KRITERIA"]  # desil 8 is in range now; a child of 10 is no longer a criterion
        [k01] = status(con, "pkh", W01)
        assert k01["alasan"] == ["TIDAK_MEMENUHI_KRITERIA"]
        [pension] = status(con, "pbi_jk", PENSION)
        assert pension["alasan"] == []
        pkh = [r["id_keluarga"] for r in rows(con, "SELECT id_keluarga FROM kandidat_exclusion_error WHERE program = 'pkh' ORDER BY urutan")]
        assert pkh == ["K11", "K14", "K13"]  # the pensioner's and the rich elderly family are eligible now
        [used] = rows(con, "SELECT * FROM aturan_program WHERE program = 'pkh'")
        assert (used["desil_sampai"], used["berkas_aturan"]) == (9, str(path))
    finally:
        con.close()


def _sheet(path, name):
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        values = list(book[name].iter_rows(values_only=True))
    finally:
        book.close()
    return values[0], values[1:]


def test_village_workbooks_hold_their_villages_rows(crafted):
    con, root, _ = crafted
    files = {r["kode_desa"]: r for r in rows(con, "SELECT * FROM daftar_desa")}
    assert set(files) == {DESA1, DESA2, DESA3, "3403_TANPA_DESA"}
    path = root / files[DESA1]["berkas"]
    assert path.name == f"{DESA1}_SUKAMAJU.xlsx" and path.parent == root / "keluaran" / Q
    header, body = _sheet(path, "Penerima perlu dicek")
    assert header[:4] == ("No", "Program", "NIK di daftar", "Nama di daftar") and "Alasan" in header
    expected = con.execute(f"SELECT count(*) FROM kandidat_inclusion_error WHERE kode_desa = '{DESA1}'").fetchall()[0][0]
    assert len(body) == expected == files[DESA1]["baris_perlu_dicek"]
    reasons = dict((r[header.index("NIK di daftar")], r[header.index("Alasan")]) for r in body)
    assert reasons[W07_DEAD].startswith("Penerima sudah meninggal")  # words, not codes
    assert all("_" not in text.split(" (")[0] for text in reasons.values())
    priorities = [r[header.index("Prioritas (1 = dicek lebih dulu)")] for r in body]
    assert priorities == sorted(priorities)
    header, body = _sheet(path, "Calon penerima")
    kids = [r for r in body if r[header.index("NIK")] == BABY]
    assert len(kids) == 1 and "Bayi baru lahir" in kids[0][header.index("Kriteria yang dipenuhi")]
    _, notes = _sheet(path, "Keterangan")
    assert ("Desa/Kelurahan", f"SUKAMAJU (kode {DESA1})") in notes
    title, summary = _sheet(path, "Ringkasan")  # two lines naming the village and quarter, a blank row, then the table
    assert f"SUKAMAJU (kode {DESA1})" in title[0] and Q in summary[0][0] and summary[2][0] == "Program"
    assert [r[0] for r in summary[3:6]] == ["Program Keluarga Harapan (PKH)", "Program Sembako / BPNT",
                                            "Penerima Bantuan Iuran Jaminan Kesehatan (PBI-JK)"]
    # K10, which no source describes, is on its village's 'Belum terdata' sheet, to propose for enumeration
    header, body = _sheet(root / files[DESA2]["berkas"], "Belum terdata")
    assert [r[header.index("Nomor KK")] for r in body] == [kk("K10")] and files[DESA2]["baris_belum_terdata"] == 1
    assert "usulkan pendataan" in body[0][header.index("Yang perlu dilakukan")]
    assert _sheet(path, "Belum terdata")[1] == []  # Sukamaju has none: the sheet keeps its header
    # PBI-JK rows without a village (the list gives only the regency) are in the regency's file
    header, body = _sheet(root / files["3403_TANPA_DESA"]["berkas"], "Penerima perlu dicek")
    assert "TANPA NIK" in [r[header.index("Nama di daftar")] for r in body]
