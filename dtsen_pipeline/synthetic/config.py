"""Loading and validating a synthetic world file (YAML)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

DEFAULT_WORLD = Path(__file__).with_name("world.yaml")

ERROR_TYPES = (
    "nik_digit",
    "nik_swap",
    "nik_missing",
    "nik_placeholder",
    "nik_spreadsheet",
    "nik_female_day",
    "nik_other_person",
    "birthdate_default",
    "birthdate_swapped",
    "name_old_spelling",
    "name_abbreviation",
    "name_spelling",
    "name_title",
    "name_typo",
)
"""Identity errors a source person record can carry (`jenis_galat` in the truth, besides
`none` and `not_in_dukcapil`)."""

_REQUIRED = ("seed", "scale", "first_period", "periods", "regencies", "families", "dynamics", "sources", "errors")


class WorldConfigError(ValueError):
    """A world file that cannot be used; the message names the file and the key."""


def load_world(path: str | Path | None = None, **overrides: Any) -> dict:
    """Read a world file, apply overrides (e.g. ``scale=1.0``) and validate it."""
    path = Path(path) if path else DEFAULT_WORLD
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise WorldConfigError(f"{path}: cannot read world file: {exc}") from exc
    if not isinstance(cfg, dict):
        raise WorldConfigError(f"{path}: a world file is a YAML mapping")
    cfg.update({k: v for k, v in overrides.items() if v is not None})
    _validate(cfg, path)
    cfg["_path"] = str(path)
    return cfg


def quarter_starts(cfg: dict) -> list[dt.date]:
    """The quarter start dates of the world, e.g. 2025-01-01 .. 2025-10-01."""
    first = cfg["first_period"]
    out = []
    for i in range(cfg["periods"]):
        month = first.month - 1 + 3 * i
        out.append(dt.date(first.year + month // 12, month % 12 + 1, 1))
    return out


def _validate(cfg: dict, path: Path) -> None:
    def fail(key: str, what: str) -> None:
        raise WorldConfigError(f"{path}: {key}: {what}")

    for key in _REQUIRED:
        if key not in cfg:
            fail(key, "missing")
    if not isinstance(cfg["scale"], (int, float)) or not 0 < cfg["scale"] <= 2:
        fail("scale", f"must be a number in (0, 2], got {cfg['scale']!r}")
    if isinstance(cfg["first_period"], str):
        cfg["first_period"] = dt.date.fromisoformat(cfg["first_period"])
    first = cfg["first_period"]
    if not isinstance(first, dt.date) or first.day != 1 or first.month not in (1, 4, 7, 10):
        fail("first_period", f"must be a quarter start date like 2025-01-01, got {first!r}")
    if not isinstance(cfg["periods"], int) or not 1 <= cfg["periods"] <= 12:
        fail("periods", "must be an integer 1-12")
    for date_key in ("regsosek_date", "p3ke_date"):
        value = cfg.get(date_key)
        if isinstance(value, str):
            cfg[date_key] = dt.date.fromisoformat(value)
        elif not isinstance(value, dt.date):
            fail(date_key, "must be a date")
    for code, params in cfg["regencies"].items():
        if not (isinstance(code, str) and len(code) == 4 and code.isdigit()):
            fail(f"regencies.{code}", "regency codes are 4-digit strings (quote them)")
        for name in ("median_consumption", "sigma"):
            if not isinstance(params.get(name), (int, float)) or params[name] <= 0:
                fail(f"regencies.{code}.{name}", "must be a positive number")
    shares = cfg["families"]["size_shares"]
    if abs(sum(shares.values()) - 1) > 1e-6:
        fail("families.size_shares", f"shares sum to {sum(shares.values()):.4f}, not 1")
    for source, rates in cfg["errors"].items():
        for name, rate in rates.items():
            if name not in ERROR_TYPES:
                fail(f"errors.{source}.{name}", f"unknown error type; known: {', '.join(ERROR_TYPES)}")
            if not 0 <= rate < 0.5:
                fail(f"errors.{source}.{name}", "rate must be in [0, 0.5)")
        if sum(rates.values()) >= 0.9:
            fail(f"errors.{source}", "rates sum to 0.9 or more")
