"""The synthetic world: determinism, identifier rules, injected error rates, truth vs extracts,
calibration and dynamics."""

import hashlib
import json
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from dtsen_pipeline.sources.mapping import load_mapping
from dtsen_pipeline.synthetic.generate import generate

QUARTERS = ["2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"]
MAPPING = load_mapping()


def read(world, quarter, source, name):
    """Read an extract with plain pandas, as text, using its mapping spec; canonical column names."""
    spec = MAPPING[source]["files"][name]
    paths = sorted((world / "raw" / quarter).glob(spec["pattern"]))
    assert paths, f"no file for {source}/{name}"
    frames = []
    for path in paths:
        if spec["format"] == "csv":
            frames.append(pd.read_csv(path, sep=spec["delimiter"], encoding=spec["encoding"], dtype=str, keep_default_na=False, na_values=[""]))
        elif spec["format"] == "parquet":
            frames.append(pd.read_parquet(path))
        else:
            frames.append(pd.read_excel(path, sheet_name=spec["sheet"], dtype=object))
    frame = pd.concat(frames, ignore_index=True)
    rename = {native: canonical for canonical, native in spec["columns"].items() if isinstance(native, str)}
    return frame.rename(columns=rename)


def truth(world, quarter, name):
    return pd.read_parquet(world / "truth" / quarter / f"{name}.parquet")


def test_quarters_and_files_present(tiny_world):
    world, summary = tiny_world
    assert sorted(summary) == QUARTERS
    for q in QUARTERS:
        manifest = json.loads((world / "raw" / q / "manifest.json").read_text())
        assert manifest["periode"] == q
        for source, entry in MAPPING.items():
            for name, spec in entry["files"].items():
                assert list((world / "raw" / q).glob(spec["pattern"])), f"{q}: {source}/{name} missing"
        for name in ("padan", "kesejahteraan", "penerima"):
            assert (world / "truth" / q / f"{name}.parquet").exists()


def _digests(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path):
    generate(tmp_path / "a", scale=0.002, seed=5)
    generate(tmp_path / "b", scale=0.002, seed=5)
    generate(tmp_path / "c", scale=0.002, seed=6)
    a, b, c = _digests(tmp_path / "a"), _digests(tmp_path / "b"), _digests(tmp_path / "c")
    assert a == b
    assert any(name.endswith(".xlsx") for name in a)
    differing = [name for name in a if a[name] != c.get(name)]
    assert any("dukcapil" in name for name in differing)


def _nik_problems(d: pd.DataFrame, region_codes: set) -> pd.Series:
    nik = d["nik"]
    birth = pd.to_datetime(d["tgl_lahir"], format="%d-%m-%Y")
    day = nik.str.slice(6, 8).astype(int)
    expected_day = birth.dt.day + np.where(d["jenis_kelamin"] == "2", 40, 0)
    return pd.Series({
        "not 16 digits": (~nik.str.fullmatch(r"\d{16}")).sum(),
        "prefix not a kecamatan": (~nik.str.slice(0, 6).isin(region_codes)).sum(),
        "day": (day != expected_day).sum(),
        "month": (nik.str.slice(8, 10).astype(int) != birth.dt.month).sum(),
        "year": (nik.str.slice(10, 12).astype(int) != birth.dt.year % 100).sum(),
        "serial 0000": (nik.str.slice(12, 16) == "0000").sum(),
        "duplicate": nik.duplicated().sum(),
    })


def test_every_dukcapil_nik_and_kk_follows_the_rule(tiny_world):
    world, _ = tiny_world
    ref = read(world, QUARTERS[0], "wilayah", "referensi")
    kecamatan = set(ref.loc[ref["tingkat"] == "kecamatan", "kode"])
    for q in (QUARTERS[0], QUARTERS[-1]):
        d = read(world, q, "dukcapil", "individu")
        problems = _nik_problems(d, kecamatan)
        assert problems.sum() == 0, problems[problems > 0].to_dict()
        kk = d["no_kk"]
        assert kk.str.fullmatch(r"\d{16}").all()
        assert kk.str.slice(0, 6).isin(kecamatan).all()
        kk_month = kk.str.slice(8, 10).astype(int)
        assert kk_month.between(1, 12).all()


