"""Region catalog (regions.yaml) and the region tables built from it."""

from __future__ import annotations

import copy
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from dtsen_pipeline.synthetic.regions import (
    CATALOG_PATH,
    RegionTables,
    build_regions,
    load_catalog,
    village_names,
)

# The official Kemendagri/BPS crosswalk for Gunungkidul, restated independently of the module.
GK_EXPECTED = {
    "340301": ("3403090", "WONOSARI"), "340302": ("3403130", "NGLIPAR"), "340303": ("3403100", "PLAYEN"),
    "340304": ("3403110", "PATUK"), "340305": ("3403020", "PALIYAN"), "340306": ("3403010", "PANGGANG"),
    "340307": ("3403040", "TEPUS"), "340308": ("3403060", "SEMANU"), "340309": ("3403080", "KARANGMOJO"),
    "340310": ("3403070", "PONJONG"), "340311": ("3403050", "RONGKOP"), "340312": ("3403150", "SEMIN"),
    "340313": ("3403140", "NGAWEN"), "340314": ("3403120", "GEDANGSARI"), "340315": ("3403030", "SAPTOSARI"),
    "340316": ("3403051", "GIRISUBO"), "340317": ("3403041", "TANJUNGSARI"), "340318": ("3403011", "PURWOSARI"),
}
EXPECTED_KECAMATAN_COUNT = {"3401": 12, "3402": 17, "3403": 18, "3404": 17, "3471": 14,
                            "3101": 2, "3372": 5, "6471": 6}
KOTA = {"3471", "3372", "6471", "3101"}


@pytest.fixture(scope="module")
def catalog() -> dict:
    return load_catalog()


@pytest.fixture(scope="module")
def tables(catalog) -> RegionTables:
    return build_regions(catalog, np.random.default_rng(20250101))


