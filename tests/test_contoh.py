"""The analyst examples in sql/contoh/ run as they are (as the DuckDB CLI would run the file) on
a database with two quarters, and every query in them returns rows."""

import re

import pytest

from dtsen_pipeline import kueri
from dtsen_pipeline.resources import SQL_DIR

EXAMPLES = sorted((SQL_DIR / "contoh").glob("*.sql"))


def test_there_are_examples_for_the_seed_questions():
    names = {p.stem for p in EXAMPLES}
    assert {"rekap_desil_kabupaten", "kandidat_desa", "pergerakan_desil"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_and_returns_rows(path, tiny_db_two_quarters):
    results = kueri.run(str(tiny_db_two_quarters), path.read_text(encoding="utf-8"))
    assert results, f"{path.name} holds no query"
    for r in results:
        assert len(r.frame), f"{path.name}: a query returned no rows:\n{r.query[:300]}"


def test_kueri_command_prints_the_results_and_names_a_bad_query(tiny_db_two_quarters, capsys, query_db):
    from dtsen_pipeline.cli import main

    path = SQL_DIR / "contoh" / "rekap_desil_kabupaten.sql"
    assert main(["kueri", str(path), "--db", str(tiny_db_two_quarters), "--baris", "3"]) == 0
    out = capsys.readouterr().out
    assert "desil" in out and re.search(r"^[\d,]+ rows", out, re.M)
    assert main(["kueri", "-e", "SELECT count(*) AS n FROM main.keluarga", "--db", str(tiny_db_two_quarters)]) == 0
    [(n,)] = query_db(tiny_db_two_quarters, "SELECT count(*) FROM main.keluarga")
    assert re.search(rf"^\s*n\n\s*{n}\n1 rows", capsys.readouterr().out, re.M)
    assert main(["kueri", "-e", "SELECT sum(jumlah_anggota)::HUGEINT AS orang, 1.5 AS separuh FROM main.keluarga",
                 "--db", str(tiny_db_two_quarters)]) == 0
    assert re.search(r"^\s*\d+\s+1\.5$", capsys.readouterr().out, re.M)  # a whole number prints without ".0"
    assert main(["kueri", "-e", "SELECT * FROM tabel_tidak_ada", "--db", str(tiny_db_two_quarters)]) == 1
    assert "tabel_tidak_ada" in capsys.readouterr().err


def test_kueri_prints_null_for_every_type_and_says_when_text_is_cut():
    import pandas as pd

    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "teks": pd.array(["x" * 80, None], dtype="string"),
                          "ya": pd.array([True, None], dtype="boolean")})
    out = kueri.render([kueri.Result("q", frame)], max_rows=10)
    assert "<NA>" not in out and out.splitlines()[2].split() == ["NULL", "NULL", "NULL"]
    assert "x" * 80 not in out and "cut at 60 characters" in out and "teks" in out.splitlines()[-1]
    whole = kueri.render_csv([kueri.Result("q", frame)], max_rows=10)
    assert whole.splitlines() == ["n,teks,ya", f"1,{'x' * 80},True", ",,"]
    assert "cut" not in kueri.render([kueri.Result("q", frame.assign(teks="pendek"))], max_rows=10)
    assert kueri.render([kueri.Result("q", frame.head(0))], max_rows=10) == "n  teks  ya\n0 rows"


def test_kueri_csv_prints_whole_values(tiny_db_two_quarters, capsys):
    from dtsen_pipeline.cli import main

    sql = "SELECT repeat('a', 70) AS panjang, NULL::INTEGER AS kosong"
    assert main(["kueri", "-e", sql, "--db", str(tiny_db_two_quarters), "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["panjang,kosong", "a" * 70 + ","]
