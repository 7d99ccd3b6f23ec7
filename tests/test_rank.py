"""Stage `rank`: population-weighted deciles on hand-made populations, the PMT model (choice,
reproducibility, artifact), the ranking, transitions and recaps of the tiny world, and the recaps
and decile checks of a hand-made quarter with families without a village code."""

import json
import os

import duckdb
import numpy as np
import pandas as pd
import pytest
from dagster import materialize

from dtsen_pipeline.assets.rank import rekap_desil, sql_file
from dtsen_pipeline.checks.rank import rekap_cocok
from dtsen_pipeline.pmt import artifact
from dtsen_pipeline.pmt.model import compare, predict_log, ranking_metrics, weighted_deciles
from dtsen_pipeline.pmt.sql_score import linear_sql
from dtsen_pipeline.resources import SQL_DIR, DuckDBStorage

Q1, Q2 = "2025-01-01", "2025-04-01"


def sql_deciles(values, weights, groups=None):
    """desil_berbobot (sql/rank/macros.sql) on a hand-made population, in input order."""
    con = duckdb.connect()
    con.execute((SQL_DIR / "rank" / "macros.sql").read_text())
    frame = pd.DataFrame({"i": range(len(values)), "skor": values, "bobot": weights, "g": groups or ["x"] * len(values)})
    con.register("p", frame)
    return [r[0] for r in con.execute("SELECT desil_berbobot(skor, bobot, g) FROM p ORDER BY i").fetchall()]


def test_equal_families_fill_one_decile_each():
    assert sql_deciles(list(range(10)), [3] * 10) == list(range(1, 11))
    assert sql_deciles(list(range(20)), [1] * 20) == [d for d in range(1, 11) for _ in range(2)]


def test_deciles_are_population_weighted_not_family_counted():
    # 5 poor families of 8 people = 40 of 100 individuals: they fill desil 1-4; 60 families of one person fill 5-10
    values, weights = list(range(65)), [8] * 5 + [1] * 60
    deciles = sql_deciles(values, weights)
    assert deciles[:5] == [1, 2, 3, 3, 4]  # each family sits where the middle of its members falls
    people = pd.Series(weights).groupby(deciles).sum()
    assert people.loc[5:].tolist() == [10] * 6


def test_one_huge_family_lands_where_most_of_its_members_are():
    # 60 of 100 people in one family in the middle of the ranking: its midpoint is at 20 + 30 = 50% -> desil 6
    deciles = sql_deciles([1, 2, 3, 4, 5], [10, 10, 60, 10, 10])
    assert deciles == [1, 2, 6, 9, 10]


def test_ties_share_a_decile_and_do_not_depend_on_input_order():
    values, weights = [5, 1, 5, 5, 9, 1], [1, 1, 1, 1, 1, 1]
    deciles = sql_deciles(values, weights)
    assert deciles[0] == deciles[2] == deciles[3] and deciles[1] == deciles[5]
    reordered = sql_deciles(values[::-1], weights[::-1])[::-1]
    assert reordered == deciles


def test_a_region_with_three_families_gets_three_spread_deciles():
    deciles = sql_deciles([3.0, 1.0, 2.0, 10.0, 11.0], [1, 1, 1, 4, 4], ["A", "A", "A", "B", "B"])
    assert deciles[:3] == [9, 2, 6]  # midpoints at 5/6, 1/6 and 3/6 (exactly on the 50% boundary: the upper decile)
    assert deciles[3:] == [3, 8]


def test_python_and_sql_deciles_agree():
    rng = np.random.default_rng(3)
    values = np.round(rng.normal(size=500), 2)  # rounding makes ties
    weights = rng.integers(1, 9, size=500)
    assert weighted_deciles(values, weights).tolist() == sql_deciles(values.tolist(), weights.tolist())


def test_ranking_metrics_see_a_perfect_and_a_reversed_ranking():
    rng = np.random.default_rng(5)
    actual, weight = rng.normal(size=400), rng.integers(1, 6, size=400).astype(float)
    perfect = ranking_metrics(actual, actual, weight)
    assert perfect["r2"] == pytest.approx(1) and perfect["galat_inklusi"] == 0 and perfect["galat_eksklusi"] == 0
    reversed_ = ranking_metrics(actual, -actual, weight)
    assert reversed_["spearman"] == pytest.approx(-1) and reversed_["galat_inklusi"] == pytest.approx(1)