def test_nik_rule_check_would_catch_a_wrong_nik(tiny_world):
    """The rule test above is not vacuous: a women's NIK without +40 is caught."""
    world, _ = tiny_world
    ref = read(world, QUARTERS[0], "wilayah", "referensi")
    d = read(world, QUARTERS[0], "dukcapil", "individu").head(200).copy()
    woman = d.index[d["jenis_kelamin"] == "2"][0]
    nik = d.at[woman, "nik"]
    d.at[woman, "nik"] = nik[:6] + f"{int(nik[6:8]) - 40:02d}" + nik[8:]
    assert _nik_problems(d, set(ref["kode"]))["day"] == 1


@pytest.mark.parametrize("source", ["dtks", "p3ke", "regsosek"])
def test_injected_error_rates_match_the_config(tiny_world, world_config, source):
    world, _ = tiny_world
    padan = truth(world, QUARTERS[0], "padan")
    rec = padan[padan["sumber"] == source]
    n = len(rec)
    counts = rec["jenis_galat"].value_counts()
    for kind, rate in world_config["errors"][source].items():
        got = counts.get(kind, 0)
        expected = rate * n
        tolerance = 4 * np.sqrt(expected * (1 - rate)) + 3
        assert abs(got - expected) <= tolerance, f"{source} {kind}: {got} records, expected {expected:.0f} ± {tolerance:.0f}"
    unknown = set(counts.index) - set(world_config["errors"][source]) - {"none", "not_in_dukcapil"}
    assert not unknown
    dup_share = rec["duplikat_dari"].notna().mean()
    assert dup_share > 0


def test_truth_matches_the_extracts(tiny_world):
    world, _ = tiny_world
    q = QUARTERS[1]
    padan = truth(world, q, "padan").set_index(["sumber", "id_sumber"])
    dukcapil = read(world, q, "dukcapil", "individu")
    dukcapil_niks = set(dukcapil["nik"])
    for source in ("dtks", "p3ke", "regsosek"):
        ext = read(world, q, source, "individu")
        t = padan.loc[source]
        assert set(ext["id_sumber"].astype(str)) == set(t.index), source
        ext = ext.set_index(ext["id_sumber"].astype(str)).join(t)
        known = ext["nik_benar"].notna()
        assert ext.loc[known, "nik_benar"].isin(dukcapil_niks).all()
        assert (ext.loc[~known, "jenis_galat"] == "not_in_dukcapil").all()
        clean = ext[ext["jenis_galat"] == "none"]
        assert (clean["nik"].astype(str) == clean["nik_benar"]).all(), source
        broken = ext[ext["jenis_galat"].isin(["nik_digit", "nik_swap", "nik_female_day", "nik_other_person"])]
        assert len(broken) and (broken["nik"].astype(str) != broken["nik_benar"]).all(), source
        missing = ext[ext["jenis_galat"] == "nik_missing"]
        assert missing["nik"].isna().all()
        dups = ext[ext["duplikat_dari"].notna()]
        assert dups["duplikat_dari"].isin(ext.index).all()
        same_person = dups["nik_benar"].fillna("unknown").to_numpy() == ext.loc[dups["duplikat_dari"], "nik_benar"].fillna("unknown").to_numpy()
        assert same_person.all()

    welfare = truth(world, q, "kesejahteraan")
    living = dukcapil[dukcapil["status_hidup"] == "HIDUP"]
    size = living.groupby("no_kk").size()
    assert welfare["no_kk"].is_unique
    assert set(welfare["no_kk"]) == set(size.index)
    assert (welfare.set_index("no_kk")["jumlah_anggota"] == size.reindex(welfare["no_kk"]).to_numpy()).all()

    recipients = truth(world, q, "penerima")
    for program, source in (("pkh", "penerima_pkh"), ("sembako", "penerima_sembako"), ("pbi_jk", "penerima_pbi_jk")):
        ext = read(world, q, source, "penerima")
        t = recipients[recipients["program"] == program]
        assert sorted(ext["id_sumber"].astype(str)) == sorted(t["id_sumber"])