def _raw() -> dict:
    with open(CATALOG_PATH, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _kab(raw: dict, code: str) -> dict:
    return next(k for k in raw["kabupaten"] if k["kode"] == code)


# ---------------------------------------------------------------- catalog content

def test_catalog_regencies_and_kecamatan_counts(catalog):
    kabs = {k["kode"]: k for k in catalog["kabupaten"]}
    assert set(kabs) == {"3401", "3402", "3403", "3404", "3471", "3101", "3372", "5302", "6471"}
    for code, n in EXPECTED_KECAMATAN_COUNT.items():
        assert len(kabs[code]["kecamatan"]) == n, code
    assert len(kabs["5302"]["kecamatan"]) >= 20
    for code, kab in kabs.items():
        assert kab["jenis_desa"] == ("kelurahan" if code in KOTA else "desa"), code
        assert kab["provinsi"] == code[:2]
    assert {k: kabs[k]["gaya_nama"] for k in kabs} == {
        "3401": "jawa", "3402": "jawa", "3403": "jawa", "3404": "jawa", "3471": "jawa", "3372": "jawa",
        "3101": "umum", "6471": "umum", "5302": "ntt"}


def test_gunungkidul_kapanewon_codes(catalog, tables):
    gk = next(k for k in catalog["kabupaten"] if k["kode"] == "3403")
    got = {"3403" + k["kode"]: ("3403" + k["kode_bps"], k["nama"]) for k in gk["kecamatan"]}
    assert got == GK_EXPECTED

    kec = tables.kecamatan[tables.kecamatan["kode_kabupaten"] == "3403"]
    built = {r.kode_kecamatan: (r.kode_kecamatan_bps, r.nama_kecamatan) for r in kec.itertuples()}
    assert built == GK_EXPECTED
    wonosari = kec[kec["nama_kecamatan"] == "WONOSARI"].iloc[0]
    assert (wonosari["kode_kecamatan"], wonosari["kode_kecamatan_bps"]) == ("340301", "3403090")
    # Wonosari is the most populous kapanewon
    assert kec.loc[kec["bobot"].idxmax(), "nama_kecamatan"] == "WONOSARI"


def test_gunungkidul_has_144_kalurahan(catalog, tables):
    gk = next(k for k in catalog["kabupaten"] if k["kode"] == "3403")
    assert sum(k["jumlah_desa"] for k in gk["kecamatan"]) == 144
    desa = tables.desa[tables.desa["kode_kabupaten"] == "3403"]
    assert len(desa) == 144
    assert (desa["jenis"] == "desa").all()
    per_kec = desa.groupby("kode_kecamatan").size()
    assert per_kec.index.tolist() == sorted(GK_EXPECTED)
    assert per_kec.loc["340301"] == 14  # Wonosari's 14 kalurahan


def test_tts_bps_regency_code_differs(tables):
    kab = tables.kabupaten.set_index("kode_kabupaten")
    assert kab.loc["5302", "kode_kabupaten_bps"] == "5304"
    assert (kab.drop(index="5302")["kode_kabupaten_bps"] == kab.drop(index="5302").index).all()
    tts = tables.kecamatan[tables.kecamatan["kode_kabupaten"] == "5302"]
    assert tts["kode_kecamatan_bps"].str.startswith("5304").all()
    assert tts["kode_kecamatan"].str.startswith("5302").all()


# ---------------------------------------------------------------- codes

@pytest.mark.parametrize("table, column, length", [
    ("provinsi", "kode_provinsi", 2),
    ("kabupaten", "kode_kabupaten", 4), ("kabupaten", "kode_kabupaten_bps", 4),
    ("kecamatan", "kode_kecamatan", 6), ("kecamatan", "kode_kecamatan_bps", 7),
    ("desa", "kode_desa", 10), ("desa", "kode_desa_bps", 10),
])
def test_codes_unique_digits_and_length(tables, table, column, length):
    col = getattr(tables, table)[column]
    assert col.dtype == "string"
    assert col.notna().all()
    assert col.str.fullmatch(rf"[0-9]{{{length}}}").all(), col[~col.str.fullmatch(rf"[0-9]{{{length}}}")]
    assert col.is_unique


def test_codes_nest_in_their_parents(tables):
    kab, kec, desa = tables.kabupaten, tables.kecamatan, tables.desa
    assert (kab["kode_kabupaten"].str[:2] == kab["kode_provinsi"]).all()
    assert (kec["kode_kecamatan"].str[:4] == kec["kode_kabupaten"]).all()
    assert (desa["kode_desa"].str[:6] == desa["kode_kecamatan"]).all()
    assert (desa["kode_desa"].str[:4] == desa["kode_kabupaten"]).all()
    assert (desa["kode_desa"].str[:2] == desa["kode_provinsi"]).all()
    kab_bps = kab.set_index("kode_kabupaten")["kode_kabupaten_bps"]
    assert (kec["kode_kecamatan_bps"].str[:4] == kab_bps.loc[kec["kode_kabupaten"]].to_numpy()).all()
    kec_bps = kec.set_index("kode_kecamatan")["kode_kecamatan_bps"]
    assert (desa["kode_desa_bps"].str[:7] == kec_bps.loc[desa["kode_kecamatan"]].to_numpy()).all()
    assert set(desa["kode_kecamatan"]) == set(kec["kode_kecamatan"])
    assert set(kec["kode_kabupaten"]) == set(kab["kode_kabupaten"])


def test_village_part_kelurahan_1xxx_desa_2xxx(tables):
    desa = tables.desa
    lead = desa["kode_desa"].str[6]
    assert set(desa["jenis"]) == {"desa", "kelurahan"}
    assert (lead[desa["jenis"] == "kelurahan"] == "1").all()
    assert (lead[desa["jenis"] == "desa"] == "2").all()
    assert (desa.loc[desa["kode_kabupaten"].isin(["3471", "3372", "6471", "3101"]), "jenis"] == "kelurahan").all()
    assert (desa.loc[desa["kode_kabupaten"].isin(["3401", "3402", "3403", "3404"]), "jenis"] == "desa").all()
    # villages are numbered 001, 002, ... within each kecamatan in both systems
    for _, g in desa.groupby("kode_kecamatan"):
        n = len(g)
        assert sorted(g["kode_desa"].str[7:].astype(int)) == list(range(1, n + 1))
        assert sorted(g["kode_desa_bps"].str[7:].astype(int)) == list(range(1, n + 1))


def test_village_counts_follow_catalog(catalog, tables):
    expected = {k["kode"] + c["kode"]: c["jumlah_desa"] for k in catalog["kabupaten"] for c in k["kecamatan"]}
    got = tables.desa.groupby("kode_kecamatan").size().to_dict()
    assert got == expected


# ---------------------------------------------------------------- weights

def test_kecamatan_bobot_sums_to_one_per_regency(tables):
    kec = tables.kecamatan
    assert (kec["bobot"] > 0).all()
    sums = kec.groupby("kode_kabupaten")["bobot"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=0, atol=1e-12)


def test_desa_bobot_sums_to_one_per_kecamatan_and_varies(tables):
    desa = tables.desa
    assert (desa["bobot"] > 0).all()
    sums = desa.groupby("kode_kecamatan")["bobot"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=0, atol=1e-12)
    big = desa.groupby("kode_kecamatan").filter(lambda g: len(g) >= 5)
    spread = big.groupby("kode_kecamatan")["bobot"].agg(lambda w: w.max() / w.min())
    assert (spread > 1.05).all()  # villages differ in size, not equal shares
    assert spread.median() > 1.5


def test_penduduk_carried_over(tables):
    pop = tables.kabupaten.set_index("kode_kabupaten")["penduduk"]
    assert pop.dtype == "int64"
    assert pop.loc["3403"] == 777000 and pop.loc["3404"] == 1150000 and pop.loc["3101"] == 29000


# ---------------------------------------------------------------- determinism and names

def test_same_seed_identical_tables(catalog):
    a = build_regions(catalog, np.random.default_rng(7))
    b = build_regions(catalog, np.random.default_rng(7))
    c = build_regions(catalog, np.random.default_rng(8))
    for name in ("provinsi", "kabupaten", "kecamatan", "desa"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(a.referensi(), b.referensi())
    assert not a.desa["nama_desa"].equals(c.desa["nama_desa"])
    assert not np.allclose(a.desa["bobot"], c.desa["bobot"])


def test_village_names_unique_within_kecamatan(tables):
    desa = tables.desa
    assert not desa.duplicated(["kode_kecamatan", "nama_desa"]).any()
    assert desa["nama_desa"].str.fullmatch(r"[A-Z][A-Z' -]*[A-Z]").all()
    # generated, not a placeholder: many distinct names in the world
    assert desa["nama_desa"].nunique() > 0.8 * len(desa)


def test_village_names_follow_regency_style(tables):
    desa = tables.desa
    ntt_start = re.compile(r"^(?:OE|NOE|OEL|OIN|FATU|NUNU|NIFU|HAU|KUAN|ENO|BOTI|BAUN|NUN|TUA|NAI)")
    jawa_part = re.compile(r"(?:REJO|MULYO|HARJO|SARI|AGUNG|ASRI|^NG|^KARANG|^SUMBER|^WONO|^SIDO|^TEGAL|^PURWO)")
    tts = desa.loc[desa["kode_kabupaten"] == "5302", "nama_desa"]
    gk = desa.loc[desa["kode_kabupaten"] == "3403", "nama_desa"]
    bpp = desa.loc[desa["kode_kabupaten"] == "6471", "nama_desa"]
    assert tts.str.contains(ntt_start).mean() > 0.4
    assert gk.str.contains(ntt_start).mean() == 0
    assert gk.str.contains(jawa_part).mean() > 0.4
    assert tts.str.contains(jawa_part).mean() < 0.1
    assert not bpp.str.contains(r"^NG").any()


def test_village_names_helper_large_n_unique():
    rng = np.random.default_rng(0)
    for style in ("jawa", "ntt", "umum"):
        names = village_names(rng, style, 300)
        assert len(names) == len(set(names)) == 300
    with pytest.raises(ValueError, match="bali"):
        village_names(rng, "bali", 3)


# ---------------------------------------------------------------- reference file

def test_referensi_rows_parents_and_bps(tables):
    ref = tables.referensi()
    assert list(ref.columns) == ["kode", "nama", "tingkat", "kode_bps", "kode_induk"]
    assert ref["kode"].is_unique
    assert ref["kode"].tolist() == sorted(ref["kode"])
    counts = ref["tingkat"].value_counts()
    assert counts.to_dict() == {"provinsi": len(tables.provinsi), "kabupaten": len(tables.kabupaten),
                                "kecamatan": len(tables.kecamatan), "desa": len(tables.desa)}
    lengths = {"provinsi": (2, 2), "kabupaten": (4, 4), "kecamatan": (6, 7), "desa": (10, 10)}
    for tingkat, (n_kode, n_bps) in lengths.items():
        rows = ref[ref["tingkat"] == tingkat]
        assert rows["kode"].str.fullmatch(rf"[0-9]{{{n_kode}}}").all(), tingkat
        assert rows["kode_bps"].str.fullmatch(rf"[0-9]{{{n_bps}}}").all(), tingkat

    prov = ref[ref["tingkat"] == "provinsi"]
    assert prov["kode_induk"].isna().all()
    assert (prov["kode_bps"] == prov["kode"]).all()
    rest = ref[ref["tingkat"] != "provinsi"]
    assert rest["kode_induk"].notna().all()
    assert rest["kode_induk"].isin(ref["kode"]).all()
    parent_len = rest["tingkat"].map({"kabupaten": 2, "kecamatan": 4, "desa": 6})
    assert all(k[:n] == p for k, p, n in zip(rest["kode"], rest["kode_induk"], parent_len))
    parent_tingkat = ref.set_index("kode")["tingkat"].loc[rest["kode_induk"]].to_numpy()
    expected_parent = rest["tingkat"].map({"kabupaten": "provinsi", "kecamatan": "kabupaten", "desa": "kecamatan"})
    assert (parent_tingkat == expected_parent.to_numpy()).all()

    gk = ref[(ref["tingkat"] == "kecamatan") & (ref["kode_induk"] == "3403")]
    assert {r.kode: (r.kode_bps, r.nama) for r in gk.itertuples()} == GK_EXPECTED
    assert ref.set_index("kode").loc["3403", "kode_bps"] == "3403"
    assert ref.set_index("kode").loc["5302", "kode_bps"] == "5304"


# ---------------------------------------------------------------- subsets

def test_regency_subset_keeps_their_provinces(catalog):
    t = build_regions(catalog, np.random.default_rng(1), regencies=["5302", "3403"])
    assert t.kabupaten["kode_kabupaten"].tolist() == ["3403", "5302"]
    assert t.provinsi["kode_provinsi"].tolist() == ["34", "53"]
    assert set(t.kecamatan["kode_kabupaten"]) == {"3403", "5302"}
    assert set(t.desa["kode_kabupaten"]) == {"3403", "5302"}
    ref = t.referensi()
    assert set(ref.loc[ref["tingkat"] == "provinsi", "kode"]) == {"34", "53"}
    assert ref["kode_induk"].dropna().isin(ref["kode"]).all()


def test_regency_subset_rejects_unknown_code(catalog):
    with pytest.raises(ValueError, match="9999"):
        build_regions(catalog, np.random.default_rng(1), regencies=["3403", "9999"])


# ---------------------------------------------------------------- validation

def _dup_kecamatan_code(raw):
    kec = _kab(raw, "3401")["kecamatan"]
    kec[1]["kode"] = kec[0]["kode"]          # WATES gets TEMON's "01"
    return r"3401.*WATES.*duplicate kecamatan kode '01'"


def _dup_kecamatan_bps(raw):
    kec = _kab(raw, "3404")["kecamatan"]
    kec[2]["kode_bps"] = kec[0]["kode_bps"]  # MOYUDAN gets GAMPING's "050"
    return r"3404.*MOYUDAN.*duplicate kecamatan kode_bps '050'"


def _non_digit_code(raw):
    _kab(raw, "3402")["kecamatan"][3]["kode"] = "0A"
    return r"3402.*PUNDONG.*'0A'.*digits"


def _wrong_length_bps(raw):
    _kab(raw, "6471")["kecamatan"][0]["kode_bps"] = "20"
    return r"6471.*BALIKPAPAN TIMUR.*kode_bps '20'"


def _unquoted_code(raw):
    _kab(raw, "3372")["kecamatan"][0]["kode"] = 1
    return r"3372.*LAWEYAN.*quoted string"


def _dup_regency(raw):
    raw["kabupaten"][1]["kode"] = raw["kabupaten"][0]["kode"]
    return r"duplicate regency kode '3401'"


def _gk_bps_swapped(raw):
    kec = _kab(raw, "3403")["kecamatan"]
    kec[3]["kode_bps"], kec[4]["kode_bps"] = kec[4]["kode_bps"], kec[3]["kode_bps"]
    return r"3403.*PATUK.*kode_bps '110'"


def _gk_wrong_total(raw):
    _kab(raw, "3403")["kecamatan"][0]["jumlah_desa"] += 1
    return r"3403.*144.*145"


def _gk_missing_kapanewon(raw):
    _kab(raw, "3403")["kecamatan"].pop()       # PURWOSARI
    return r"3403.*'18'.*PURWOSARI.*missing"


def _unknown_province(raw):
    _kab(raw, "6471")["provinsi"] = "65"
    return r"6471.*provinsi '65'"


def _bad_style(raw):
    _kab(raw, "5302")["gaya_nama"] = "timor"
    return r"5302.*gaya_nama 'timor'"


def _typo_field(raw):
    kec = _kab(raw, "3401")["kecamatan"][0]
    kec["jumlah_dessa"] = kec.pop("jumlah_desa")
    return r"3401.*TEMON.*jumlah_desa"


@pytest.mark.parametrize("mutate", [
    _dup_kecamatan_code, _dup_kecamatan_bps, _non_digit_code, _wrong_length_bps, _unquoted_code,
    _dup_regency, _gk_bps_swapped, _gk_wrong_total, _gk_missing_kapanewon, _unknown_province,
    _bad_style, _typo_field,
])
def test_load_catalog_rejects_bad_catalog(tmp_path, mutate):
    raw = _raw()
    pattern = mutate(raw)
    path = tmp_path / "regions.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ValueError, match=pattern):
        load_catalog(path)


def test_load_catalog_accepts_roundtrip_and_build_validates(tmp_path):
    raw = _raw()
    path = tmp_path / "regions.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert load_catalog(path) == load_catalog()
    bad = copy.deepcopy(raw)
    _non_digit_code(bad)
    with pytest.raises(ValueError, match="PUNDONG"):
        build_regions(bad, np.random.default_rng(0))