@pytest.fixture(scope="module")
def con(con_two_quarters):
    return con_two_quarters


def frame(con, sql, params=None):
    return con.execute(sql, params or []).df()


def test_every_described_family_is_ranked_once_with_three_deciles(con):
    for q in (Q1, Q2):
        [(terdata, ranked, distinct, complete, versions)] = con.execute("""
            SELECT (SELECT count(*) FROM keluarga WHERE periode = $1 AND status_data = 'terdata'),
                   count(*), count(DISTINCT id_keluarga),
                   count(*) FILTER (skor > 0 AND desil_nasional BETWEEN 1 AND 10 AND desil_provinsi BETWEEN 1 AND 10
                                    AND desil_kabupaten BETWEEN 1 AND 10),
                   count(DISTINCT versi_model)
            FROM peringkat WHERE periode = $1""", [q]).fetchall()
        assert terdata > 5_000 and ranked == distinct == complete == terdata and versions == 1


def test_levels_match_an_independent_computation(con):
    p = frame(con, "SELECT * FROM peringkat WHERE periode = ?", [Q1])
    assert (weighted_deciles(p["skor"].to_numpy(), p["jumlah_anggota"].to_numpy()) == p["desil_nasional"]).all()
    for level, column in (("kode_provinsi", "desil_provinsi"), ("kode_kabupaten", "desil_kabupaten")):
        for _, region in p.groupby(level):
            assert (weighted_deciles(region["skor"].to_numpy(), region["jumlah_anggota"].to_numpy()) == region[column]).all()
    # each decile holds about 10% of the individuals nationally, and national ranks follow the score
    shares = p.groupby("desil_nasional")["jumlah_anggota"].sum() / p["jumlah_anggota"].sum()
    assert shares.between(0.095, 0.105).all()
    ordered = p.sort_values("peringkat_nasional")
    assert ordered["skor"].is_monotonic_increasing and ordered["desil_nasional"].is_monotonic_increasing


def test_families_with_missing_inputs_are_scored_by_imputation_not_dropped(con):
    imputed = frame(con, "SELECT p.cara_skor, p.fitur_diimputasi, f.* FROM peringkat p JOIN rank.fitur_keluarga f USING (periode, id_keluarga) "
                         "WHERE p.periode = ? AND p.cara_skor = 'imputasi'", [Q1])
    assert len(imputed) > 0 and imputed["fitur_diimputasi"].notna().all()
    for _, row in imputed.head(50).iterrows():  # the named inputs are exactly the missing ones
        named = row["fitur_diimputasi"].split(", ")
        assert all(pd.isna(row[name]) for name in named)
    [(unnamed,)] = con.execute("SELECT count(*) FROM peringkat WHERE periode = ? AND cara_skor = 'model' AND fitur_diimputasi IS NOT NULL",
                               [Q1]).fetchall()
    assert unnamed == 0


def test_the_model_artifact_reloads_and_scores_identically(con, tiny_db_two_quarters):
    model_dir = tiny_db_two_quarters.parent / "model"
    [(versi, berkas, sha)] = con.execute("SELECT versi_model, berkas, sha256 FROM model_pmt WHERE periode = ? AND dipilih", [Q1]).fetchall()
    meta = json.loads((model_dir / f"{versi}.json").read_text())
    # named relative to the database's folder: a copied database (this one) finds its model files
    assert not os.path.isabs(berkas) and (tiny_db_two_quarters.parent / berkas).is_file()
    assert meta["sha256"] == sha and meta["periode_latih"] == Q1 and meta["fitur_kategori"] and meta["fitur_angka"]
    loaded = artifact.load(model_dir, versi)
    features = frame(con, "SELECT * FROM rank.fitur_keluarga WHERE periode = ? ORDER BY id_keluarga", [Q1])
    scored = frame(con, "SELECT id_keluarga, skor FROM peringkat WHERE periode = ? ORDER BY id_keluarga", [Q1])
    again = np.exp(predict_log(loaded.model, features, loaded.categorical, loaded.numeric)).round(2)
    assert (features["id_keluarga"] == scored["id_keluarga"]).all()
    np.testing.assert_allclose(again, scored["skor"].to_numpy(), rtol=0, atol=0.0100001)  # the same to the rupiah cent


