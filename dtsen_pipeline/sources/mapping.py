"""The per-source column mapping (mapping.yaml): how each extract is laid out."""

from __future__ import annotations

from pathlib import Path

import yaml

DEFAULT_MAPPING = Path(__file__).with_name("mapping.yaml")
FORMATS = ("csv", "xlsx", "parquet")


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the entry."""


def load_mapping(path: str | Path | None = None) -> dict:
    """Read and validate a mapping file; returns ``{source: {files: {name: spec}}}``."""
    path = Path(path) if path else DEFAULT_MAPPING
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read mapping: {exc}") from exc
    sources = (doc or {}).get("sources")
    if not isinstance(sources, dict) or not sources:
        raise MappingError(f"{path}: no `sources` mapping")
    for source, entry in sources.items():
        for name, spec in (entry or {}).get("files", {}).items():
            where = f"{path}: sources.{source}.files.{name}"
            for key in ("pattern", "format", "columns"):
                if key not in spec:
                    raise MappingError(f"{where}: `{key}` missing")
            if spec["format"] not in FORMATS:
                raise MappingError(f"{where}: format {spec['format']!r} is not one of {FORMATS}")
            missing = set(spec.get("required", [])) - set(spec["columns"])
            if missing:
                raise MappingError(f"{where}: required columns {sorted(missing)} have no source column")
            for canonical, native in spec["columns"].items():
                if isinstance(native, dict) and len(native.get("concat", [])) != len(native.get("widths", [])):
                    raise MappingError(f"{where}.columns.{canonical}: concat and widths must have the same length")
            if spec["format"] == "csv" and "delimiter" not in spec:
                raise MappingError(f"{where}: csv needs a `delimiter`")
    return sources


def native_headers(spec: dict) -> list[str]:
    """Every header a file of this spec carries, in mapping order."""
    out: list[str] = []
    for native in spec["columns"].values():
        out.extend(native["concat"] if isinstance(native, dict) else [native])
    return out
