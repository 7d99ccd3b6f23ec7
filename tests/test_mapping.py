"""The column mapping is checked when it is loaded: a mapping a regency team edited wrongly is
refused with the file and the entry named, before any file is read."""

import pytest
import yaml

from dtsen_pipeline.cli import main
from dtsen_pipeline.sources.mapping import DEFAULT_MAPPING, MappingError, load_mapping


def _edited(tmp_path, edit):
    doc = yaml.safe_load(DEFAULT_MAPPING.read_text(encoding="utf-8"))
    edit(doc["sources"])
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _set(source, name, key, value):
    def edit(sources):
        sources[source]["files"][name][key] = value
    return edit


def _drop(source, name, key):
    def edit(sources):
        del sources[source]["files"][name][key]
    return edit


def test_the_default_mapping_loads_with_every_date_format_readable():
    mapping = load_mapping()
    formats = {spec["date_format"] for entry in mapping.values() for spec in entry["files"].values() if spec.get("date_format")}
    assert formats >= {"%d-%m-%Y", "%d/%m/%Y", "%Y%m%d"}


@pytest.mark.parametrize("edit, where, message", [
    (_drop("dtks", "individu", "pattern"), "sources.dtks.files.individu", "`pattern` missing"),
    (_set("dtks", "individu", "format", "xls"), "sources.dtks.files.individu", "format 'xls' is not one of"),
    (_drop("dtks", "individu", "delimiter"), "sources.dtks.files.individu", "csv needs a `delimiter`"),
    (_set("dtks", "individu", "required", ["nik", "nomor_hp"]), "sources.dtks.files.individu",
     "required columns ['nomor_hp'] have no source column"),
    # date formats written the way a spreadsheet shows them, a typo, a format without the year
    (_set("dtks", "individu", "date_format", "dd/mm/yyyy"), "sources.dtks.files.individu",
     "date_format 'dd/mm/yyyy' does not read a date"),
    (_set("dukcapil", "individu", "date_format", "%d-%m-%Q"), "sources.dukcapil.files.individu",
     "date_format '%d-%m-%Q' does not read a date"),
    (_set("penerima_pbi_jk", "penerima", "date_format", "%m%d"), "sources.penerima_pbi_jk.files.penerima",
     "date_format '%m%d' does not read a date"),
])
def test_a_wrong_mapping_is_refused_naming_file_and_entry(tmp_path, edit, where, message):
    path = _edited(tmp_path, edit)
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert str(err.value).startswith(f"{path}: {where}") and message in str(err.value)


def test_unpadded_duckdb_date_codes_are_accepted(tmp_path):
    # DuckDB reads 5/3/1985 with %-d/%-m/%Y (and with %d/%m/%Y)
    assert load_mapping(_edited(tmp_path, _set("dtks", "individu", "date_format", "%-d/%-m/%Y")))["dtks"]["files"]["individu"]


def test_run_with_a_wrong_mapping_stops_before_reading_anything(tmp_path, capsys):
    path = _edited(tmp_path, _set("dtks", "keluarga", "date_format", "DD/MM/YYYY"))
    (tmp_path / "data" / "raw" / "2025-01-01").mkdir(parents=True)
    assert main(["run", "--data", str(tmp_path / "data"), "--db", str(tmp_path / "x.duckdb"), "--mapping", str(path)]) == 2
    err = capsys.readouterr().err
    assert "sources.dtks.files.keluarga: date_format 'DD/MM/YYYY' does not read a date" in err and "'%d/%m/%Y'" in err
    assert not (tmp_path / "x.duckdb").exists()