def test_a_tampered_artifact_is_refused(tmp_path, con, tiny_db_two_quarters):
    import shutil

    [(versi,)] = con.execute("SELECT versi_model FROM model_pmt WHERE periode = ? AND dipilih", [Q1]).fetchall()
    for suffix in (".joblib", ".json"):
        shutil.copy(tiny_db_two_quarters.parent / "model" / f"{versi}{suffix}", tmp_path / f"{versi}{suffix}")
    with open(tmp_path / f"{versi}.joblib", "ab") as f:
        f.write(b"x")
    with pytest.raises(ValueError, match="SHA-256"):
        artifact.load(tmp_path, versi)


def test_training_is_reproducible_and_the_choice_is_the_best_cv_r2(con):
    survey = frame(con, "SELECT * FROM rank.fitur_survei WHERE periode = ? ORDER BY id_sumber", [Q1])
    first, second = compare(survey), compare(survey.sample(frac=1, random_state=1))  # row order must not matter
    assert artifact.version_of(first, Q1) == artifact.version_of(second, Q1)
    np.testing.assert_array_equal(first.out_of_fold[first.chosen], second.out_of_fold[second.chosen])
    assert set(first.metrics) == {"ridge", "gradient_boosting"}
    assert first.metrics[first.chosen]["r2"] == max(m["r2"] for m in first.metrics.values())
    [(stored,)] = con.execute("SELECT algoritma FROM model_pmt WHERE periode = ? AND dipilih", [Q1]).fetchall()
    assert stored == first.chosen


def test_the_ranking_is_better_than_chance_against_the_truth(con):
    truth = frame(con, "SELECT metrik, nilai FROM evaluasi_pmt WHERE periode = ? AND sumber_evaluasi = 'kebenaran'", [Q1])
    metrics = dict(zip(truth["metrik"], truth["nilai"]))
    assert metrics["spearman"] > 0.6 and metrics["tepat_40_persen_termiskin"] > 0.6
    [(families, confusion)] = con.execute("""SELECT max(nilai) FILTER (metrik = 'keluarga_dinilai'), sum(nilai) FILTER (metrik = 'konfusi_keluarga')
                                            FROM evaluasi_pmt WHERE periode = ?""", [Q1]).fetchall()
    assert families == confusion > 5_000
    survey = frame(con, "SELECT algoritma, metrik, nilai FROM evaluasi_pmt WHERE periode = ? AND sumber_evaluasi = 'survei_cv'", [Q1])
    assert set(survey["metrik"]) == {"r2", "spearman", "galat_inklusi", "galat_eksklusi"} and len(survey) == 8


def test_transitions_across_two_quarters(con):
    t = frame(con, "SELECT * FROM transisi_desil WHERE periode = ?", [Q2])
    now = frame(con, "SELECT id_keluarga, desil_nasional FROM peringkat WHERE periode = ?", [Q2])
    before = frame(con, "SELECT id_keluarga, desil_nasional FROM peringkat WHERE periode = ?", [Q1])
    assert t["id_keluarga"].is_unique
    assert set(now["id_keluarga"]) <= set(t["id_keluarga"])
    assert set(before["id_keluarga"]) <= set(t["id_keluarga_lalu"].dropna())
    same = t[t["id_keluarga"].isin(before["id_keluarga"]) & t["desil_nasional"].notna()].merge(before, on="id_keluarga", suffixes=("", "_q1"))
    assert (same["desil_nasional_lalu"] == same["desil_nasional_q1"]).all()
    assert set(t["status_transisi"]) >= {"naik", "turun", "tetap", "tidak_diperingkat"}
    left = t[t["keluar_desil_1_5"]]
    assert len(left) > 0 and (left["desil_nasional_lalu"] <= 5).all() and (left["desil_nasional"].isna() | (left["desil_nasional"] > 5)).all()
    entered = t[t["masuk_desil_1_5"]]
    assert len(entered) > 0 and (entered["desil_nasional"] <= 5).all()
    moved = t[(t["perubahan_desil"] != 0) & t["perubahan_desil"].notna()]
    assert moved["variabel_berubah"].notna().all()
    gone = t[t["status_transisi"] == "tidak_diperingkat"]
    assert gone["desil_nasional"].isna().all() and gone["variabel_berubah"].notna().all()


