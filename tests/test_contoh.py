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