def test_deciles_in_truth_are_population_weighted(tiny_world):
    world, _ = tiny_world
    welfare = truth(world, QUARTERS[0], "kesejahteraan")
    for level, key in (("desil_nasional", None), ("desil_provinsi", "kode_provinsi"), ("desil_kabupaten", "kode_kabupaten")):
        groups = [welfare] if key is None else [g for _, g in welfare.groupby(key) if g["jumlah_anggota"].sum() > 2000]
        for g in groups:
            share = g.groupby(level)["jumlah_anggota"].sum() / g["jumlah_anggota"].sum()
            assert share.between(0.08, 0.12).all(), (level, share.round(3).to_dict())
            order = g.sort_values("konsumsi_per_kapita")[level].to_numpy()
            assert (np.diff(order) >= 0).all()


def test_gunungkidul_calibration_near_the_seed(tiny_world):
    """Seed, July 2025: desil 1 ~16.5 % of Gunungkidul's individuals, desil 1-5 ~68 %."""
    world, _ = tiny_world
    welfare = truth(world, "2025-07-01", "kesejahteraan")
    gk = welfare[welfare["kode_kabupaten"] == "3403"]
    share = gk.groupby("desil_nasional")["jumlah_anggota"].sum() / gk["jumlah_anggota"].sum()
    assert 0.135 <= share.loc[1] <= 0.195
    assert 0.63 <= share.loc[1:5].sum() <= 0.73
    poor = welfare[welfare["kode_kabupaten"] == "5302"]
    poor_share = poor.groupby("desil_nasional")["jumlah_anggota"].sum() / poor["jumlah_anggota"].sum()
    assert poor_share.loc[1] > 0.3  # a poor regency has far more than 10 % in desil 1


def test_quarters_have_births_deaths_splits_moves_and_decile_changes(tiny_world):
    world, _ = tiny_world
    first = read(world, QUARTERS[0], "dukcapil", "individu").set_index("nik")
    last = read(world, QUARTERS[-1], "dukcapil", "individu").set_index("nik")
    assert len(set(last.index) - set(first.index)) > 50  # births
    died = (first["status_hidup"] == "HIDUP") & (last.reindex(first.index)["status_hidup"] == "MATI")
    assert died.sum() > 20
    both = first.index.intersection(last.index)
    moved_kk = (first.loc[both, "no_kk"] != last.loc[both, "no_kk"]).sum()
    assert moved_kk > 50  # new KK after a move, split or the head's death
    w0, w3 = truth(world, QUARTERS[0], "kesejahteraan"), truth(world, QUARTERS[-1], "kesejahteraan")
    assert w3["no_kk_asal"].notna().sum() > 5  # family splits keep their origin
    both = w0.merge(w3, on="id_keluarga_benar", suffixes=("_0", "_3"))
    crossed = ((both["desil_nasional_0"] <= 5) != (both["desil_nasional_3"] <= 5)).mean()
    assert 0.02 < crossed < 0.3


def test_p3ke_workbooks_hold_spreadsheet_mangled_niks(tiny_world):
    world, _ = tiny_world
    seen = set()
    for path in sorted((world / "raw" / QUARTERS[0] / "p3ke").glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True)
        ws = book["Anggota"]
        header = [c for c in next(ws.iter_rows(max_row=1, values_only=True))]
        col = header.index("NIK")
        for row in ws.iter_rows(min_row=2, values_only=True):
            v = row[col]
            if isinstance(v, float):
                seen.add("number")
                assert v == round(v) and int(v) % 10 == 0  # 15 significant digits kept
            elif isinstance(v, str) and "E+" in v:
                seen.add("scientific")
        book.close()
        with zipfile.ZipFile(path) as z:
            assert b"2025-01-01T00:00:00Z" in z.read("docProps/core.xml")
    assert seen == {"number", "scientific"}


def test_extracts_use_their_native_encodings(tiny_world):
    world, _ = tiny_world
    q = world / "raw" / QUARTERS[0]
    assert (q / "penerima" / "pkh.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    dtks_head = (q / "dtks" / "dtks_individu.csv").read_bytes()[:200].decode("cp1252")
    assert dtks_head.startswith('"IDARTBDT";"IDBDT"')
    assert (q / "dukcapil" / "biodata_wni.csv").read_text().startswith('"NIK"|"NO_KK"')
    regsosek = read(world, QUARTERS[0], "regsosek", "keluarga")
    assert regsosek["kode_desa"].str.len().eq(10).all()
    ref = read(world, QUARTERS[0], "wilayah", "referensi")
    assert regsosek["kode_desa"].isin(ref.loc[ref["tingkat"] == "desa", "kode_bps"]).all()  # BPS coding