def test_changed_variables_name_what_changed(con):
    rows = frame(con, """
        SELECT t.id_keluarga, t.variabel_berubah, a.jenis_lantai AS kini, b.jenis_lantai AS lalu
        FROM transisi_desil t
        JOIN rank.fitur_keluarga a ON a.periode = t.periode AND a.id_keluarga = t.id_keluarga
        JOIN rank.fitur_keluarga b ON b.periode = ? AND b.id_keluarga = t.id_keluarga_lalu
        WHERE t.periode = ? AND t.variabel_berubah IS NOT NULL""", [Q1, Q2])
    changed = rows[rows["kini"] != rows["lalu"]]
    unchanged = rows[rows["kini"] == rows["lalu"]]
    assert len(changed) > 0
    assert all(f"jenis_lantai: {r.lalu} -> {r.kini}" in r.variabel_berubah for r in changed.itertuples())
    assert not any("jenis_lantai:" in r.variabel_berubah for r in unchanged.itertuples())


def test_recap_sums_equal_the_ranked_totals(con):
    recap = frame(con, "SELECT * FROM rekap_desil WHERE periode = ?", [Q1])
    p = frame(con, "SELECT * FROM peringkat WHERE periode = ?", [Q1])
    # counts are BIGINT, not the HUGEINT of a sum (pandas and BI tools read HUGEINT as float)
    assert dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'rekap_desil' "
                            "AND column_name IN ('keluarga', 'individu')").fetchall()) == {"keluarga": "BIGINT", "individu": "BIGINT"}
    assert set(recap["tingkat"]) == {"nasional", "provinsi", "kabupaten", "kecamatan", "desa"}
    for level, column in (("provinsi", "kode_provinsi"), ("kabupaten", "kode_kabupaten"), ("kecamatan", "kode_kecamatan"),
                          ("desa", "kode_desa")):
        rows = recap[(recap["tingkat"] == level) & recap["urutan"].between(1, 10) & (recap["keluarga"] > 0)]
        expected = p.groupby([column, "desil_nasional"])["jumlah_anggota"].agg(["size", "sum"])
        got = rows.assign(d=rows["desil"].astype(int)).set_index(["kode_wilayah", "d"])[["keluarga", "individu"]]
        assert got.sort_index().to_numpy().tolist() == expected.sort_index().to_numpy().tolist()
    for _, region in recap.groupby(["tingkat", "kode_wilayah"]):
        d = region.set_index("desil")
        assert len(d) == 13  # desil 1-10 (zeros included), 1-5, 6-10, semua
        assert d.loc["1-5", "individu"] == sum(d.loc[str(i), "individu"] for i in range(1, 6))
        assert d.loc["semua", "individu"] == d.loc["1-5", "individu"] + d.loc["6-10", "individu"]
    assert recap[recap["tingkat"] == "kabupaten"]["nama_wilayah"].notna().all()


def test_deciles_check_sql_flags_a_broken_ranking(con, tmp_path, tiny_db_two_quarters):
    import shutil

    db = tmp_path / "rusak.duckdb"
    shutil.copy(tiny_db_two_quarters, db)
    broken = duckdb.connect(str(db))
    check = f"SELECT count(*) FROM ({sql_file('cek_desil')}) WHERE abs(pangsa - 0.1) > toleransi + 1e-9"
    order = f"SELECT count(*) FROM ({sql_file('cek_desil')}) WHERE skor_min <= skor_maks_sebelumnya"
    assert broken.execute(check, {"periode": Q1}).fetchall()[0][0] == 0
    assert broken.execute(order, {"periode": Q1}).fetchall()[0][0] == 0
    broken.execute("UPDATE peringkat SET desil_nasional = 5 WHERE periode = ? AND desil_nasional = 3", [Q1])
    assert broken.execute(check, {"periode": Q1}).fetchall()[0][0] > 0
    assert broken.execute(order, {"periode": Q1}).fetchall()[0][0] > 0
    broken.close()


