"""The analyst examples in sql/contoh/ run as they are (as the DuckDB CLI would run the file) on
a database with two quarters, and every query in them returns rows."""

import duckdb
import pytest

from dtsen_pipeline.resources import SQL_DIR

EXAMPLES = sorted((SQL_DIR / "contoh").glob("*.sql"))


def test_there_are_examples_for_the_seed_questions():
    names = {p.stem for p in EXAMPLES}
    assert {"rekap_desil_kabupaten", "kandidat_desa", "pergerakan_desil"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_and_returns_rows(path, tiny_db_two_quarters):
    con = duckdb.connect(str(tiny_db_two_quarters), read_only=True)
    try:
        queries = 0
        for statement in con.extract_statements(path.read_text(encoding="utf-8")):
            result = con.execute(statement)
            if statement.type == duckdb.StatementType.SELECT:
                rows = result.fetchall()
                assert rows, f"{path.name}: a query returned no rows:\n{statement.query[:300]}"
                queries += 1
        assert queries >= 1
    finally:
        con.close()