def test_the_linear_model_in_sql_predicts_what_the_pipeline_predicts(con):
    survey = frame(con, "SELECT * FROM rank.fitur_survei WHERE periode = ? ORDER BY id_sumber", [Q1])
    rng = np.random.default_rng(7)
    holed = survey.copy()  # gaps in training, so that missing-indicator columns exist too
    for column in ("luas_lantai", "bekerja", "jenis_lantai", "kepala_ijazah"):
        holed.loc[rng.random(len(holed)) < 0.1, column] = None
    result = compare(holed)
    ridge = result.models["ridge"]
    assert linear_sql(result.models["gradient_boosting"], result.categorical, result.numeric) is None
    expression = linear_sql(ridge, result.categorical, result.numeric, alias="f")
    families = frame(con, "SELECT * FROM rank.fitur_keluarga WHERE periode = ? ORDER BY id_keluarga LIMIT 3000", [Q1])
    families.loc[families.index[:50], "jenis_lantai"] = "LANTAI DARI BULAN"  # a category the model never saw
    families.loc[families.index[50:100], "luas_lantai"] = None
    sql = duckdb.connect()
    sql.register("f", families)
    got = np.array([r[0] for r in sql.execute(f"SELECT {expression} FROM f").fetchall()])
    np.testing.assert_allclose(got, predict_log(ridge, families, result.categorical, result.numeric), rtol=0, atol=1e-9)


def test_a_pinned_model_scores_the_next_quarter_with_fewer_spurious_moves(tmp_path, tiny_db_two_quarters, tiny_world):
    import shutil

    from dagster import materialize

    from dtsen_pipeline.assets.rank import model_pmt, peringkat
    from dtsen_pipeline.resources import DuckDBStorage, RawData

    db = tmp_path / "dtsen.duckdb"
    shutil.copy(tiny_db_two_quarters, db)
    shutil.copytree(tiny_db_two_quarters.parent / "model", tmp_path / "model")
    before = duckdb.connect(str(db), read_only=True)
    [(q1_version,)] = before.execute("SELECT versi_model FROM model_pmt WHERE periode = ? AND dipilih", [Q1]).fetchall()
    crossing = """SELECT count(*) FILTER ((a.desil_nasional <= 5) <> (b.desil_nasional <= 5)) FROM peringkat a
                  JOIN peringkat b ON a.periode = ? AND b.periode = ? AND a.id_keluarga = b.id_keluarga"""
    [(retrained,)] = before.execute(crossing, [Q1, Q2]).fetchall()
    before.close()
    result = materialize([model_pmt, peringkat], partition_key=Q2, selection=[model_pmt, peringkat],
                         resources={"storage": DuckDBStorage(database=str(db)), "raw": RawData(data_dir=str(tiny_world[0]))},
                         run_config={"ops": {"model_pmt": {"config": {"versi_tetap": q1_version}}}})
    assert result.success
    after = duckdb.connect(str(db), read_only=True)
    assert after.execute("SELECT versi_model, dipilih FROM model_pmt WHERE periode = ?", [Q2]).fetchall() == [(q1_version, True)]
    assert after.execute("SELECT DISTINCT versi_model FROM peringkat WHERE periode = ?", [Q2]).fetchall() == [(q1_version,)]
    [(pinned,)] = after.execute(crossing, [Q1, Q2]).fetchall()
    after.close()
    assert pinned < retrained  # the moves left are the families' own changes, not a new model's noise


def _quarter_with_families_without_a_village(db):
    """A hand-made quarter ranked by peringkat.sql: two villages of one regency and five families
    without a village code (so without a region at any level below national)."""
    families = ([(f"A{i}", "3403012001", 3, 100_000 + 20_000 * i) for i in range(10)]
                + [(f"B{i}", "3403022001", 2, 105_000 + 20_000 * i) for i in range(10)]
                + [(f"X{i}", None, 2, 110_000 + 40_000 * i) for i in range(5)])
    keluarga = pd.DataFrame([{"periode": Q1, "id_keluarga": f, "no_kk": f"KK{f}", "kode_provinsi": d and d[:2],
                              "kode_kabupaten": d and d[:4], "kode_kecamatan": d and d[:6], "kode_desa": d, "jumlah_anggota": n,
                              "status_data": "terdata"} for f, d, n, _ in families])
    fitur = pd.DataFrame([{"periode": Q1, "id_keluarga": f, "skor": float(s)} for f, _, _, s in families])
    wilayah = pd.DataFrame([{"periode": Q1, "kode": k, "nama": n, "tingkat": t} for k, n, t in [
        ("34", "DI YOGYAKARTA", "provinsi"), ("3403", "KABUPATEN GUNUNGKIDUL", "kabupaten"), ("340301", "WONOSARI", "kecamatan"),
        ("340302", "NGLIPAR", "kecamatan"), ("3403012001", "SUKAMAJU", "desa"), ("3403022001", "MULYOREJO", "desa")]])
    con = duckdb.connect(str(db))
    con.execute((SQL_DIR / "rank" / "macros.sql").read_text())
    con.execute("CREATE SCHEMA rank")
    for table, data in (("main.keluarga", keluarga), ("rank.fitur_keluarga", fitur), ("main.wilayah", wilayah)):
        con.register("f", data)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM f")
        con.unregister("f")
    ranking = sql_file("peringkat").replace("{{skor}}", "f.skor").replace("{{diimputasi}}", "CAST(NULL AS VARCHAR[])") \
        .replace("{{gabung_skor}}", "")
    con.execute(f"CREATE TABLE main.peringkat AS {ranking}", {"periode": Q1, "versi_model": "uji"})
    return con


def test_families_without_a_village_are_recapped_and_checked(tmp_path):
    db = tmp_path / "dtsen.duckdb"
    con = _quarter_with_families_without_a_village(db)
    p = frame(con, "SELECT * FROM peringkat")
    con.close()
    result = materialize([rekap_desil, rekap_cocok], partition_key=Q1, resources={"storage": DuckDBStorage(database=str(db))},
                         raise_on_error=False)
    checks = {e.event_specific_data.check_name: e.event_specific_data.passed
              for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks == {"rekap_cocok": True}
    con = duckdb.connect(str(db))
    recap = frame(con, "SELECT * FROM rekap_desil WHERE periode = ?", [Q1])
    # every level adds up to the ranked families; those without a village are one region, kode_wilayah NULL
    without = p[p["kode_desa"].isna()]
    for level in ("nasional", "provinsi", "kabupaten", "kecamatan", "desa"):
        all_ranked = recap[(recap["tingkat"] == level) & (recap["desil"] == "semua")]
        assert (all_ranked["keluarga"].sum(), all_ranked["individu"].sum()) == (len(p), p["jumlah_anggota"].sum()), level
        if level == "nasional":
            continue
        none = recap[(recap["tingkat"] == level) & recap["kode_wilayah"].isna() & recap["urutan"].between(1, 10)]
        assert set(none["nama_wilayah"]) == {"TANPA WILAYAH"}
        got = {int(r.desil): (r.keluarga, r.individu) for r in none.itertuples() if r.keluarga > 0}
        expected = {d: (len(g), g["jumlah_anggota"].sum()) for d, g in without.groupby("desil_nasional")}
        assert got == expected, level
    # desil_seimbang / urutan_desil see the families without a village, ranked among themselves at province and regency level
    check = f"SELECT tingkat, wilayah FROM ({sql_file('cek_desil')}) WHERE abs(pangsa - 0.1) > toleransi + 1e-9"
    order = f"SELECT tingkat, wilayah FROM ({sql_file('cek_desil')}) WHERE skor_min <= skor_maks_sebelumnya"
    checked = frame(con, f"SELECT tingkat, sum(individu) AS individu FROM ({sql_file('cek_desil')}) WHERE wilayah IS NULL "
                         "GROUP BY 1 ORDER BY 1", {"periode": Q1})
    assert checked.values.tolist() == [["kabupaten", without["jumlah_anggota"].sum()], ["provinsi", without["jumlah_anggota"].sum()]]
    assert con.execute(check, {"periode": Q1}).fetchall() == con.execute(order, {"periode": Q1}).fetchall() == []
    richest = without.sort_values("skor")["id_keluarga"].iloc[-3:].tolist()  # 60 % of them in desil 1, above the poorest
    con.execute("UPDATE peringkat SET desil_provinsi = 1, desil_kabupaten = 1 WHERE list_contains(?, id_keluarga)", [richest])
    for sql in (check, order):
        flagged = con.execute(sql, {"periode": Q1}).fetchall()
        assert flagged and {w for _, w in flagged} == {None}, sql
    con.close()
